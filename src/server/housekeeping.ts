import type { AppContext } from './context.ts';

/**
 * Deletes what has expired and must not linger: citizen sessions past their
 * lifetime and spent proof-of-work challenges past their validity (after
 * which a replay fails on expiry anyway). Returns how many rows went.
 */
export async function purgeExpired(ctx: AppContext): Promise<{ sessions: number; challenges: number }> {
  const now = ctx.clock.now().toISOString();
  const sessions = await ctx.db.deleteFrom('citizen_sessions').where('expires_at', '<=', now).executeTakeFirst();
  const challenges = await ctx.db.deleteFrom('used_challenges').where('expires_at', '<=', now).executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), challenges: Number(challenges.numDeletedRows) };
}

/** Runs `purgeExpired` every `intervalMs`; returns a function that stops it. */
export function startHousekeeping(ctx: AppContext, intervalMs: number): () => void {
  const timer = setInterval(() => {
    purgeExpired(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'housekeeping failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
