/**
 * The rules of the Staff section: who is on the team, inviting a colleague
 * (they choose their own password through a single-use link), roles,
 * offices, disabling (every session ends at once) and resetting a second
 * factor. An administrator cannot lock the organisation out: nobody can
 * disable or demote themselves, nor the last active administrator.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { AppError, errors } from '../http/errors.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { hashPassword, randomToken, sha256Hex } from '../security/secrets.ts';
import { openStaffSession, resetTotp, type StaffPrincipal } from '../staff/staff-auth.service.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import {
  ADMIN_PEOPLE_LIMITS,
  type InvitationView,
  type InviteRequest,
  type PublicInvitationView,
  type StaffChangeRequest,
  type StaffListView,
  type StaffMemberView,
} from '../../shared/admin-people.ts';
import { staffAdminRepo } from './staff-admin.repo.ts';
import type { StaffInvitation } from './staff-admin.tables.ts';
import { staffInvitationMail } from './staff-invitation.mail.ts';

type Offices = { id: string; name: string }[];

function officeIdsOf(invitation: StaffInvitation): string[] {
  const parsed: unknown = JSON.parse(invitation.office_ids);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

function namesOf(ids: readonly string[], offices: Offices) {
  return offices.filter((o) => ids.includes(o.id));
}

/** The audit's view of an account: no password hash, no second-factor seed. */
export function staffSnapshot(staff: Staff, officeIds: readonly string[]): Snapshot {
  return { email: staff.email, displayName: staff.display_name, role: staff.role, active: staff.active === 1, totpEnabled: staff.totp_enabled === 1, offices: [...officeIds].sort() };
}

/** The audit's view of an invitation: never its token (nor the token's hash). */
function invitationSnapshot(inv: StaffInvitation, status: string): Snapshot {
  return { email: inv.email, displayName: inv.display_name, role: inv.role, offices: officeIdsOf(inv).sort(), expiresAt: inv.expires_at, status };
}

function presentInvitation(inv: StaffInvitation, offices: Offices, now: Date): InvitationView {
  return {
    id: inv.id,
    email: inv.email,
    displayName: inv.display_name,
    role: inv.role,
    offices: namesOf(officeIdsOf(inv), offices),
    createdAt: inv.created_at,
    expiresAt: inv.expires_at,
    expired: inv.expires_at <= now.toISOString(),
  };
}

/** The team, the open invitations and the offices to choose from. */
export async function listStaff(ctx: AppContext, org: Organisation): Promise<StaffListView> {
  const [staff, offices, memberships, invitations] = await Promise.all([
    staffAdminRepo.staff(ctx.db, org.id),
    staffAdminRepo.offices(ctx.db, org.id),
    staffAdminRepo.memberships(ctx.db, org.id),
    staffAdminRepo.openInvitations(ctx.db, org.id),
  ]);
  const now = ctx.clock.now();
  const view = (s: Staff): StaffMemberView => ({
    id: s.id,
    email: s.email,
    displayName: s.display_name,
    role: s.role,
    offices: namesOf(memberships.filter((m) => m.staff_id === s.id).map((m) => m.office_id), offices),
    active: s.active === 1,
    totpEnabled: s.totp_enabled === 1,
    lastSignInAt: s.last_sign_in_at ?? null,
  });
  return { staff: staff.map(view), invitations: invitations.map((i) => presentInvitation(i, offices, now)), offices };
}

/** Refuses office ids that are not this organisation's (another organisation's look the same as unknown ones). */
async function checkOffices(ctx: AppContext, org: Organisation, ids: readonly string[]): Promise<Offices> {
  const offices = await staffAdminRepo.offices(ctx.db, org.id);
  const unknown = ids.filter((id) => !offices.some((o) => o.id === id));
  if (unknown.length > 0) throw errors.unprocessable('office_unknown', { officeIds: unknown });
  return offices;
}

/** The invitation page's address for a token, under the organisation's host or path prefix. */
async function invitationUrl(ctx: AppContext, org: Organisation, token: string): Promise<string> {
  return `${await organisationBaseUrl(ctx, org.id, org.slug)}/staff/invitation/${token}`;
}

/**
 * Sends the invitation email at once (not through the mail queue, which
 * would keep the token in clear until sent; like the protocol's one-time
 * code). A failed send undoes what the caller passes as `undo`.
 */
async function sendInvitation(ctx: AppContext, org: Organisation, inv: Pick<StaffInvitation, 'email' | 'display_name' | 'role'>, token: string, expiresAt: Date, undo: () => Promise<void>) {
  const mail = staffInvitationMail(org, { displayName: inv.display_name, role: inv.role }, await invitationUrl(ctx, org, token), expiresAt);
  try {
    await ctx.mail.send({ to: inv.email, ...mail }, ctx.config.mailFrom);
  } catch (error) {
    // Transport errors can quote addresses: keep only the class.
    ctx.log.warn({ error: error instanceof Error ? error.name : 'Error' }, 'staff invitation not sent');
    await undo();
    throw new AppError(503, 'invitation_not_sent');
  }
}

/** Invites a colleague: refused when the address already has an account or an open invitation. */
export async function inviteStaff(ctx: AppContext, org: Organisation, admin: Staff, input: InviteRequest): Promise<{ view: InvitationView; audit: Snapshot }> {
  const offices = await checkOffices(ctx, org, input.officeIds);
  if (await staffAdminRepo.byEmail(ctx.db, org.id, input.email)) throw errors.conflict('email_in_use');
  if (await staffAdminRepo.openInvitationFor(ctx.db, org.id, input.email)) throw errors.conflict('invitation_pending');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ADMIN_PEOPLE_LIMITS.invitationValidHours * 3_600_000);
  const token = randomToken(32);
  const row: StaffInvitation = {
    id: randomUUID(),
    organisation_id: org.id,
    email: input.email,
    display_name: input.displayName,
    role: input.role,
    office_ids: JSON.stringify(input.officeIds),
    token_hash: sha256Hex(token),
    invited_by: `staff:${admin.id}`,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    accepted_at: null,
    revoked_at: null,
    staff_id: null,
  };
  await staffAdminRepo.insertInvitation(ctx.db, row);
  await sendInvitation(ctx, org, row, token, expiresAt, async () => {
    await ctx.db.deleteFrom('staff_invitations').where('id', '=', row.id).execute();
  });
  return { view: presentInvitation(row, offices, now), audit: invitationSnapshot(row, 'pending') };
}

/** Sends a new link for an open invitation (the old link stops working), valid for the full period again. */
export async function resendInvitation(ctx: AppContext, org: Organisation, admin: Staff, id: string): Promise<{ view: InvitationView; before: Snapshot; after: Snapshot }> {
  const inv = await staffAdminRepo.openInvitation(ctx.db, org.id, id);
  if (!inv) throw errors.notFound();
  const offices = await staffAdminRepo.offices(ctx.db, org.id);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ADMIN_PEOPLE_LIMITS.invitationValidHours * 3_600_000);
  const token = randomToken(32);
  if (!(await staffAdminRepo.renewInvitation(ctx.db, inv.id, sha256Hex(token), `staff:${admin.id}`, now.toISOString(), expiresAt.toISOString()))) throw errors.notFound();
  // A failed send leaves the invitation open without a working link: re-sending again fixes it.
  await sendInvitation(ctx, org, inv, token, expiresAt, () => Promise.resolve());
  const renewed: StaffInvitation = { ...inv, created_at: now.toISOString(), expires_at: expiresAt.toISOString() };
  return { view: presentInvitation(renewed, offices, now), before: invitationSnapshot(inv, 'pending'), after: invitationSnapshot(renewed, 'pending') };
}

/** Withdraws an open invitation: its link stops working. */
export async function revokeInvitation(ctx: AppContext, org: Organisation, id: string): Promise<{ before: Snapshot; after: Snapshot }> {
  const inv = await staffAdminRepo.openInvitation(ctx.db, org.id, id);
  if (!inv || !(await staffAdminRepo.revokeInvitation(ctx.db, inv.id, ctx.clock.now().toISOString()))) throw errors.notFound();
  return { before: invitationSnapshot(inv, 'pending'), after: invitationSnapshot(inv, 'revoked') };
}

/** An open, unexpired invitation by its link's token, or the reason there is none. */
async function usableInvitation(ctx: AppContext, org: Organisation, token: string): Promise<StaffInvitation> {
  const inv = await staffAdminRepo.byTokenHash(ctx.db, org.id, sha256Hex(token));
  if (!inv) throw new AppError(404, 'staff_invitation_not_found');
  if (inv.revoked_at) throw new AppError(410, 'staff_invitation_revoked');
  if (inv.accepted_at) throw new AppError(410, 'staff_invitation_used');
  if (inv.expires_at <= ctx.clock.now().toISOString()) throw new AppError(410, 'staff_invitation_expired');
  return inv;
}

/** What the invitation page shows. */
export async function lookupInvitation(ctx: AppContext, org: Organisation, token: string): Promise<PublicInvitationView> {
  const inv = await usableInvitation(ctx, org, token);
  return { email: inv.email, displayName: inv.display_name, organisation: org.name, role: inv.role, expiresAt: inv.expires_at };
}

/**
 * The invitee chooses their password: the account is created with the
 * invitation's role and offices, the link is spent (once, even if two
 * requests race: the conditional update decides) and they are signed in.
 */
export async function acceptInvitation(ctx: AppContext, org: Organisation, token: string, password: string): Promise<{ token: string; principal: StaffPrincipal; audit: Snapshot }> {
  const inv = await usableInvitation(ctx, org, token);
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now().toISOString();
  const staffId = randomUUID();
  const officeIds = officeIdsOf(inv);
  const known = await staffAdminRepo.offices(ctx.db, org.id);
  const stillThere = officeIds.filter((id) => known.some((o) => o.id === id));
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await staffAdminRepo.acceptInvitation(trx, inv.id, staffId, now))) throw new AppError(410, 'staff_invitation_used');
    // The address may have been given an account since the invitation was sent.
    if (await staffAdminRepo.byEmail(trx, org.id, inv.email)) throw errors.conflict('email_in_use');
    await trx
      .insertInto('staff')
      .values({ id: staffId, organisation_id: org.id, email: inv.email, display_name: inv.display_name, role: inv.role, password_hash: passwordHash, active: 1, created_at: now })
      .execute();
    await staffAdminRepo.setOffices(trx, staffId, stillThere);
  });
  const staff = await staffAdminRepo.member(ctx.db, org.id, staffId);
  if (!staff) throw new Error('accepted invitation without its account');
  const opened = await openStaffSession(ctx, staff, 'password');
  ctx.log.info({ staffId }, 'staff invitation accepted');
  return { token: opened.token, principal: { staff, session: opened.session }, audit: staffSnapshot(staff, stillThere) };
}

async function memberOrNotFound(ctx: AppContext, org: Organisation, id: string): Promise<{ staff: Staff; officeIds: string[] }> {
  const staff = await staffAdminRepo.member(ctx.db, org.id, id);
  if (!staff) throw errors.notFound();
  const memberships = await staffAdminRepo.memberships(ctx.db, org.id);
  return { staff, officeIds: memberships.filter((m) => m.staff_id === id).map((m) => m.office_id) };
}

/**
 * Refuses a change that would leave the organisation without an active
 * administrator, or an administrator locking themselves out. Runs in the
 * change's transaction with the administrators' rows locked (PostgreSQL;
 * SQLite runs one writer at a time), so two administrators disabling each
 * other at the same moment cannot both succeed.
 */
async function guardAdmins(trx: Db, dialect: AppContext['dialect'], org: Organisation, admin: Staff, target: Staff, what: 'disable' | 'demote'): Promise<void> {
  if (target.id === admin.id) throw errors.conflict(what === 'disable' ? 'cannot_disable_self' : 'cannot_demote_self');
  if (target.role !== 'admin' || target.active !== 1) return;
  const admins = await trx
    .selectFrom('staff')
    .select('id')
    .where('organisation_id', '=', org.id)
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate())
    .execute();
  if (admins.filter((a) => a.id !== target.id).length === 0) throw errors.conflict('last_admin');
}

/** Changes a member's role and offices. */
export async function changeStaff(ctx: AppContext, org: Organisation, admin: Staff, id: string, input: StaffChangeRequest): Promise<{ before: Snapshot; after: Snapshot }> {
  const { staff, officeIds } = await memberOrNotFound(ctx, org, id);
  await checkOffices(ctx, org, input.officeIds);
  await ctx.db.transaction().execute(async (trx) => {
    if (staff.role === 'admin' && input.role !== 'admin') await guardAdmins(trx, ctx.dialect, org, admin, staff, 'demote');
    await trx.updateTable('staff').set({ role: input.role }).where('id', '=', staff.id).where('organisation_id', '=', org.id).execute();
    await staffAdminRepo.setOffices(trx, staff.id, input.officeIds);
  });
  return { before: staffSnapshot(staff, officeIds), after: staffSnapshot({ ...staff, role: input.role }, input.officeIds) };
}

/** Disables an account: it cannot sign in, and every session it has ends now. Returns how many ended. */
export async function disableStaff(ctx: AppContext, org: Organisation, admin: Staff, id: string): Promise<{ before: Snapshot; after: Snapshot; ended: number }> {
  const { staff, officeIds } = await memberOrNotFound(ctx, org, id);
  const ended = await ctx.db.transaction().execute(async (trx) => {
    if (staff.active === 1) await guardAdmins(trx, ctx.dialect, org, admin, staff, 'disable');
    await trx.updateTable('staff').set({ active: 0 }).where('id', '=', staff.id).where('organisation_id', '=', org.id).execute();
    return staffAdminRepo.endSessions(trx, staff.id);
  });
  return { before: staffSnapshot(staff, officeIds), after: staffSnapshot({ ...staff, active: 0 }, officeIds), ended };
}

/** Enables an account again (failed attempts and any lock cleared). */
export async function enableStaff(ctx: AppContext, org: Organisation, id: string): Promise<{ before: Snapshot; after: Snapshot }> {
  const { staff, officeIds } = await memberOrNotFound(ctx, org, id);
  await ctx.db.updateTable('staff').set({ active: 1, failed_logins: 0, locked_until: null }).where('id', '=', staff.id).where('organisation_id', '=', org.id).execute();
  return { before: staffSnapshot(staff, officeIds), after: staffSnapshot({ ...staff, active: 1 }, officeIds) };
}

/** Clears a member's second factor: they set it up again from their account page. */
export async function resetStaffTotp(ctx: AppContext, org: Organisation, id: string): Promise<{ before: Snapshot; after: Snapshot }> {
  const { staff, officeIds } = await memberOrNotFound(ctx, org, id);
  await resetTotp(ctx, staff.id);
  return { before: { ...staffSnapshot(staff, officeIds), totpReset: false }, after: { ...staffSnapshot({ ...staff, totp_enabled: 0 }, officeIds), totpReset: true } };
}
