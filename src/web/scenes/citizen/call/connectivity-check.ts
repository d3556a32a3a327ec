/**
 * The device check's connection tests. The server: `/healthz` answers, and
 * the signalling WebSocket opens and welcomes this session (proxies and
 * firewalls that block WebSockets show up here). The media path: two
 * RTCPeerConnections in this page connect to each other and exchange a
 * data-channel message, which proves the browser can set up WebRTC at all;
 * with STUN/TURN servers from the server it also proves they are reachable.
 */
import { useCallback, useEffect, useState } from 'react';
import { detectBasePath } from '../../../api/client.ts';
import { SignallingClient, signallingUrl } from '../../../realtime/signalling-client.ts';

/** The outcome of one test. */
export type CheckStatus = 'checking' | 'ok' | 'failed';

/** Both tests. */
export interface Connectivity {
  server: CheckStatus;
  media: CheckStatus;
}

const TIMEOUT_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = window.setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        window.clearTimeout(timer);
        resolve(value);
      },
      () => {
        window.clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** `/healthz` under the organisation's prefix answers 200. */
async function healthy(basePath: string): Promise<boolean> {
  const response = await fetch(`${basePath}/healthz`, { cache: 'no-store', credentials: 'same-origin' });
  return response.ok;
}

/** The signalling socket says `welcome` to this session (then closes): its STUN/TURN servers, or null when it does not. */
function welcomed(basePath: string, csrf: string): Promise<RTCIceServer[] | null> {
  const client = new SignallingClient({ url: signallingUrl(window.location, basePath), role: 'citizen', csrf });
  let timer = 0;
  return new Promise<RTCIceServer[] | null>((resolve) => {
    timer = window.setTimeout(() => resolve(null), TIMEOUT_MS);
    client.on('welcome', (m) => resolve(m.iceServers));
    // A refusal (wrong session) or a drop: the check fails now rather than retrying in the background.
    client.subscribe(() => {
      if (client.state === 'closed' || client.state === 'reconnecting') resolve(null);
    });
    client.open();
  }).finally(() => {
    window.clearTimeout(timer);
    client.close();
  });
}

/**
 * Two peer connections in this page exchange a data-channel message. With
 * no ICE servers this uses host candidates only (loopback); pass the
 * server's STUN/TURN list to test those too.
 */
export async function loopbackWorks(iceServers: RTCIceServer[] = []): Promise<boolean> {
  if (typeof RTCPeerConnection === 'undefined') return false;
  const a = new RTCPeerConnection({ iceServers });
  const b = new RTCPeerConnection({ iceServers });
  try {
    a.onicecandidate = (event) => {
      if (event.candidate) void b.addIceCandidate(event.candidate).catch(() => undefined);
    };
    b.onicecandidate = (event) => {
      if (event.candidate) void a.addIceCandidate(event.candidate).catch(() => undefined);
    };
    const token = `finestreta-check-${Math.random().toString(36).slice(2)}`;
    const received = new Promise<boolean>((resolve) => {
      b.ondatachannel = (event) => {
        event.channel.onmessage = (message) => resolve(message.data === token);
      };
    });
    const channel = a.createDataChannel('check');
    channel.onopen = () => channel.send(token);
    await a.setLocalDescription(await a.createOffer());
    if (!a.localDescription) return false;
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    if (!b.localDescription) return false;
    await a.setRemoteDescription(b.localDescription);
    return await received;
  } finally {
    a.close();
    b.close();
  }
}

/**
 * Runs both tests when `enabled` turns true (the media test after the
 * camera prompt: before permission, Chromium hides host addresses behind
 * mDNS names that some networks cannot resolve) and again on `retry()`.
 */
export function useConnectivity(csrf: string, enabled: boolean): [Connectivity, () => void] {
  const [state, setState] = useState<Connectivity>({ server: 'checking', media: 'checking' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const basePath = detectBasePath(window.location.pathname);
    setState({ server: 'checking', media: 'checking' });
    const welcome = withTimeout(
      healthy(basePath).then((ok) => (ok ? welcomed(basePath, csrf) : null)),
      TIMEOUT_MS,
      null,
    );
    const server = welcome.then((iceServers) => iceServers !== null);
    // The media path as the call will set it up: with the STUN/TURN servers the server gave (none: host candidates).
    const media = welcome.then((iceServers) => withTimeout(loopbackWorks(iceServers ?? []), TIMEOUT_MS, false));
    void server.then((ok) => {
      if (!cancelled) setState((s) => ({ ...s, server: ok ? 'ok' : 'failed' }));
    });
    void media.then((ok) => {
      if (!cancelled) setState((s) => ({ ...s, media: ok ? 'ok' : 'failed' }));
    });
    return () => {
      cancelled = true;
    };
  }, [csrf, enabled, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return [state, retry];
}
