import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { errors } from '../http/errors.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { randomToken, sha256Hex } from '../security/secrets.ts';
import { visibleAppointment } from '../workspace/workspace.service.ts';
import {
  INTERPRETER_LIMITS,
  type CreatedInvitationView,
  type InterpreterInvitationView,
  type InvitationRequest,
  type StaffInvitationView,
  type StaffInvitationsView,
} from '../../shared/interpreters.ts';
import { invitationExpiresAt, invitationStatusOf, requireInvitation } from './interpreters.policy.ts';
import { interpretersRepo, type InvitationWithAppointment } from './interpreters.repo.ts';
import type { InvitationRow } from './interpreters.tables.ts';

/**
 * The rules of interpreter invitations: staff who may see an appointment may
 * invite an interpreter into its video call, list and revoke invitations;
 * the holder of a link may read what the link is for (minimised) and give
 * the recording consent, which is the link's first use. Every creation, use
 * and revocation is an event of the appointment's history, with its actor
 * and the server's time.
 */

/** The actor of what an interpreter does, in the appointment's history. */
export const interpreterActor = (invitationId: string) => `interpreter:${invitationId}` as const;

type AppointmentFacts = { status: InvitationWithAppointment['status']; channel: InvitationWithAppointment['channel']; ends_at: string };

function present(row: InvitationRow, appointment: AppointmentFacts, now: Date): StaffInvitationView {
  return {
    id: row.id,
    kind: row.kind,
    language: row.language,
    name: row.name,
    email: row.email,
    status: invitationStatusOf({ ...row, ...appointment }, now),
    createdAt: row.created_at,
    expiresAt: invitationExpiresAt(appointment.ends_at),
    openedAt: row.consented_at,
    revokedAt: row.revoked_at,
  };
}

function listView(rows: InvitationRow[], appointment: AppointmentFacts, now: Date): StaffInvitationsView {
  const invitations = rows.map((r) => present(r, appointment, now));
  const open = invitations.filter((i) => i.status === 'pending' || i.status === 'opened').length;
  const appointmentOpen = invitationStatusOf({ revoked_at: null, consented_at: null, ...appointment }, now) !== 'expired';
  return { invitations, canInvite: appointmentOpen && open < INTERPRETER_LIMITS.openPerAppointment };
}

/** An appointment's invitations, for staff who may see it (another office's: 404). */
export async function listInvitations(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string): Promise<StaffInvitationsView> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  return listView(await interpretersRepo.list(ctx.db, org.id, appointment.id), appointment, ctx.clock.now());
}

/**
 * Creates an invitation and answers its link, the only time the token exists
 * in clear (the database keeps its SHA-256). Only for an open video
 * appointment, and a few open invitations at a time.
 */
export async function createInvitation(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  appointmentId: string,
  body: InvitationRequest,
): Promise<CreatedInvitationView> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  if (appointment.channel !== 'video') throw errors.unprocessable('interpreter_needs_video');
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const token = randomToken(24);
  const row: InvitationRow = {
    id: randomUUID(),
    organisation_id: org.id,
    appointment_id: appointment.id,
    token_hash: sha256Hex(token),
    kind: body.kind,
    // A sign-language interpreter signs the local sign language: there is no spoken language to name.
    language: body.kind === 'spoken_language' ? (body.language ?? null) : null,
    name: body.name ?? null,
    email: body.email ?? null,
    created_by: viewer.id,
    created_at: nowIso,
    consented_at: null,
    revoked_at: null,
    revoked_by: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    // Counted in the transaction that inserts. The limit keeps links few, it guards nothing: two agents
    // clicking at the same instant on PostgreSQL may end one above it, which is harmless.
    const view = listView(await interpretersRepo.list(trx, org.id, appointment.id), appointment, now);
    if (invitationStatusOf({ revoked_at: null, consented_at: null, ...appointment }, now) === 'expired') throw errors.conflict('appointment_closed');
    if (!view.canInvite) throw errors.conflict('too_many_invitations', { max: INTERPRETER_LIMITS.openPerAppointment });
    await interpretersRepo.insert(trx, row);
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'interpreter.invited', `staff:${viewer.id}`, nowIso, {
      invitationId: row.id,
      kind: row.kind,
      language: row.language,
      name: row.name,
    });
  });
  const link = `${await organisationBaseUrl(ctx, org.id, org.slug)}/i/${token}`;
  return { invitation: present(row, appointment, now), link };
}

/**
 * Revokes an invitation: the link stops working at once, and `disconnect`
 * takes its holder out of the call wherever they are connected. Revoking a
 * link that was used is removing the interpreter; both are in the history.
 */
export async function revokeInvitation(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  appointmentId: string,
  invitationId: string,
  disconnect: (appointmentId: string, invitationId: string) => Promise<void>,
): Promise<StaffInvitationsView> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  const invitation = await interpretersRepo.one(ctx.db, org.id, appointment.id, invitationId);
  if (!invitation) throw errors.notFound();
  const nowIso = ctx.clock.now().toISOString();
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    if (!(await interpretersRepo.revoke(trx, org.id, invitation.id, viewer.id, nowIso))) return false;
    const type = invitation.consented_at === null ? 'interpreter.revoked' : 'interpreter.removed';
    await bookingRepo.addEvent(trx, org.id, appointment.id, type, `staff:${viewer.id}`, nowIso, { invitationId: invitation.id });
    return true;
  });
  // Revoking twice changes nothing and records nothing; the sockets are told again all the same.
  if (revoked || invitation.revoked_at !== null) await disconnect(appointment.id, invitation.id);
  return listView(await interpretersRepo.list(ctx.db, org.id, appointment.id), appointment, ctx.clock.now());
}

function interpreterView(org: Organisation, row: InvitationWithAppointment): InterpreterInvitationView {
  return {
    organisation: org.name,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: org.time_zone,
    // Personal data minimised: the first name is what an interpreter needs to address the person.
    citizenFirstName: row.citizen_name,
    kind: row.kind,
    language: row.language,
    interpreterName: row.name,
    consented: row.consented_at !== null,
  };
}

/** What a link is for, as its holder may see it. */
export async function readInvitation(ctx: AppContext, org: Organisation, token: string, address: string): Promise<InterpreterInvitationView> {
  const { ok } = await requireInvitation(ctx, org, token, address);
  return interpreterView(org, ok);
}

/** The interpreter consents to the recording: the link's first use is recorded once; later consents change nothing. */
export async function consentInvitation(ctx: AppContext, org: Organisation, token: string, address: string): Promise<InterpreterInvitationView> {
  const { ok } = await requireInvitation(ctx, org, token, address);
  const nowIso = ctx.clock.now().toISOString();
  const first = await ctx.db.transaction().execute(async (trx) => {
    if (!(await interpretersRepo.markConsented(trx, org.id, ok.id, nowIso))) return false;
    // Orden ETD/465/2021 asks for express prior consent to the recording from whoever is in it.
    await bookingRepo.addEvent(trx, org.id, ok.appointment_id, 'interpreter.consented', interpreterActor(ok.id), nowIso, {
      invitationId: ok.id,
      recording: true,
    });
    return true;
  });
  return interpreterView(org, first ? { ...ok, consented_at: nowIso } : ok);
}

/** Records that an interpreter joined the call, left it, or lost the connection (from the real-time channel). */
export async function recordInterpreterInCall(
  ctx: AppContext,
  organisationId: string,
  appointmentId: string,
  invitationId: string,
  what: 'joined' | 'left' | 'disconnected',
): Promise<void> {
  const type = what === 'joined' ? 'interpreter.joined' : 'interpreter.left';
  const data = what === 'joined' ? { invitationId } : { invitationId, reason: what };
  await bookingRepo.addEvent(ctx.db, organisationId, appointmentId, type, interpreterActor(invitationId), ctx.clock.now().toISOString(), data);
}
