import type { AppContext } from './context.ts';
import { integrationRepo } from './integration/integration.repo.ts';

/**
 * Deletes what has expired and must not linger: citizen and staff sessions
 * past their lifetime, unfinished identity-provider sign-ins, spent
 * proof-of-work challenges past their validity (after which a replay fails on
 * expiry anyway) and integration idempotency keys past 24 hours. Returns how
 * many rows went.
 */
export async function purgeExpired(ctx: AppContext): Promise<{ sessions: number; challenges: number; idempotencyKeys: number }> {
  const now = ctx.clock.now().toISOString();
  const citizens = await ctx.db.deleteFrom('citizen_sessions').where('expires_at', '<=', now).executeTakeFirst();
  const staff = await ctx.db.deleteFrom('staff_sessions').where('expires_at', '<=', now).executeTakeFirst();
  await ctx.db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
  const challenges = await ctx.db.deleteFrom('used_challenges').where('expires_at', '<=', now).executeTakeFirst();
  const idempotencyKeys = await integrationRepo.purgeExpiredKeys(ctx.db, now);
  return {
    sessions: Number(citizens.numDeletedRows) + Number(staff.numDeletedRows),
    challenges: Number(challenges.numDeletedRows),
    idempotencyKeys,
  };
}

/** Runs `purgeExpired` every `intervalMs`; returns a function that stops it. */
export function startHousekeeping(ctx: AppContext, intervalMs: number): () => void {
  const timer = setInterval(() => {
    purgeExpired(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
