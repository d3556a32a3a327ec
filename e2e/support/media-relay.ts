/**
 * A UDP relay the e2e tests put between two browsers' WebRTC connections, so
 * that a test can cut the media path for real. Playwright's `setOffline`
 * (Chromium's offline emulation) stops a page's HTTP and WebSocket traffic
 * but not WebRTC's UDP: between two browsers on one machine the media keeps
 * flowing and ICE never notices. With the relay installed on one side's
 * context, every ICE candidate that side receives or sends goes through a
 * relay port (TCP and IPv6 candidates, and candidates inside SDP, are
 * dropped), so both ICE agents can only reach each other through the relay;
 * {@link MediaRelay.cut} then drops every packet, which both browsers see as
 * the network going away (ICE "disconnected"), and restoring it lets an ICE
 * restart (RFC 8445 §2.4) find the path again on the same connections.
 * {@link MediaRelay.setLimit} makes the path towards one side thin instead
 * (a fixed rate with a short queue), as a weak mobile or rural connection is.
 */
import { Worker } from 'node:worker_threads';
import type { APIRequestContext, BrowserContext, Page } from '@playwright/test';
import { startCall, type OpenCall } from './call.ts';

/** Whose candidates a relay port stands for, and so which way a packet goes: see {@link MediaRelay.setLimit}. */
export type RelaySide = 'local' | 'remote';

/** The relay; see the module comment. Packets are forwarded on a thread of its own (media-relay-worker.mjs). */
export class MediaRelay {
  private readonly worker = new Worker(new URL('./media-relay-worker.mjs', import.meta.url));
  private readonly pending = new Map<number, (answer: { port?: number }) => void>();
  private nextId = 1;
  private cutOff = false;

  constructor() {
    this.worker.on('message', (answer: { id: number; port?: number }) => {
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
  }

  /** Whether packets are dropped now. */
  get cut(): boolean {
    return this.cutOff;
  }

  /** Drops every packet, both ways (true), or relays them again (false). */
  setCut(cut: boolean): void {
    this.cutOff = cut;
    this.worker.postMessage({ op: 'cut', cut });
  }

  /**
   * Lets media towards one side through at `bitsPerSecond` at most (null:
   * without limit again). `towards`: 'local', the side whose context the
   * relay is installed on ({@link relayMedia}); 'remote', the other side.
   */
  setLimit(towards: RelaySide, bitsPerSecond: number | null): void {
    this.worker.postMessage({ op: 'limit', towards, bitsPerSecond });
  }

  /** The relay port that stands for the real candidate `address:port` of `owner` (on the same address, so the route is the same). */
  async portFor(address: string, port: number, owner: RelaySide): Promise<number> {
    const answer = await this.ask({ op: 'port', address, port, owner });
    if (answer.port === undefined) throw new Error(`no relay port for ${address}:${port}`);
    return answer.port;
  }

  /** Closes every socket and the thread. */
  async close(): Promise<void> {
    await this.ask({ op: 'close' });
    await this.worker.terminate();
  }

  private ask(message: Record<string, unknown>): Promise<{ port?: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...message, id });
    });
  }
}

/**
 * Routes the WebRTC media of every page of `context` through `relay`: wraps
 * the pages' RTCPeerConnection (before any page script runs) so that the
 * candidates given to `addIceCandidate` and those handed out through
 * `onicecandidate` name relay ports. One context is enough: it sees both its
 * own candidates and the other side's.
 */
export async function relayMedia(context: BrowserContext, relay: MediaRelay): Promise<void> {
  await context.exposeFunction('e2eRelayPort', (address: string, port: number, owner: RelaySide) => relay.portFor(address, port, owner));
  await context.addInitScript(() => {
    type RelayPort = (address: string, port: number, owner: 'local' | 'remote') => Promise<number>;
    /** The candidate (of this side, 'local', or of the other, 'remote') through the relay, or null for one the relay does not carry (TCP, IPv6, mDNS). */
    const viaRelay = async (init: RTCIceCandidateInit, owner: 'local' | 'remote'): Promise<RTCIceCandidateInit | null> => {
      const parts = (init.candidate ?? '').split(' ');
      const [, , protocol, , address, port] = parts;
      if (protocol?.toLowerCase() !== 'udp' || !address || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) return null;
      const relayed = await (window as unknown as { e2eRelayPort: RelayPort }).e2eRelayPort(address, Number(port), owner);
      parts[5] = String(relayed);
      return { ...init, candidate: parts.join(' ') };
    };
    /** Candidates travel only as trickled candidates, where the relay sees them. */
    const withoutCandidates = (sdp: string) =>
      sdp
        .split('\r\n')
        .filter((line) => !line.startsWith('a=candidate:'))
        .join('\r\n');
    type IceHandler = ((this: RTCPeerConnection, event: RTCPeerConnectionIceEvent) => unknown) | null;
    const handlers = new WeakMap<RTCPeerConnection, IceHandler>();
    const Native = window.RTCPeerConnection;
    class Relayed extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        let outgoing = Promise.resolve();
        super.addEventListener('icecandidate', (event) => {
          // In order, as gathered: each waits for the relay port of the one before.
          outgoing = outgoing.then(async () => {
            const init = event.candidate ? await viaRelay(event.candidate.toJSON(), 'local') : null;
            if (event.candidate && !init) return;
            handlers.get(this)?.call(this, new RTCPeerConnectionIceEvent('icecandidate', { candidate: init ? new RTCIceCandidate(init) : null }));
          });
        });
      }

      override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
        return super.setRemoteDescription(description.sdp === undefined ? description : { type: description.type, sdp: withoutCandidates(description.sdp) });
      }

      override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
        if (!candidate?.candidate) return super.addIceCandidate(candidate ?? undefined);
        const init = await viaRelay(candidate instanceof RTCIceCandidate ? candidate.toJSON() : candidate, 'remote');
        if (init) await super.addIceCandidate(init);
      }
    }
    // Accessors in the DOM typings are properties, so these two are defined on the prototype.
    Object.defineProperty(Relayed.prototype, 'onicecandidate', {
      get(this: RTCPeerConnection) {
        return handlers.get(this) ?? null;
      },
      set(this: RTCPeerConnection, handler: IceHandler) {
        handlers.set(this, handler);
      },
    });
    Object.defineProperty(Relayed.prototype, 'localDescription', {
      get(this: RTCPeerConnection) {
        const description: RTCSessionDescription | null = Reflect.get(Native.prototype, 'localDescription', this);
        return description && new RTCSessionDescription({ type: description.type, sdp: withoutCandidates(description.sdp) });
      },
    });
    window.RTCPeerConnection = Relayed;
  });
}

/**
 * {@link startCall} with the citizen's media going through a new relay
 * (installed on the citizen's context: 'local' is the citizen). If the call
 * cannot be started the relay is closed; otherwise the caller closes both.
 */
export async function startRelayedCall(
  agent: Page,
  request: APIRequestContext,
  baseURL: string | undefined,
  people: Parameters<typeof startCall>[3],
): Promise<{ call: OpenCall; relay: MediaRelay }> {
  const relay = new MediaRelay();
  try {
    const call = await startCall(agent, request, baseURL, people, (context) => relayMedia(context, relay));
    return { call, relay };
  } catch (error) {
    await relay.close();
    throw error;
  }
}
