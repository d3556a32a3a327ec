/**
 * One call, seen from one participant: the local microphone, camera and
 * screen, one {@link PeerLink} per other participant (a mesh, so a third
 * person can join), the chat, and the audio-only fallback. It speaks to the
 * server only through the signalling client it is given (`signal`,
 * `media_state`, `chat`, `hang_up` out; the same and `peer_joined`,
 * `peer_left`, `call_ended`, `returned_to_waiting` in), so the same class
 * runs on the citizen's, the agent's and the interpreter's page. Explicit
 * lifecycle: `open()` connects and opens the devices, `close()` releases
 * everything. The view reads immutable snapshots (`subscribe`/`snapshot`,
 * made for React's useSyncExternalStore) and turns notices into announcements.
 * The local devices are held by {@link LocalTracks} (call-local.ts), the
 * connections' statistics by {@link CallStatistics} (call-stats.ts), and the
 * participants' views are made by `peerViews` (below).
 */
import type { ParticipantRole } from '../../shared/signalling.ts';
import { LocalTracks, type CallDeviceControls } from './call-local.ts';
import { listDevices, type DeviceLists } from './call-media.ts';
import { PeerLink, type PeerConnectionState, type SignalPayload } from './call-peer.ts';
import { peerViews, samePeers } from './call-peer-views.ts';
import { CallChat } from './call-chat.ts';
import { CallStatistics } from './call-stats.ts';
import type {
  CallDevicePreferences,
  CallEndReason,
  CallNotice,
  CallSnapshot,
  CallStart,
  LocalMedia,
  ServerMessageOf,
  SignallingPort,
} from './call-types.ts';

/** Options of a {@link CallSession}. */
export interface CallSessionOptions {
  client: SignallingPort;
  start: CallStart;
  role: ParticipantRole;
  /** Called once when the call ends (hang-up here or there, the server ending it, back to the waiting room). */
  onEnded?: (reason: CallEndReason) => void;
  /** Names a device the browser gives no label ("Camera 2"). */
  deviceName?: (kind: MediaDeviceKind, index: number) => string;
}

/** How often the connections' statistics are read (bandwidth fallback and received counters). */
const STATS_INTERVAL_MS = 2_000;

const NO_DEVICES: DeviceLists = { microphones: [], cameras: [], speakers: [] };

/** One call on this page. */
export class CallSession {
  private readonly client: SignallingPort;
  private readonly role: ParticipantRole;
  private start: CallStart;
  private readonly options: CallSessionOptions;
  private readonly links = new Map<string, PeerLink>();
  private readonly peerMedia = new Map<string, { audio: boolean; video: boolean; screen: boolean }>();
  private readonly peerStates = new Map<string, PeerConnectionState>();
  private readonly statistics = new CallStatistics();
  private readonly sendStream = new MediaStream();
  private readonly listeners = new Set<() => void>();
  private readonly noticeListeners = new Set<(notice: CallNotice) => void>();
  private readonly unsubscribes: (() => void)[] = [];
  private readonly tracks: LocalTracks;
  /** Video stopped because the network is too poor (see call-bandwidth.ts). */
  private audioOnly = false;
  /** The last `media_state` sent, so only changes go out. */
  private sentMedia = '';
  private readonly chat: CallChat;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private current: CallSnapshot;
  private started = false;
  private readonly handleOnline = () => this.restartBrokenLinks(true);

  constructor(options: CallSessionOptions) {
    this.options = options;
    this.client = options.client;
    this.role = options.role;
    this.chat = new CallChat(options.role);
    this.start = options.start;
    this.tracks = new LocalTracks({
      tracksChanged: () => this.syncSenders(),
      changed: () => this.localChanged(),
      notice: (notice) => this.notice(notice),
      videoWanted: () => this.resetBandwidth(),
    });
    this.current = {
      appointmentId: options.start.appointmentId,
      role: options.role,
      ended: null,
      local: { ...this.tracks.state, audioOnly: false },
      peers: [],
      chat: [],
      devices: NO_DEVICES,
      recording: options.start.recording === true,
    };
  }

  /** The local microphone's track (muted or not), for the recording's mix; null while closed. */
  get localAudio(): MediaStreamTrack | null {
    return this.tracks.audio;
  }

  /** The appointment the call is about. */
  get appointmentId(): string {
    return this.start.appointmentId;
  }

  /** Connects to every peer, then opens the devices (`preferred` from the device check, if any). */
  async open(preferred: CallDevicePreferences = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Links first: signals replayed by a buffering port (see call-port.ts) then reach the right one.
    for (const peer of this.start.peers) if (!this.links.has(peer.peerId)) this.link(peer.peerId, peer.role);
    this.listen();
    this.statsTimer = setInterval(() => void this.readStats(), STATS_INTERVAL_MS);
    window.addEventListener('online', this.handleOnline);
    await this.tracks.open(preferred);
    if (!this.current.ended) await this.refreshDevices();
  }

  /** A new `call_started` for the same call (after the signalling socket came back): connect to newcomers, drop those gone. */
  update(start: CallStart): void {
    if (start === this.start || start.selfPeerId !== this.start.selfPeerId) return;
    this.start = start;
    if (this.current.recording !== (start.recording === true)) {
      this.current = { ...this.current, recording: start.recording === true };
      this.emit();
    }
    const ids = new Set(start.peers.map((p) => p.peerId));
    for (const [peerId, link] of this.links) if (!ids.has(peerId)) this.unlink(peerId, link);
    for (const peer of start.peers) if (!this.links.has(peer.peerId)) this.link(peer.peerId, peer.role);
    this.restartBrokenLinks(false);
    this.sendMediaState();
  }

  /** Registers a listener of snapshot changes; answers the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current state (a new object after every change). */
  snapshot = (): CallSnapshot => this.current;

  /** Registers a listener of notices (what to announce); answers the unsubscribe function. */
  onNotice(listener: (notice: CallNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /**
   * The person's own microphone, camera, speaker and screen: mute, turn off
   * (which releases the device), switch front/back, choose, share. Held by
   * {@link LocalTracks}; what they change is sent and shown through this session.
   */
  get devices(): CallDeviceControls {
    return this.tracks;
  }

  /** Sends video again after the audio-only fallback. */
  async resumeVideo(): Promise<void> {
    this.resetBandwidth();
    this.notice({ kind: 'audio_only', on: false });
    await this.syncSenders();
  }

  /** Sends a chat message; it shows at once and the server keeps it for the record. */
  sendChat(text: string): void {
    const trimmed = text.trim();
    if (!trimmed || this.current.ended) return;
    this.client.send({ type: 'chat', appointmentId: this.appointmentId, text: trimmed });
    this.chat.sent(trimmed);
    this.emit();
  }

  /** Ends the call for everyone here: tells the server, then releases everything. */
  hangUp(): void {
    if (this.current.ended) return;
    this.client.send({ type: 'hang_up', appointmentId: this.appointmentId });
    this.end('hang_up');
  }

  /** Releases devices and connections without telling the server (the page is going away). */
  close(): void {
    this.teardown();
  }

  /** Refreshes the device lists (labels appear once a permission was granted; devices come and go). */
  async refreshDevices(): Promise<void> {
    const devices = await listDevices(this.options.deviceName ?? ((kind, n) => `${kind} ${n}`));
    this.current = { ...this.current, devices };
    this.emit();
  }

  private listen(): void {
    const mine = (message: { appointmentId: string }) => message.appointmentId === this.appointmentId;
    this.unsubscribes.push(
      this.client.on('signal', (m) => {
        if (!mine(m)) return;
        const payload: SignalPayload = { description: m.description, candidate: m.candidate };
        (this.links.get(m.from) ?? this.link(m.from, null)).receive(payload);
      }),
      this.client.on('peer_joined', (m) => {
        if (!mine(m) || m.peerId === this.start.selfPeerId) return;
        // Someone who comes back under the same id has a new connection: start afresh with them.
        const old = this.links.get(m.peerId);
        if (old && old.state !== 'connecting') this.unlink(m.peerId, old, false);
        const existing = this.links.get(m.peerId);
        if (existing) existing.role = m.role;
        // Learned late that this is the interpreter: the screen being shared is not for them.
        if (existing && m.role === 'interpreter') void this.syncSenders();
        else this.link(m.peerId, m.role);
        this.notice({ kind: 'peer_joined', role: m.role });
        this.sendMediaState();
        this.emit();
      }),
      this.client.on('peer_left', (m) => {
        const link = this.links.get(m.peerId);
        if (mine(m) && link) this.unlink(m.peerId, link);
      }),
      this.client.on('media_state', (m) => {
        if (!mine(m) || m.peerId === this.start.selfPeerId) return;
        const before = this.peerMedia.get(m.peerId) ?? { audio: true, video: true, screen: false };
        const role = this.links.get(m.peerId)?.role ?? null;
        for (const what of ['audio', 'video', 'screen'] as const) {
          if (before[what] !== m[what]) this.notice({ kind: 'peer_media', role, what, on: m[what] });
        }
        this.peerMedia.set(m.peerId, { audio: m.audio, video: m.video, screen: m.screen });
        this.emit();
      }),
      this.client.on('chat', (m) => {
        if (!mine(m)) return;
        this.receiveChat(m);
      }),
      this.client.on('recording', (m) => {
        if (!mine(m) || m.active === this.current.recording) return;
        this.current = { ...this.current, recording: m.active };
        this.emit();
      }),
      this.client.on('call_ended', (m) => {
        if (mine(m)) this.end(m.reason);
      }),
      this.client.on('returned_to_waiting', (m) => {
        if (mine(m)) this.end('returned_to_waiting');
      }),
      // The signalling socket came back: re-offer where the media path broke meanwhile, and say what we send.
      this.client.on('welcome', () => {
        this.restartBrokenLinks(false);
        this.sendMediaState();
      }),
    );
  }

  private receiveChat(m: ServerMessageOf<'chat'>): void {
    const change = this.chat.received(m);
    if (!change) return;
    if (change.announce) this.notice({ kind: 'chat', from: m.from, text: m.text });
    this.emit();
  }

  private link(peerId: string, role: ParticipantRole | null): PeerLink {
    const link = new PeerLink({
      selfPeerId: this.start.selfPeerId,
      peerId,
      role,
      iceServers: this.start.iceServers,
      sendSignal: (payload) => this.client.send({ type: 'signal', appointmentId: this.appointmentId, to: peerId, ...payload }),
      localTracks: () => ({ audio: this.tracks.audio, video: this.videoFor(this.links.get(peerId)?.role ?? role), stream: this.sendStream }),
      onChange: () => this.linkChanged(peerId),
    });
    this.links.set(peerId, link);
    this.emit();
    return link;
  }

  private unlink(peerId: string, link: PeerLink, announce = true): void {
    this.links.delete(peerId);
    this.peerStates.delete(peerId);
    this.peerMedia.delete(peerId);
    this.statistics.forget(peerId);
    link.close();
    if (announce) this.notice({ kind: 'peer_left', role: link.role });
    this.emit();
  }

  private linkChanged(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    const state = link.state;
    const before = this.peerStates.get(peerId);
    if (before !== state) {
      this.peerStates.set(peerId, state);
      // "Connecting" at the start says nothing new; everything after it does.
      if (before !== undefined || state !== 'connecting') this.notice({ kind: 'peer_connection', role: link.role, state });
      if (state === 'connected') this.sendMediaState();
    }
    this.emit();
  }

  private restartBrokenLinks(always: boolean): void {
    for (const link of this.links.values()) if (always || link.needsRestart) link.restartIce();
  }

  /** What goes out as video: nothing in the audio-only fallback, else the shared screen, else the camera. */
  /**
   * What goes out as video to one peer: a shared screen may show the
   * citizen's documents and data, which an interpreter must not see, so
   * while sharing they get no picture from this side (the sound goes on).
   */
  private videoFor(role: ParticipantRole | null, video: MediaStreamTrack | null = this.videoToSend()): MediaStreamTrack | null {
    return role === 'interpreter' && this.tracks.state.screen ? null : video;
  }

  private videoToSend(): MediaStreamTrack | null {
    return this.audioOnly ? null : this.tracks.video;
  }

  private async syncSenders(): Promise<void> {
    const video = this.videoToSend();
    const audio = this.tracks.audio;
    for (const track of this.sendStream.getTracks()) this.sendStream.removeTrack(track);
    for (const track of [audio, video]) if (track) this.sendStream.addTrack(track);
    await Promise.all([...this.links.values()].flatMap((link) => [link.setTrack('audio', audio), link.setTrack('video', this.videoFor(link.role, video))]));
    this.localChanged();
  }

  /** Tells the others what this side sends; only changes, unless `always` (a peer joined or connected). */
  private sendMediaState(always = true): void {
    if (this.current.ended || !this.started) return;
    const local = this.current.local;
    const media = {
      audio: local.microphone,
      video: local.camera && !local.screen && !local.audioOnly,
      screen: local.screen && !local.audioOnly,
    };
    const key = JSON.stringify(media);
    if (!always && key === this.sentMedia) return;
    this.sentMedia = key;
    this.client.send({ type: 'media_state', appointmentId: this.appointmentId, ...media });
  }

  /** The local state changed: show it, and tell the others if what is sent changed. */
  private localChanged(): void {
    this.current = { ...this.current, local: { ...this.tracks.state, audioOnly: this.audioOnly } satisfies LocalMedia };
    this.emit();
    this.sendMediaState(false);
  }

  private async readStats(): Promise<void> {
    const { poor } = await this.statistics.sample(this.links);
    if (poor && !this.audioOnly && this.videoToSend()) {
      this.audioOnly = true;
      this.notice({ kind: 'audio_only', on: true });
      await this.syncSenders();
    } else {
      this.emit();
    }
  }

  private resetBandwidth(): void {
    this.statistics.resetBandwidth();
    if (this.audioOnly) {
      this.audioOnly = false;
      this.localChanged();
    }
  }

  private end(reason: CallEndReason): void {
    if (this.current.ended) return;
    this.teardown();
    this.current = { ...this.current, ended: reason };
    this.emit();
    this.options.onEnded?.(reason);
  }

  private teardown(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    window.removeEventListener('online', this.handleOnline);
    for (const [peerId, link] of [...this.links]) {
      this.links.delete(peerId);
      link.close();
    }
    this.tracks.stop();
  }

  private notice(notice: CallNotice): void {
    for (const listener of this.noticeListeners) listener(notice);
  }

  private emit(): void {
    const peers = peerViews(this.links.values(), this.peerMedia, (peerId) => this.statistics.receivedFrom(peerId));
    this.current = { ...this.current, peers: samePeers(this.current.peers, peers) ? this.current.peers : peers, chat: this.chat.entries };
    for (const listener of this.listeners) listener();
  }
}
