/**
 * The shapes a call shows and hears: the signalling it needs, the snapshot
 * the view renders, the notices it announces, the counters tests read.
 */
import type { ClientMessage, ParticipantRole, ServerMessage } from '../../shared/signalling.ts';
import type { ReceivedCounters } from './call-bandwidth.ts';
import type { DeviceLists, Facing, MediaProblem } from './call-media.ts';
import type { PeerConnectionState } from './call-peer.ts';

/** A server message of one type. */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** What the call needs of the signalling client (src/web/realtime/signalling-client.ts has this shape). */
export interface SignallingPort {
  /** Sends one message (dropped or queued by the client while it reconnects). */
  send(message: ClientMessage): unknown;
  /** Listens to one type of server message; answers the function that stops listening. */
  on<T extends ServerMessage['type']>(type: T, handler: (message: ServerMessageOf<T>) => void): () => void;
}

/** The `call_started` message a call begins with. */
export type CallStart = ServerMessageOf<'call_started'>;

/** Why a call ended for this participant. */
export type CallEndReason = ServerMessageOf<'call_ended'>['reason'] | 'returned_to_waiting';

/** What the person chose in the device check, carried into the call. */
export interface CallDevicePreferences {
  microphoneId?: string | null;
  cameraId?: string | null;
  speakerId?: string | null;
  /** False: voice only (no camera, or the person chose not to send video); the camera stays off until turned on. */
  camera?: boolean;
}

/** The local side of the call. */
export interface LocalMedia {
  /** Microphone open and not muted. */
  microphone: boolean;
  /** Camera open (sent unless the audio-only fallback is on). */
  camera: boolean;
  /** Sharing a screen instead of the camera. */
  screen: boolean;
  /** Video stopped because the network is too poor; the person may turn it back on. */
  audioOnly: boolean;
  facing: Facing;
  microphoneId: string | null;
  cameraId: string | null;
  speakerId: string | null;
  /** The self-view: the camera or the shared screen (never audio). */
  preview: MediaStream | null;
  /** The latest device that failed, and why. */
  problem: { device: 'microphone' | 'camera' | 'screen'; problem: MediaProblem } | null;
  /** Still opening the devices for the first time. */
  opening: boolean;
}

/** One other participant. */
export interface PeerView {
  peerId: string;
  role: ParticipantRole | null;
  stream: MediaStream;
  connection: PeerConnectionState;
  /** What they say they send (`media_state`); true until they say otherwise. */
  audio: boolean;
  video: boolean;
  screen: boolean;
  received: ReceivedCounters;
}

/** One chat message. */
export interface ChatEntry {
  id: string;
  from: ParticipantRole;
  text: string;
  at: string;
  /** Sent from this page (shown at once, confirmed when the server echoes it). */
  own: boolean;
}

/** Everything the view shows. */
export interface CallSnapshot {
  appointmentId: string;
  role: ParticipantRole;
  ended: CallEndReason | null;
  local: LocalMedia;
  peers: readonly PeerView[];
  chat: readonly ChatEntry[];
  devices: DeviceLists;
  /** The agent's page is recording the call (the citizen's permanent indicator). */
  recording: boolean;
}

/** Something that changed and is worth saying aloud. */
export type CallNotice =
  | { kind: 'peer_joined' | 'peer_left'; role: ParticipantRole | null }
  | { kind: 'peer_connection'; role: ParticipantRole | null; state: PeerConnectionState }
  | { kind: 'peer_media'; role: ParticipantRole | null; what: 'audio' | 'video' | 'screen'; on: boolean }
  | { kind: 'chat'; from: ParticipantRole; text: string }
  | { kind: 'local'; what: 'microphone' | 'camera' | 'screen'; on: boolean }
  | { kind: 'audio_only'; on: boolean }
  | { kind: 'media_problem'; device: 'microphone' | 'camera' | 'screen'; problem: MediaProblem };

