/**
 * One RTCPeerConnection to one other participant of a call (the call is a
 * mesh: one of these per peer, so an interpreter joins as a third). It
 * follows the "perfect negotiation" pattern of the WebRTC specification
 * (W3C webrtc-pc §10.7, "Perfect negotiation example"): either side may make
 * an offer at any time (an ICE restart, say), and when two offers cross the
 * impolite side ignores the other's while the polite side rolls its own back.
 * As the protocol says (`call_started` in src/shared/signalling.ts) the peer
 * with the lexically smaller id makes the first offer: it is the impolite
 * one, and it creates the audio and video transceivers; the other side
 * answers on them. Tracks are attached with `replaceTrack`, so media can
 * arrive before or after the connection without another negotiation.
 */
import type { ParticipantRole } from '../../shared/signalling.ts';

/** What travels in a `signal` message: a description or an ICE candidate (the protocol's shapes). */
export interface SignalPayload {
  description?: { type: 'offer' | 'answer'; sdp: string } | undefined;
  candidate?:
    | {
        candidate: string;
        sdpMid?: string | null | undefined;
        sdpMLineIndex?: number | null | undefined;
        usernameFragment?: string | null | undefined;
      }
    | undefined;
}

/**
 * Whether this side is the polite one towards `remotePeerId`. The smaller id
 * makes the first offer and is impolite; ids are compared as strings by
 * UTF-16 code units, as the server sorts them.
 */
export function isPolite(selfPeerId: string, remotePeerId: string): boolean {
  if (selfPeerId === remotePeerId) throw new Error('a peer cannot connect to itself');
  return selfPeerId > remotePeerId;
}

/** How the connection to one peer stands, as the call shows it. */
export type PeerConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** Maps the browser's connection and ICE states to the few the call shows. */
export function peerConnectionState(connection: RTCPeerConnectionState, ice: RTCIceConnectionState, everConnected: boolean): PeerConnectionState {
  if (connection === 'closed') return 'closed';
  if (connection === 'connected' && (ice === 'connected' || ice === 'completed')) return 'connected';
  // Once media has flowed, any other state is on its way back (ICE restarts until the call ends).
  if (everConnected) return 'reconnecting';
  if (connection === 'failed' || ice === 'failed') return 'failed';
  return 'connecting';
}

/** The local tracks to send, read whenever transceivers need them. */
export interface LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  stream: MediaStream;
}

/** What a {@link PeerLink} needs from the call. */
export interface PeerLinkOptions {
  selfPeerId: string;
  peerId: string;
  role: ParticipantRole | null;
  iceServers: RTCIceServer[];
  /** Sends a description or candidate to this peer through the signalling server. */
  sendSignal: (payload: SignalPayload) => void;
  /** The tracks to send now. */
  localTracks: () => LocalTracks;
  /** Called when the remote stream gains a track or the connection state changes. */
  onChange: () => void;
  /** Called with a failure worth reporting (never thrown into the event loop). */
  onError?: (error: unknown) => void;
}

/**
 * An offer left unanswered is sent again (the other side may have joined
 * after it went), after 4 s, then twice as long each time up to 32 s: a slow
 * or busy device (an old phone, three people's video to encode and decode)
 * may take longer than 4 s to answer, and re-offering faster than it answers
 * would roll back every answer before it arrives.
 */
const OFFER_RETRY = { firstMs: 4_000, maxMs: 32_000 } as const;

/** How long to wait for the answer to an offer, after `unanswered` offers went unanswered. */
export function offerRetryDelay(unanswered: number): number {
  return Math.min(OFFER_RETRY.maxMs, OFFER_RETRY.firstMs * 2 ** Math.min(Math.max(0, unanswered), 10));
}
/** An ICE connection "disconnected" this long is restarted; it often recovers by itself sooner. */
const DISCONNECTED_GRACE_MS = 2_000;

/** The connection to one peer. */
export class PeerLink {
  /** The other participant's id. */
  readonly peerId: string;
  /** Their role, once known (a signal may arrive before `peer_joined`). */
  role: ParticipantRole | null;
  /** Whether this side yields when offers cross. */
  readonly polite: boolean;
  /** What the other side sends; replaced (not changed) when its tracks change. */
  remoteStream = new MediaStream();
  private readonly pc: RTCPeerConnection;
  private readonly options: PeerLinkOptions;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private everConnected = false;
  private closed = false;
  private audio: RTCRtpTransceiver | null = null;
  private video: RTCRtpTransceiver | null = null;
  private queue: Promise<void> = Promise.resolve();
  private offerTimer: ReturnType<typeof setTimeout> | null = null;
  /** Offers sent again since the last answer. */
  private unanswered = 0;
  private disconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: PeerLinkOptions) {
    this.options = options;
    this.peerId = options.peerId;
    this.role = options.role;
    this.polite = isPolite(options.selfPeerId, options.peerId);
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
    this.pc.onnegotiationneeded = () => void this.offer(false);
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.options.sendSignal({ candidate: candidate.toJSON() as SignalPayload['candidate'] });
    };
    this.pc.ontrack = ({ track }) => {
      if (!this.remoteStream.getTracks().includes(track)) {
        // A new stream object for each new set of tracks, so a <video> that already plays the audio alone
        // attaches the set again and shows the video: a track added to the stream it plays is not always
        // picked up (bench/connect: about 1 call in 15 showed no picture while media flowed).
        this.remoteStream = new MediaStream([...this.remoteStream.getTracks().filter((t) => t.kind !== track.kind), track]);
      }
      this.options.onChange();
    };
    this.pc.onconnectionstatechange = () => this.stateChanged();
    this.pc.oniceconnectionstatechange = () => this.iceStateChanged();
    if (!this.polite) {
      // The first offer comes from here: both kinds of media, each way, tracks attached when there are any.
      const { audio, video, stream } = options.localTracks();
      this.audio = this.pc.addTransceiver(audio ?? 'audio', { direction: 'sendrecv', streams: [stream] });
      this.video = this.pc.addTransceiver(video ?? 'video', { direction: 'sendrecv', streams: [stream] });
    }
  }

  /** How the connection stands. */
  get state(): PeerConnectionState {
    return peerConnectionState(this.pc.connectionState, this.pc.iceConnectionState, this.everConnected);
  }

  /** The underlying connection's statistics. */
  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  /** Handles a description or candidate from this peer; signals are handled one at a time, in order. */
  receive(payload: SignalPayload): void {
    this.queue = this.queue.then(() => this.handle(payload)).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Sends `track` (or nothing) as this side's audio or video, without renegotiating. */
  async setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const transceiver = kind === 'audio' ? this.audio : this.video;
    if (!transceiver || this.closed) return; // attached when the offer arrives (see adoptTransceivers)
    await transceiver.sender.replaceTrack(track);
  }

  /** Restarts ICE (new candidates, same call): after a network change, a failure, or the signalling socket coming back. */
  restartIce(): void {
    if (this.closed || !this.pc.remoteDescription) return;
    // Back on the network: an offer still waiting for its answer goes again soon, not after the backed-off delay.
    this.unanswered = 0;
    if (this.offerTimer && this.pc.signalingState === 'have-local-offer') this.watchOffer();
    this.pc.restartIce();
  }

  /** Whether the media path is down and worth restarting. */
  get needsRestart(): boolean {
    const ice = this.pc.iceConnectionState;
    return ice === 'disconnected' || ice === 'failed';
  }

  /** Closes the connection for good. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.pc.close();
    for (const track of this.remoteStream.getTracks()) track.stop();
    this.options.onChange();
  }

  private async offer(iceRestart: boolean): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      if (iceRestart) await this.pc.setLocalDescription(await this.pc.createOffer({ iceRestart: true }));
      else await this.pc.setLocalDescription();
      this.sendLocalDescription();
      this.watchOffer();
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Sends the offer again, with new ICE credentials, if no answer came back in time. */
  private watchOffer(): void {
    if (this.offerTimer) clearTimeout(this.offerTimer);
    this.offerTimer = setTimeout(() => {
      this.offerTimer = null;
      if (this.closed || this.pc.signalingState !== 'have-local-offer') return;
      this.queue = this.queue
        .then(async () => {
          if (this.pc.signalingState !== 'have-local-offer') return;
          this.unanswered += 1;
          await this.pc.setLocalDescription({ type: 'rollback' });
          await this.offer(true);
        })
        .catch((error: unknown) => this.options.onError?.(error));
    }, offerRetryDelay(this.unanswered));
  }

  private sendLocalDescription(): void {
    const description = this.pc.localDescription;
    if (description && (description.type === 'offer' || description.type === 'answer')) {
      this.options.sendSignal({ description: { type: description.type, sdp: description.sdp } });
    }
  }

  private async handle({ description, candidate }: SignalPayload): Promise<void> {
    if (this.closed) return;
    if (description) {
      // W3C webrtc-pc §10.7: an offer collides unless we are stable and not making one ourselves.
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      this.settingRemoteAnswer = description.type === 'answer';
      try {
        // On the polite side a colliding offer rolls our own back implicitly.
        await this.pc.setRemoteDescription(description);
      } finally {
        this.settingRemoteAnswer = false;
      }
      if (description.type === 'offer') {
        await this.adoptTransceivers();
        await this.pc.setLocalDescription();
        this.sendLocalDescription();
      } else {
        this.unanswered = 0;
        if (this.offerTimer) clearTimeout(this.offerTimer);
        this.offerTimer = null;
      }
      return;
    }
    if (candidate) {
      try {
        await this.pc.addIceCandidate(candidate);
      } catch (error) {
        // Candidates of an offer we ignored, or of one that never reached us, are expected to fail.
        if (!this.ignoreOffer && this.pc.remoteDescription) this.options.onError?.(error);
      }
    }
  }

  /**
   * On the answering side: send our tracks on the transceivers the offer
   * created. The tracks are read again after every await: the camera may
   * open meanwhile, and its `setTrack` finds no video transceiver yet while
   * the audio one is being adopted (bench/connect: about 1 call in 40, when
   * the citizen made the offer, the citizen never saw the agent).
   */
  private async adoptTransceivers(): Promise<void> {
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.currentDirection === 'stopped' || transceiver.mid === null) continue;
      const kind = transceiver.receiver.track.kind;
      if (kind === 'audio' && !this.audio) this.audio = transceiver;
      else if (kind === 'video' && !this.video) this.video = transceiver;
      else continue;
      transceiver.direction = 'sendrecv';
      transceiver.sender.setStreams(this.options.localTracks().stream);
    }
    for (const [transceiver, kind] of [
      [this.audio, 'audio'],
      [this.video, 'video'],
    ] as const) {
      const track = this.options.localTracks()[kind];
      if (transceiver && !this.closed && transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
  }

  private stateChanged(): void {
    if (this.pc.connectionState === 'connected') this.everConnected = true;
    if (this.pc.connectionState === 'failed') this.restartIce();
    this.options.onChange();
  }

  private iceStateChanged(): void {
    const ice = this.pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') {
      this.everConnected = true;
      if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
      this.disconnectTimer = null;
    } else if (ice === 'failed') {
      this.restartIce();
    } else if (ice === 'disconnected' && !this.disconnectTimer) {
      this.disconnectTimer = setTimeout(() => {
        this.disconnectTimer = null;
        if (this.pc.iceConnectionState === 'disconnected') this.restartIce();
      }, DISCONNECTED_GRACE_MS);
    }
    this.options.onChange();
  }

  private clearTimers(): void {
    if (this.offerTimer) clearTimeout(this.offerTimer);
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.offerTimer = null;
    this.disconnectTimer = null;
  }
}
