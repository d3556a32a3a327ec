import { Secret, TOTP } from 'otpauth';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { openSecret, sealSecret } from '../security/master-key.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../security/secrets.ts';
import type { StaffSession } from './staff-auth.tables.ts';

/** A signed-in member of staff. */
export interface StaffPrincipal {
  staff: Staff;
  session: StaffSession;
}

const TOTP_PERIOD = 30;

/**
 * A hash to verify against when the email is unknown, so that an unknown
 * account takes as long to refuse as a wrong password (no account probing
 * by timing).
 */
let decoyHash: Promise<string> | null = null;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomToken(16));
  return decoyHash;
}

function totpFor(org: Organisation, staff: Staff, base32: string): TOTP {
  return new TOTP({ issuer: org.name, label: staff.email, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(base32) });
}

function lockedError(org: Organisation, until: string, lang: string) {
  const local = DateTime.fromISO(until, { zone: org.time_zone }).setLocale(lang);
  return errors.locked(until, local.toLocaleString(DateTime.DATE_SHORT), local.toFormat('HH:mm'));
}

/**
 * Checks a TOTP code (RFC 6238, one step of clock drift either way) and
 * refuses a code already used: the accepted step is stored, and only a
 * later one is good next time.
 */
async function acceptTotp(ctx: AppContext, org: Organisation, staff: Staff, code: string): Promise<boolean> {
  if (!staff.totp_secret || !/^\d{6}$/.test(code)) return false;
  const totp = totpFor(org, staff, openSecret(ctx.masterKey, staff.totp_secret, `totp:${staff.id}`));
  const now = ctx.clock.now().getTime();
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / TOTP_PERIOD) + delta;
  if (staff.totp_last_step !== null && step <= staff.totp_last_step) return false;
  const res = await ctx.db
    .updateTable('staff')
    .set({ totp_last_step: step })
    .where('id', '=', staff.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Counts a failed attempt; locks the account after the configured number. */
async function failAttempt(ctx: AppContext, org: Organisation, staff: Staff, lang: string): Promise<never> {
  const { loginMaxAttempts, loginLockMinutes } = ctx.config.limits;
  const row = await ctx.db
    .updateTable('staff')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', staff.id)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  if (row.failed_logins >= loginMaxAttempts) {
    const until = new Date(ctx.clock.now().getTime() + loginLockMinutes * 60_000).toISOString();
    await ctx.db.updateTable('staff').set({ locked_until: until, failed_logins: 0 }).where('id', '=', staff.id).execute();
    ctx.log.warn({ staffId: staff.id }, 'staff account locked after failed sign-ins');
    throw lockedError(org, until, lang);
  }
  throw errors.unauthenticatedWith('invalid_credentials', { remaining: loginMaxAttempts - row.failed_logins });
}

/** Opens a server-side session; only the SHA-256 of its token is stored. */
export async function openStaffSession(ctx: AppContext, staff: Staff, method: string): Promise<{ token: string; session: StaffSession }> {
  const now = ctx.clock.now();
  const token = randomToken(32);
  const session: StaffSession = {
    id_hash: sha256Hex(token),
    organisation_id: staff.organisation_id,
    staff_id: staff.id,
    csrf_token: randomToken(24),
    method,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.config.limits.staffSessionHours * 3_600_000).toISOString(),
  };
  await ctx.db.insertInto('staff_sessions').values(session).execute();
  // For the administrators' Staff list (last sign-in).
  await ctx.db.updateTable('staff').set({ last_sign_in_at: session.created_at }).where('id', '=', staff.id).execute();
  return { token, session };
}

/**
 * Signs a member of staff in with email and password, plus a TOTP code when
 * they enrolled one. Unknown email, wrong password and disabled account give
 * the same answer; repeated failures lock the account for a while.
 */
export async function signInStaff(
  ctx: AppContext,
  org: Organisation,
  input: { email: string; password: string; totp?: string | undefined },
  lang: string,
): Promise<{ token: string; principal: StaffPrincipal }> {
  const staff = await ctx.db
    .selectFrom('staff')
    .selectAll()
    .where('organisation_id', '=', org.id)
    .where('email', '=', input.email.trim().toLowerCase())
    .executeTakeFirst();
  if (!staff?.password_hash || staff.active !== 1) {
    await verifyPassword(await decoy(), input.password);
    throw errors.unauthenticatedWith('invalid_credentials', { remaining: ctx.config.limits.loginMaxAttempts });
  }
  if (staff.locked_until && staff.locked_until > ctx.clock.now().toISOString()) throw lockedError(org, staff.locked_until, lang);
  if (!(await verifyPassword(staff.password_hash, input.password))) return failAttempt(ctx, org, staff, lang);
  if (staff.totp_enabled === 1) {
    // The password was right: say a code is needed without counting a failure.
    if (!input.totp) throw errors.unauthenticatedWith('totp_required');
    if (!(await acceptTotp(ctx, org, staff, input.totp))) return failAttempt(ctx, org, staff, lang);
  }
  await ctx.db.updateTable('staff').set({ failed_logins: 0, locked_until: null }).where('id', '=', staff.id).execute();
  const { token, session } = await openStaffSession(ctx, staff, staff.totp_enabled === 1 ? 'password+totp' : 'password');
  ctx.log.info({ staffId: staff.id, method: session.method }, 'staff signed in');
  return { token, principal: { staff, session } };
}

/** The staff member a session cookie stands for, in this organisation, or null. */
export async function staffForSession(ctx: AppContext, org: Organisation, token: string): Promise<StaffPrincipal | null> {
  const session = await ctx.db
    .selectFrom('staff_sessions')
    .selectAll()
    .where('id_hash', '=', sha256Hex(token))
    .where('organisation_id', '=', org.id)
    .executeTakeFirst();
  if (!session || session.expires_at <= ctx.clock.now().toISOString()) return null;
  const staff = await ctx.db.selectFrom('staff').selectAll().where('id', '=', session.staff_id).executeTakeFirst();
  // A disabled account's sessions end at once.
  if (staff?.active !== 1) return null;
  return { staff, session };
}

/** Ends one session. */
export async function signOutStaff(ctx: AppContext, session: StaffSession): Promise<void> {
  await ctx.db.deleteFrom('staff_sessions').where('id_hash', '=', session.id_hash).execute();
}

/** Ends every session of a member of staff ("sign out everywhere"), optionally keeping one. */
export async function revokeStaffSessions(ctx: AppContext, staffId: string, keepIdHash?: string): Promise<number> {
  let q = ctx.db.deleteFrom('staff_sessions').where('staff_id', '=', staffId);
  if (keepIdHash) q = q.where('id_hash', '<>', keepIdHash);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Changes a password after checking the current one; other sessions end. */
export async function changeStaffPassword(ctx: AppContext, principal: StaffPrincipal, current: string, next: string): Promise<void> {
  const { staff, session } = principal;
  if (!staff.password_hash || !(await verifyPassword(staff.password_hash, current))) {
    throw errors.unprocessable('wrong_current_password');
  }
  await ctx.db.updateTable('staff').set({ password_hash: await hashPassword(next) }).where('id', '=', staff.id).execute();
  await revokeStaffSessions(ctx, staff.id, session.id_hash);
}

/** Starts TOTP enrolment: a new seed (sealed at rest) and the otpauth:// URI for an authenticator app. */
export async function beginTotpEnrolment(ctx: AppContext, org: Organisation, staff: Staff): Promise<{ uri: string; secret: string }> {
  if (staff.totp_enabled === 1) throw errors.conflict('totp_already_enabled');
  const secret = new Secret({ size: 20 }).base32;
  await ctx.db
    .updateTable('staff')
    .set({ totp_secret: sealSecret(ctx.masterKey, secret, `totp:${staff.id}`), totp_last_step: null })
    .where('id', '=', staff.id)
    .execute();
  return { uri: totpFor(org, staff, secret).toString(), secret };
}

/** Completes enrolment once a code from the app proves it has the seed. */
export async function confirmTotpEnrolment(ctx: AppContext, org: Organisation, staffId: string, code: string): Promise<void> {
  const staff = await ctx.db.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirstOrThrow();
  if (staff.totp_enabled === 1) throw errors.conflict('totp_already_enabled');
  if (!staff.totp_secret) throw errors.conflict('totp_not_started');
  if (!(await acceptTotp(ctx, org, staff, code))) throw errors.unprocessable('invalid_totp');
  await ctx.db.updateTable('staff').set({ totp_enabled: 1 }).where('id', '=', staff.id).execute();
}

/** Removes the second factor (an administrator resetting it, or its owner with password and code). */
export async function resetTotp(ctx: AppContext, staffId: string): Promise<void> {
  await ctx.db.updateTable('staff').set({ totp_enabled: 0, totp_secret: null, totp_last_step: null }).where('id', '=', staffId).execute();
}
