import type { AppContext } from './context.ts';
import { anchorAuditHeads } from './audit/audit-anchor.ts';
import { integrationRepo } from './integration/integration.repo.ts';
import { settleAbandonedRecordings } from './recordings/recordings.service.ts';
import { warnExpiringSeals } from './seal-admin/seal-expiry.ts';

/**
 * Deletes what has expired and must not linger: citizen and staff sessions
 * past their lifetime, unfinished identity-provider sign-ins, spent
 * proof-of-work challenges past their validity (after which a replay fails on
 * expiry anyway), integration idempotency keys past 24 hours, and phone links
 * ("continue on your phone") that can no longer be opened and whose phone
 * session has ended (the documents history keeps which link uploaded what, as
 * `uploader:<id>`). Returns how many rows went.
 */
export async function purgeExpired(ctx: AppContext): Promise<{ sessions: number; challenges: number; idempotencyKeys: number; phoneLinks: number }> {
  const now = ctx.clock.now().toISOString();
  const citizens = await ctx.db.deleteFrom('citizen_sessions').where('expires_at', '<=', now).executeTakeFirst();
  const staff = await ctx.db.deleteFrom('staff_sessions').where('expires_at', '<=', now).executeTakeFirst();
  await ctx.db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
  const challenges = await ctx.db.deleteFrom('used_challenges').where('expires_at', '<=', now).executeTakeFirst();
  const idempotencyKeys = await integrationRepo.purgeExpiredKeys(ctx.db, now);
  const phoneLinks = await ctx.db
    .deleteFrom('uploader_links')
    .where('expires_at', '<=', now)
    .where((eb) => eb.or([eb('session_expires_at', 'is', null), eb('session_expires_at', '<=', now)]))
    .executeTakeFirst();
  return {
    sessions: Number(citizens.numDeletedRows) + Number(staff.numDeletedRows),
    challenges: Number(challenges.numDeletedRows),
    idempotencyKeys,
    phoneLinks: Number(phoneLinks.numDeletedRows),
  };
}

/**
 * Runs `purgeExpired` every `intervalMs`, settles recordings no page will
 * stop (see `settleAbandonedRecordings`), warns supervisors and
 * administrators of a seal that expires within 30 days (see
 * `warnExpiringSeals`) and anchors each audit trail's head outside the
 * database (see `anchorAuditHeads`); returns a function that stops it.
 */
export function startHousekeeping(ctx: AppContext, intervalMs: number): () => void {
  const timer = setInterval(() => {
    purgeExpired(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping failed'));
    settleAbandonedRecordings(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping: recordings not settled'));
    // Once per seal: the warning is marked sent on the seal, so every pass after the first finds nothing to do.
    warnExpiringSeals(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping: seal expiry not checked'));
    anchorAuditHeads(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping: audit trail not anchored'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
