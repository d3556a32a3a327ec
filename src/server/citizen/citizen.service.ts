import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Appointment, Organisation } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { randomToken, sha256Hex, verifyPassword } from '../security/secrets.ts';

/** A citizen signed in to one appointment. */
export interface CitizenSession {
  appointment: Appointment;
  csrfToken: string;
}

function lockedError(org: Organisation, lockedUntil: string, lang: string) {
  const local = DateTime.fromISO(lockedUntil, { zone: org.time_zone }).setLocale(lang);
  return errors.locked(lockedUntil, local.toLocaleString(DateTime.DATE_SHORT), local.toFormat('HH:mm'));
}

/**
 * Signs a citizen in with the personal link's token and the emailed
 * password. After `loginMaxAttempts` wrong passwords the appointment's access
 * is locked for `loginLockMinutes`; the counter is updated atomically so
 * parallel guesses count too.
 */
export async function signIn(
  ctx: AppContext,
  org: Organisation,
  token: string,
  password: string,
  lang: string,
): Promise<{ sessionToken: string; session: CitizenSession }> {
  const { loginMaxAttempts, loginLockMinutes, citizenSessionHours } = ctx.config.limits;
  const now = ctx.clock.now();
  const appointment = await ctx.db
    .selectFrom('appointments')
    .selectAll()
    .where('organisation_id', '=', org.id)
    .where('access_token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!appointment?.password_hash) throw errors.unauthenticatedWith('invalid_credentials', { remaining: loginMaxAttempts });
  if (appointment.locked_until && appointment.locked_until > now.toISOString()) {
    throw lockedError(org, appointment.locked_until, lang);
  }
  if (!(await verifyPassword(appointment.password_hash, password))) {
    const row = await ctx.db
      .updateTable('appointments')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', appointment.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    if (row.failed_logins >= loginMaxAttempts) {
      const until = new Date(now.getTime() + loginLockMinutes * 60_000).toISOString();
      await ctx.db.updateTable('appointments').set({ locked_until: until, failed_logins: 0 }).where('id', '=', appointment.id).execute();
      await bookingRepo.addEvent(ctx.db, org.id, appointment.id, 'citizen.access_locked', 'system', now.toISOString());
      throw lockedError(org, until, lang);
    }
    throw errors.unauthenticatedWith('invalid_credentials', { remaining: loginMaxAttempts - row.failed_logins });
  }
  await ctx.db.updateTable('appointments').set({ failed_logins: 0, locked_until: null }).where('id', '=', appointment.id).execute();
  const sessionToken = randomToken(32);
  const csrfToken = randomToken(24);
  await ctx.db
    .insertInto('citizen_sessions')
    .values({
      id_hash: sha256Hex(sessionToken),
      organisation_id: org.id,
      appointment_id: appointment.id,
      csrf_token: csrfToken,
      expires_at: new Date(now.getTime() + citizenSessionHours * 3_600_000).toISOString(),
      created_at: now.toISOString(),
    })
    .execute();
  await bookingRepo.addEvent(ctx.db, org.id, appointment.id, 'citizen.signed_in', 'citizen', now.toISOString());
  return { sessionToken, session: { appointment: { ...appointment, failed_logins: 0, locked_until: null }, csrfToken } };
}

/** The session a cookie stands for, in this organisation, or null. */
export async function sessionFor(ctx: AppContext, org: Organisation, sessionToken: string): Promise<CitizenSession | null> {
  const row = await ctx.db
    .selectFrom('citizen_sessions')
    .innerJoin('appointments', 'appointments.id', 'citizen_sessions.appointment_id')
    .selectAll('appointments')
    .select(['citizen_sessions.csrf_token', 'citizen_sessions.expires_at'])
    .where('citizen_sessions.id_hash', '=', sha256Hex(sessionToken))
    .where('citizen_sessions.organisation_id', '=', org.id)
    .executeTakeFirst();
  if (!row || row.expires_at <= ctx.clock.now().toISOString()) return null;
  const { csrf_token: csrfToken, expires_at: _expires, ...appointment } = row;
  return { appointment, csrfToken };
}

/** Ends a session. */
export async function signOut(ctx: AppContext, sessionToken: string): Promise<void> {
  await ctx.db.deleteFrom('citizen_sessions').where('id_hash', '=', sha256Hex(sessionToken)).execute();
}
