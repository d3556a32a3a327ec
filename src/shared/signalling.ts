import { z } from 'zod';
import { citizenProtocolView } from './protocol.ts';

/**
 * The real-time protocol between the browser and the server: one WebSocket
 * per client at `WS_PATH`, JSON messages validated on both ends with these
 * discriminated unions (on `type`). The socket authenticates with the
 * session cookie at the upgrade and a `hello` carrying the session's CSRF
 * token within `HELLO_TIMEOUT_MS`, or it is closed.
 */

/** Path of the WebSocket endpoint (after the organisation prefix, if any). */
export const WS_PATH = '/api/ws';

/** Timings shared by both ends. */
export const SIGNALLING_TIMINGS = {
  /** A socket that has not said `hello` successfully by then is closed (4401). */
  helloTimeoutMs: 5_000,
  /** Clients send `ping` this often; the server closes a socket silent for 3 intervals. */
  heartbeatMs: 15_000,
  /** Reconnection backoff on the client: first delay and cap. */
  reconnectMinMs: 500,
  reconnectMaxMs: 10_000,
} as const;

/** WebSocket close codes the server uses (4000–4999 are the application's). */
export const CLOSE_CODES = {
  unauthenticated: 4401,
  forbidden: 4403,
  helloTimeout: 4408,
  heartbeatTimeout: 4409,
  replaced: 4410,
  badOrigin: 4400,
  /** Interpreter: no such invitation in this organisation (a wrong or mistyped link). */
  invitationInvalid: 4404,
  /** Interpreter: the invitation is past its time, or its appointment is over. */
  invitationExpired: 4411,
  /** Interpreter: staff revoked the invitation (or removed the interpreter from the call). */
  invitationRevoked: 4412,
  /** Too many unknown invitations from this address: wait before trying again. */
  tooManyAttempts: 4429,
} as const;

/** Who is on the socket. An interpreter joins one call through an invitation link. */
export const participantRole = z.enum(['citizen', 'agent', 'interpreter']);
export type ParticipantRole = z.infer<typeof participantRole>;

/** Where a citizen is, as the agent's queue shows it. */
export const presenceState = z.enum(['not_arrived', 'waiting', 'in_call', 'left']);
/**
 * Why a call or a waiting room ended: hung up, the citizen did not come
 * (marked by the agent, or automatically: desisted), done, or the
 * appointment was cancelled or moved to another time meanwhile.
 */
export const callEndReason = z.enum(['hang_up', 'no_show', 'desisted', 'completed', 'cancelled', 'rescheduled']);
export type PresenceState = z.infer<typeof presenceState>;

/** Messages the agent may send to a waiting citizen: fixed templates, translated on the citizen's side. */
export const quickMessage = z.discriminatedUnion('template', [
  z.object({ template: z.literal('running_late'), minutes: z.number().int().min(1).max(120) }),
  z.object({ template: z.literal('coming_now') }),
  z.object({ template: z.literal('check_audio') }),
  z.object({ template: z.literal('have_documents_ready') }),
]);
export type QuickMessage = z.infer<typeof quickMessage>;

const id = z.string().min(1).max(64);
const sdp = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(200_000) });
const candidate = z.object({
  candidate: z.string().max(2_000),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** Everything a client may send. Anything else is answered with an `error` (the socket stays open). */
export const clientMessage = z.discriminatedUnion('type', [
  /** First message: proves the socket belongs to the cookie's session. `invitation` for an interpreter. */
  z.object({ type: z.literal('hello'), role: participantRole, csrf: z.string().max(200).optional(), invitation: z.string().max(200).optional() }),
  z.object({ type: z.literal('ping') }),
  /** Citizen: enters the waiting room after the device check and both consents. */
  z.object({
    type: z.literal('join_waiting_room'),
    consents: z.object({ processing: z.literal(true), recording: z.boolean() }),
    devices: z.object({ camera: z.boolean(), microphone: z.boolean() }),
  }),
  z.object({ type: z.literal('leave_waiting_room') }),
  /** Agent: the queue of one local day (default today) for the appointments they may see. */
  z.object({ type: z.literal('watch_queue'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
  z.object({ type: z.literal('admit'), appointmentId: id }),
  z.object({ type: z.literal('send_message'), appointmentId: id, message: quickMessage }),
  z.object({ type: z.literal('return_to_waiting'), appointmentId: id }),
  z.object({ type: z.literal('mark_no_show'), appointmentId: id }),
  z.object({ type: z.literal('request_document'), appointmentId: id, slot: z.string().max(64), note: z.string().max(500).optional() }),
  /** In a call: WebRTC offer/answer or ICE candidate for one peer. */
  z.object({ type: z.literal('signal'), appointmentId: id, to: id, description: sdp.optional(), candidate: candidate.optional() }),
  z.object({ type: z.literal('chat'), appointmentId: id, text: z.string().trim().min(1).max(2_000) }),
  z.object({ type: z.literal('media_state'), appointmentId: id, audio: z.boolean(), video: z.boolean(), screen: z.boolean() }),
  z.object({ type: z.literal('hang_up'), appointmentId: id }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** One appointment in an agent's live queue. */
export const queueEntry = z.object({
  appointmentId: id,
  reference: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  citizenName: z.string(),
  procedureName: z.string(),
  agentId: id,
  presence: presenceState,
  /** Since when the citizen waits (server time), when waiting. */
  waitingSince: z.string().nullable(),
  recordingConsent: z.boolean().nullable(),
});
export type QueueEntry = z.infer<typeof queueEntry>;

/** An ICE server for RTCPeerConnection (TURN with time-limited credentials, coturn REST scheme). */
export const iceServer = z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() });
export type IceServer = z.infer<typeof iceServer>;

/** Everything the server may send. */
export const serverMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    connectionId: id,
    role: participantRole,
    /** For a citizen or interpreter: their appointment. */
    appointmentId: id.nullable(),
    serverTime: z.string(),
    /** STUN/TURN servers to use (TURN with a time-limited credential); the device check tests the media path with them. */
    iceServers: z.array(iceServer),
  }),
  z.object({ type: z.literal('pong'), serverTime: z.string() }),
  /** A refused message; `id` is the stable error id (the socket stays open unless closed with a code). */
  z.object({ type: z.literal('error'), id: z.string(), message: z.string(), replyTo: z.string().optional() }),
  /** Citizen: where they are and what the agent said. */
  z.object({
    type: z.literal('waiting_status'),
    presence: presenceState,
    /** The agent's screen shows the citizen waiting (at least one agent tab is watching). */
    agentKnows: z.boolean(),
    message: quickMessage.nullable(),
    /** When the waiting room opens, if it is not open yet. */
    opensAt: z.string().nullable(),
  }),
  /** Agent: the whole queue (on `watch_queue`), then one entry at a time as it changes. */
  z.object({ type: z.literal('queue'), date: z.string(), entries: z.array(queueEntry) }),
  z.object({ type: z.literal('queue_entry'), entry: queueEntry }),
  /** Agent: an appointment is no longer in the queue shown (cancelled, moved to another day or agent). */
  z.object({ type: z.literal('queue_removed'), appointmentId: id }),
  /** Agent: a citizen has just started waiting (sound, notification, highlight). */
  z.object({ type: z.literal('citizen_waiting'), entry: queueEntry }),
  /** Both: the call starts; each client connects to every peer listed (mesh). */
  z.object({
    type: z.literal('call_started'),
    appointmentId: id,
    selfPeerId: id,
    peers: z.array(z.object({ peerId: id, role: participantRole })),
    iceServers: z.array(iceServer),
    /** Present (true) when the call is being recorded as this socket joins it; later changes come as `recording`. */
    recording: z.literal(true).optional(),
    /** The peer with the lexically smaller id makes the offer, so exactly one side does. */
  }),
  z.object({ type: z.literal('peer_joined'), appointmentId: id, peerId: id, role: participantRole }),
  z.object({ type: z.literal('peer_left'), appointmentId: id, peerId: id }),
  z.object({ type: z.literal('signal'), appointmentId: id, from: id, description: sdp.optional(), candidate: candidate.optional() }),
  z.object({ type: z.literal('chat'), appointmentId: id, messageId: id, from: participantRole, text: z.string(), at: z.string() }),
  z.object({ type: z.literal('media_state'), appointmentId: id, peerId: id, audio: z.boolean(), video: z.boolean(), screen: z.boolean() }),
  /** Citizen: the agent asks for a document now; the upload panel opens for that slot. */
  z.object({ type: z.literal('document_requested'), appointmentId: id, slot: z.string(), name: z.string(), note: z.string().nullable() }),
  /** Agent: a document arrived (live or not) — refresh the documents list. */
  z.object({ type: z.literal('document_uploaded'), appointmentId: id, documentId: id, slot: z.string() }),
  z.object({ type: z.literal('returned_to_waiting'), appointmentId: id }),
  z.object({ type: z.literal('call_ended'), appointmentId: id, reason: callEndReason }),
  /** Everyone in the call: the agent's page started (`active`) or stopped recording; the citizen's indicator follows it. */
  z.object({ type: z.literal('recording'), appointmentId: id, active: z.boolean() }),
  /** Citizen: the guided protocol changed (a step, the form as the agent fills it): their screen shows it read-only. */
  z.object({ type: z.literal('protocol'), appointmentId: id, protocol: citizenProtocolView }),
  /** Agent in the call: the protocol changed (the citizen confirmed or signed, another tab took a step): read it again. */
  z.object({ type: z.literal('protocol_changed'), appointmentId: id }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;
