import type { AppContext } from '../context.ts';
import { checkInvitation, invitationStatusOf, type InvitationRefusal } from '../interpreters/interpreters.policy.ts';
import { interpretersRepo } from '../interpreters/interpreters.repo.ts';
import { recordInterpreterInCall } from '../interpreters/interpreters.service.ts';
import { sha256Hex } from '../security/secrets.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import type { Connection } from './realtime.connection.ts';
import { RealtimeError } from './realtime.errors.ts';
import type { HelloOutcome } from './realtime.policy.ts';
import { realtimeRepo } from './realtime.repo.ts';
import type { RealtimeService } from './realtime.service.ts';

/**
 * The interpreter on the real-time channel. They say `hello` with the
 * invitation link's token (no cookie, so no CSRF token either: the token is
 * not ambient, a page elsewhere cannot present it). Once in:
 *
 * - Admission: an interpreter joins the call directly when it is running,
 *   and otherwise waits until it starts (the agent admitting the citizen
 *   lets them in too). The agent chose and invited this person for this
 *   call; what protects the call is the link (secret, time-limited,
 *   revocable) and the agent, who sees and hears them arrive and can remove
 *   them at once — a second "let in" click would add a step in the middle
 *   of an identification without adding a check.
 * - They receive only their appointment's call: signalling addressed to
 *   them, media states, peers coming and going. Not the chat (it may carry
 *   the citizen's personal data) nor documents; they cannot send to the
 *   chat either.
 * - Their `hang_up` is leaving: the call goes on for the others.
 */

const CLOSE_FOR: Record<InvitationRefusal, number> = {
  too_many_attempts: CLOSE_CODES.tooManyAttempts,
  not_found: CLOSE_CODES.invitationInvalid,
  revoked: CLOSE_CODES.invitationRevoked,
  expired: CLOSE_CODES.invitationExpired,
};

/**
 * Checks an interpreter's `hello`: a link of this organisation, valid now,
 * whose holder has consented to the recording (the page asks first; a
 * socket without it is refused with 4403).
 */
export async function interpreterHello(ctx: AppContext, conn: Connection, token: string | undefined): Promise<HelloOutcome> {
  const result = await checkInvitation(ctx, conn.org, token ?? '', conn.address);
  if ('refused' in result) return { close: CLOSE_FOR[result.refused] };
  if (result.status !== 'opened') return { close: CLOSE_CODES.forbidden };
  return { role: 'interpreter', appointmentId: result.ok.appointment_id, invitationId: result.ok.id, token: token ?? '' };
}

/** Whether an interpreter's link still lets them in (not revoked, not expired). */
export async function interpreterStillInvited(ctx: AppContext, conn: Connection): Promise<boolean> {
  const row = await interpretersRepo.byTokenHash(ctx.db, conn.org.id, sha256Hex(conn.sessionToken));
  return row !== undefined && row.id === conn.invitationId && invitationStatusOf(row, ctx.clock.now()) === 'opened';
}

/** A welcomed interpreter: listens to the appointment's channel, then joins the call if it is running. */
export async function greetInterpreter(svc: RealtimeService, conn: Connection): Promise<void> {
  const { appointmentId } = conn;
  if (!appointmentId) return;
  // Subscribed before reading the status: a call starting in between pulls the socket in, and joining twice is nothing.
  await svc.hub.addInterpreter(conn);
  if (conn.closed) return;
  const row = await realtimeRepo.one(svc.ctx.db, conn.org.id, appointmentId);
  if (row?.status === 'in_call') await svc.hub.joinCall(appointmentId, [conn], false);
}

/** The interpreter leaves the call; it goes on for the citizen and the agent. */
export async function interpreterLeaves(svc: RealtimeService, conn: Connection, appointmentId: string): Promise<void> {
  if (!svc.hub.inCall(conn, appointmentId) || !conn.invitationId) throw new RealtimeError('not_in_call');
  svc.hub.leave(conn);
  await recordInterpreterInCall(svc.ctx, conn.org.id, appointmentId, conn.invitationId, 'left');
  conn.send({ type: 'call_ended', appointmentId, reason: 'hang_up' });
}

/** The hub's hook: an interpreter's socket joined the call, or closed while in it (history events, with the server's time). */
export async function interpreterInCall(ctx: AppContext, conn: Connection, what: 'joined' | 'left'): Promise<void> {
  const { appointmentId, invitationId } = conn;
  if (!appointmentId || !invitationId) return;
  await recordInterpreterInCall(ctx, conn.org.id, appointmentId, invitationId, what === 'joined' ? 'joined' : 'disconnected').catch((error: unknown) =>
    ctx.log.error({ err: error, appointmentId }, 'realtime: interpreter event not recorded'),
  );
}
