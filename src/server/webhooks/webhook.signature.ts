import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../security/secrets.ts';

/**
 * How receivers know a webhook comes from Finestreta — the scheme Stripe
 * uses, so existing verification code fits:
 *
 *     Finestreta-Event-Id:  <event id, the same on every retry: de-duplicate on it>
 *     Finestreta-Timestamp: <unix seconds when this attempt was signed>
 *     Finestreta-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>
 *
 * `secret` is the subscription's signing secret (`whsec_…`, shown once when
 * the subscription is created) used as UTF-8 bytes; `body` is the raw request
 * body, byte for byte (verify before parsing the JSON). Receivers recompute
 * the HMAC, compare in constant time and refuse timestamps more than five
 * minutes from their clock, so a captured request cannot be replayed later.
 * The header may carry several comma-separated `v1=` values (e.g. while a
 * secret is rotated): one match is enough. Other versions are ignored.
 */
export const SIGNATURE_SCHEME = 'v1';

/** Default tolerance between the signed timestamp and the receiver's clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new signing secret: 256 random bits. */
export function newWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

/** The hex HMAC-SHA256 of `timestamp.body` under `secret`. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Finestreta-Signature` header value. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_SCHEME}=${computeSignature(secret, timestamp, body)}`;
}

/**
 * What a receiver does (and what tests use): true when one `v1=` value of
 * `header` is the HMAC of `timestamp.body` and the timestamp is within
 * `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(
  secret: string,
  header: string,
  timestamp: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(computeSignature(secret, ts, body), 'hex');
  return header
    .split(',')
    .map((part) => part.trim().split('='))
    .some(([scheme, value]) => {
      if (scheme !== SIGNATURE_SCHEME || !value || !/^[0-9a-f]{64}$/.test(value)) return false;
      return timingSafeEqual(Buffer.from(value, 'hex'), expected);
    });
}
