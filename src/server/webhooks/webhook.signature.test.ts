import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignature, newWebhookSecret, signatureHeader, verifySignature } from './webhook.signature.ts';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"appointment.booked"}';

  it('is the hex HMAC-SHA256 of "timestamp.body", as a receiver computes it independently', () => {
    const expected = createHmac('sha256', secret).update(`1772434800.${body}`).digest('hex');
    expect(computeSignature(secret, 1772434800, body)).toBe(expected);
    expect(signatureHeader(secret, 1772434800, body)).toBe(`v1=${expected}`);
  });

  it('verifies a good signature, also among several values, and refuses a changed body, secret or stale timestamp', () => {
    const header = signatureHeader(secret, 1772434800, body);
    expect(verifySignature(secret, header, '1772434800', body, 1772434800)).toBe(true);
    expect(verifySignature(secret, `v0=abc, v1=${'0'.repeat(64)}, ${header}`, '1772434800', body, 1772434900)).toBe(true);
    expect(verifySignature(secret, header, '1772434800', `${body} `, 1772434800)).toBe(false);
    expect(verifySignature('whsec_other', header, '1772434800', body, 1772434800)).toBe(false);
    expect(verifySignature(secret, header, '1772434800', body, 1772434800 + 301)).toBe(false);
    expect(verifySignature(secret, header, '1772434801', body, 1772434800)).toBe(false);
    expect(verifySignature(secret, 'v1=zz', 'x', body, 1772434800)).toBe(false);
  });

  it('makes secrets with 256 bits of randomness', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(s);
  });
});
