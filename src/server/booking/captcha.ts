import { createHmac } from 'node:crypto';
import { createChallenge, randomInt, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { AppContext } from '../context.ts';
import { precompiled } from '../db/database.ts';
import { errors } from '../http/errors.ts';
import { safeEqual } from '../security/secrets.ts';
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

/** JSON with keys sorted at every level and undefined values dropped: altcha-lib's canonical form. */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .flatMap((k) => {
        const v = (value as Record<string, unknown>)[k];
        return v === undefined ? [] : [[k, sortKeys(v)]];
      }),
  );
}

const hmacHex = (secret: string, data: string | Buffer) => createHmac('sha256', secret).update(data).digest('hex');

/**
 * The checks of altcha-lib's `verifySolution` for the challenges we issue
 * (SHA-256 HMACs, key-signed), done with node:crypto in microseconds instead
 * of two WebCrypto round trips to the thread pool per booking: not expired;
 * the parameters carry our signature (canonical JSON); the solution is
 * well-formed; the derived key carries our key signature.
 */
function verified(ctx: AppContext, captcha: BookingRequest['captcha']): boolean {
  const { parameters, signature } = captcha.challenge;
  const { counter, derivedKey } = captcha.solution;
  if (typeof parameters.expiresAt === 'number' && parameters.expiresAt < Date.now() / 1000) return false;
  if (!signature || !safeEqual(hmacHex(ctx.captchaKey, JSON.stringify(sortKeys(parameters))), signature)) return false;
  if (!/^(?:[0-9a-f]{2})+$/.test(derivedKey) || !Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) return false;
  const keySignature = parameters.keySignature;
  return typeof keySignature === 'string' && safeEqual(hmacHex(`${ctx.captchaKey}:key`, Buffer.from(derivedKey, 'hex')), keySignature);
}

const spentChallenge = precompiled((db, v: { signature: string }) =>
  db.selectFrom('used_challenges').select('signature').where('signature', '=', v.signature),
);

/**
 * Checks a solution; returns the signature that identifies the challenge so
 * the caller can mark it spent in the same transaction as the booking.
 */
export async function checkSolution(
  ctx: AppContext,
  captcha: BookingRequest['captcha'],
): Promise<{ signature: string; expiresAt: string }> {
  const signature = captcha.challenge.signature;
  if (!signature || !verified(ctx, captcha)) throw errors.badRequest('captcha_failed');
  const { rows } = await spentChallenge(ctx.db, { signature });
  if (rows.length > 0) throw errors.badRequest('captcha_failed');
  const exp = captcha.challenge.parameters.expiresAt;
  const expiresAt = new Date(typeof exp === 'number' ? exp * 1000 : Date.now() + VALID_MINUTES * 60_000).toISOString();
  return { signature, expiresAt };
}
