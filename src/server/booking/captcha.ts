import { createChallenge, randomInt, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { AppContext } from '../context.ts';
import { errors } from '../http/errors.ts';
import type { BookingRequest } from './booking.schema.ts';

/**
 * Privacy-friendly proof of work (ALTCHA v2): the browser spends a second or
 * two of CPU, no third party sees the citizen, no puzzle to solve. The
 * challenge is HMAC-signed so the server keeps no state until it is spent.
 */
const VALID_MINUTES = 15;

/** Issues a new signed challenge. */
export function issueChallenge(ctx: AppContext): Promise<Challenge> {
  const max = ctx.config.captcha.maxNumber;
  return createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter: randomInt(max, Math.max(1, Math.floor(max / 2))),
    deriveKey,
    hmacSignatureSecret: ctx.captchaKey,
    hmacKeySignatureSecret: `${ctx.captchaKey}:key`,
    expiresAt: new Date(Date.now() + VALID_MINUTES * 60_000),
  });
}

/**
 * Checks a solution; returns the signature that identifies the challenge so
 * the caller can mark it spent in the same transaction as the booking.
 */
export async function checkSolution(
  ctx: AppContext,
  captcha: BookingRequest['captcha'],
): Promise<{ signature: string; expiresAt: string }> {
  const signature = captcha.challenge.signature;
  if (!signature) throw errors.badRequest('captcha_failed');
  try {
    const result = await verifySolution({
      challenge: captcha.challenge as unknown as Challenge,
      solution: captcha.solution,
      deriveKey,
      hmacSignatureSecret: ctx.captchaKey,
      hmacKeySignatureSecret: `${ctx.captchaKey}:key`,
    });
    if (!result.verified) throw errors.badRequest('captcha_failed');
  } catch {
    // A malformed challenge makes the library throw: to the citizen it is the same failure.
    throw errors.badRequest('captcha_failed');
  }
  const used = await ctx.db.selectFrom('used_challenges').select('signature').where('signature', '=', signature).executeTakeFirst();
  if (used) throw errors.badRequest('captcha_failed');
  const exp = captcha.challenge.parameters.expiresAt;
  const expiresAt = new Date(typeof exp === 'number' ? exp * 1000 : Date.now() + VALID_MINUTES * 60_000).toISOString();
  return { signature, expiresAt };
}
