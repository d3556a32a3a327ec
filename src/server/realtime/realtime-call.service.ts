import { randomUUID } from 'node:crypto';
import { bookingRepo } from '../booking/booking.repo.ts';
import { scheduleSurveyInvitation } from '../surveys/survey-invitation.service.ts';
import type { ClientMessage } from '../../shared/signalling.ts';
import { interpreterLeaves } from './interpreter.realtime.ts';
import type { Connection } from './realtime.connection.ts';
import { RealtimeError } from './realtime.errors.ts';
import type { RealtimeService } from './realtime.service.ts';
import { realtimeRepo } from './realtime.repo.ts';

type Msg<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/**
 * Messages inside a call. The sender must be a peer of that call (its socket
 * joined it); what it sends goes out on the appointment's channel only, so
 * only that call's sockets can receive it, and a signal only to the one peer
 * it names.
 */

function actorOf(conn: Connection): 'citizen' | `staff:${string}` {
  return conn.role === 'citizen' || !conn.staff ? 'citizen' : `staff:${conn.staff.id}`;
}

function requirePeer(svc: RealtimeService, conn: Connection, appointmentId: string): void {
  if (!svc.hub.inCall(conn, appointmentId)) throw new RealtimeError('not_in_call');
}

/** Relays an offer, answer or ICE candidate to one peer of the same call. */
export async function relaySignal(svc: RealtimeService, conn: Connection, msg: Msg<'signal'>): Promise<void> {
  requirePeer(svc, conn, msg.appointmentId);
  if (msg.to === conn.id) throw new RealtimeError('unknown_peer');
  await svc.hub.publishAppointment(msg.appointmentId, {
    t: 'to_peer',
    to: msg.to,
    msg: {
      type: 'signal',
      appointmentId: msg.appointmentId,
      from: conn.id,
      ...(msg.description ? { description: msg.description } : {}),
      ...(msg.candidate ? { candidate: msg.candidate } : {}),
    },
  });
}

/** A chat line: kept in the appointment's history (it is part of the evidence), then shown to every peer, the sender included. */
export async function chat(svc: RealtimeService, conn: Connection, msg: Msg<'chat'>): Promise<void> {
  // The chat may carry the citizen's personal data: an interpreter neither reads nor writes it.
  if (conn.role === 'interpreter') throw new RealtimeError('wrong_role');
  requirePeer(svc, conn, msg.appointmentId);
  const messageId = randomUUID();
  const at = svc.ctx.clock.now().toISOString();
  const from = conn.role ?? 'citizen';
  await bookingRepo.addEvent(svc.ctx.db, conn.org.id, msg.appointmentId, 'call.chat', actorOf(conn), at, { messageId, from, text: msg.text });
  await svc.hub.publishAppointment(msg.appointmentId, {
    t: 'to_peers',
    roles: ['citizen', 'agent'],
    msg: { type: 'chat', appointmentId: msg.appointmentId, messageId, from, text: msg.text, at },
  });
}

/** Microphone, camera and screen sharing on or off, for the other peers' screens. */
export async function mediaState(svc: RealtimeService, conn: Connection, msg: Msg<'media_state'>): Promise<void> {
  requirePeer(svc, conn, msg.appointmentId);
  await svc.hub.publishAppointment(msg.appointmentId, {
    t: 'to_peers',
    except: conn.id,
    msg: { type: 'media_state', appointmentId: msg.appointmentId, peerId: conn.id, audio: msg.audio, video: msg.video, screen: msg.screen },
  });
}

/**
 * Ends the call for everyone. The agent's hang-up completes the appointment;
 * the citizen's puts it back to "left", so a citizen who hung up by mistake
 * can come back through the waiting room. An interpreter's only takes them out.
 */
export async function hangUp(svc: RealtimeService, conn: Connection, msg: Msg<'hang_up'>): Promise<void> {
  if (conn.role === 'interpreter') return interpreterLeaves(svc, conn, msg.appointmentId);
  requirePeer(svc, conn, msg.appointmentId);
  const { ctx } = svc;
  const nowIso = ctx.clock.now().toISOString();
  const byAgent = conn.role === 'agent';
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await realtimeRepo.setStatus(trx, conn.org.id, msg.appointmentId, ['in_call'], byAgent ? 'completed' : 'booked', nowIso))) return;
    await realtimeRepo.setWaitingSince(trx, msg.appointmentId, null, nowIso);
    await bookingRepo.addEvent(trx, conn.org.id, msg.appointmentId, 'call.ended', actorOf(conn), nowIso, { by: byAgent ? 'agent' : 'citizen' });
    await realtimeRepo.callEnded(trx, conn.org.id, msg.appointmentId, nowIso);
    // The survey link by email, for a citizen who leaves without answering on the page.
    await scheduleSurveyInvitation(trx, conn.org.id, msg.appointmentId, new Date(nowIso));
  });
  // Told even if the status had already moved: the sockets must not stay in a call that is over.
  await svc.hub.publishAppointment(msg.appointmentId, { t: 'ended', reason: 'hang_up' });
  await svc.hub.publishAppointment(msg.appointmentId, { t: 'presence', presence: 'left' });
  await svc.publishEntry(conn.org, msg.appointmentId, false);
}
