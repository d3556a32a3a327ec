import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring links to download a delivery's package (handed to the
 * REST receiver): `…/api/public/deliveries/<id>/package?expires=<unix s>&signature=<hex>`,
 * where the signature is HMAC-SHA256 over the organisation, the delivery and
 * the expiry, under a key derived from the master key (HKDF, its own label:
 * the master key itself never signs anything). A link names one package of
 * one organisation and cannot be stretched past its expiry.
 */
export function deliveryLinkKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'finestreta delivery link v1', 32));
}

function mac(key: Buffer, organisationId: string, deliveryId: string, expires: number): Buffer {
  return createHmac('sha256', key).update(`${organisationId}\n${deliveryId}\n${expires}`, 'utf8').digest();
}

/** The link's query: expiry (unix seconds) and signature. */
export function signDeliveryLink(key: Buffer, organisationId: string, deliveryId: string, expiresAt: Date): { expires: number; signature: string } {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return { expires, signature: mac(key, organisationId, deliveryId, expires).toString('hex') };
}

/** True when the signature is the link's and it has not expired at `now`. */
export function verifyDeliveryLink(key: Buffer, organisationId: string, deliveryId: string, expires: number, signature: string, now: Date): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  if (expires * 1000 <= now.getTime()) return false;
  return timingSafeEqual(Buffer.from(signature, 'hex'), mac(key, organisationId, deliveryId, expires));
}
