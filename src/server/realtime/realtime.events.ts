import { z } from 'zod';
import { callEndReason, participantRole, presenceState, queueEntry, quickMessage, serverMessage } from '../../shared/signalling.ts';

/**
 * What nodes tell each other on the event bus. Never sent to a browser as
 * is: each node turns an event into the protocol's messages for the sockets
 * it holds. Validated on receipt like any input from outside the process.
 */

const id = z.string().min(1).max(64);
const peer = z.object({ peerId: id, role: participantRole });
/** A peer of a call: a socket's connection id and who is on it. */
export type Peer = z.infer<typeof peer>;

/** Events of one agent's channel: their appointments' queue, for every tab watching it. */
const agentEvent = z.discriminatedUnion('t', [
  /** An appointment's queue entry changed; `names` is the procedure's localised names (JSON), `date` its local day. */
  z.object({ t: z.literal('queue'), entry: queueEntry, names: z.string(), date: z.string(), alert: z.boolean() }),
  /** Who is watching this appointment? (answered with `watchers` on its channel). */
  z.object({ t: z.literal('query'), appointmentId: id }),
  z.object({ t: z.literal('uploaded'), appointmentId: id, documentId: id, slot: z.string() }),
  /** An appointment left this agent's queue of local day `date` (cancelled, moved to another day or agent). */
  z.object({ t: z.literal('removed'), appointmentId: id, date: z.string() }),
]);

/** Events of one appointment's channel: its citizen's sockets and its call. */
const appointmentEvent = z.discriminatedUnion('t', [
  /** A citizen socket said hello: older ones of the appointment are closed (replaced). */
  z.object({ t: z.literal('citizen'), connectionId: id }),
  /** How many agent tabs on node `n` show this appointment. */
  z.object({ t: z.literal('watchers'), count: z.number().int().min(0) }),
  /** The citizen's presence changed (agent action, no-show): refresh their waiting status. */
  z.object({ t: z.literal('presence'), presence: presenceState }),
  /** A quick message from the agent for the waiting citizen. */
  z.object({ t: z.literal('message'), message: quickMessage }),
  z.object({ t: z.literal('to_citizen'), msg: serverMessage }),
  /** For the call's peers (`agents`: only the agents'; `roles`: only those roles'), except one. */
  z.object({ t: z.literal('to_peers'), msg: serverMessage, except: id.optional(), agents: z.boolean().optional(), roles: z.array(participantRole).optional() }),
  /** For one peer of the call. */
  z.object({ t: z.literal('to_peer'), to: id, msg: serverMessage }),
  /** These peers are in the call; with `start`, the call begins and the citizen's sockets join it. */
  z.object({ t: z.literal('peers'), start: z.boolean(), peers: z.array(peer) }),
  z.object({ t: z.literal('left'), peerId: id }),
  /** The call is over for everyone. */
  z.object({ t: z.literal('ended'), reason: callEndReason }),
  z.object({ t: z.literal('returned') }),
  /** Agent `staffId` took the call in another tab (`by`): their other sockets leave it. */
  z.object({ t: z.literal('taken'), staffId: id, by: id }),
  /** An interpreter's socket said hello with invitation `invitationId`: older ones of the same invitation are closed (replaced). */
  z.object({ t: z.literal('interpreter'), invitationId: id, connectionId: id }),
  /** Staff revoked the invitation: its sockets are closed, in the call or not. */
  z.object({ t: z.literal('interpreter_revoked'), invitationId: id }),
]);

/** What travels on the bus: the sending node and its event. */
export const busEnvelope = z.object({ n: z.string(), e: z.union([agentEvent, appointmentEvent]) });
/** An event of an agent's channel. */
export type AgentEvent = z.infer<typeof agentEvent>;
/** An event of an appointment's channel. */
export type AppointmentEvent = z.infer<typeof appointmentEvent>;

const PREFIX = 'fin:rt';
/** The channel of one agent's queue. */
export const agentChannel = (agentId: string) => `${PREFIX}:g:${agentId}`;
/** The channel of one appointment. */
export const appointmentChannel = (appointmentId: string) => `${PREFIX}:a:${appointmentId}`;

/** Which channel a name is, and of what. */
export function parseChannel(channel: string): { kind: 'agent' | 'appointment'; id: string } | null {
  const m = /^fin:rt:([ga]):(.+)$/.exec(channel);
  if (!m?.[1] || !m[2]) return null;
  return { kind: m[1] === 'g' ? 'agent' : 'appointment', id: m[2] };
}
