import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { sealFromKey, type OrganSeal } from './seal.ts';

/** Why a PKCS#12 could not be opened as a seal (the administration console tells each apart). */
export type Pkcs12Problem = 'invalid' | 'wrong_password' | 'no_key' | 'several_keys' | 'no_certificate';

/** A PKCS#12 that is not a usable seal container; `problem` says why. The message never holds the password. */
export class Pkcs12Error extends Error {
  constructor(
    readonly problem: Pkcs12Problem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'Pkcs12Error';
  }
}

/**
 * Opens a PKCS#12 (RFC 7292) seal: node-forge parses the container, because
 * it reads every protection in use (PBES2/AES from OpenSSL 3, 3DES and RC2
 * from Windows and older exports, SHA-1 and SHA-256 MACs), where node:crypto
 * has no PKCS#12 reader. The key is then handed to node:crypto, which signs.
 * The password never appears in an error message.
 */
export function sealFromPkcs12(p12: Buffer, password: string): OrganSeal {
  const { key, certificate, chain } = readPkcs12(p12, password);
  return sealFromKey(key, certificate, chain);
}

/**
 * The private key of a PKCS#12, the certificate of that key and the rest of
 * the chain (issuer first). Throws `Pkcs12Error` for a damaged file, a wrong
 * password, no key or several, or no certificate for the key.
 */
export function readPkcs12(p12: Buffer, password: string): { key: KeyObject; certificate: Buffer; chain: Buffer[] } {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), true, password);
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    // forge's messages name no secret; the password is never part of one.
    if (/MAC|password|decrypt/i.test(reason)) throw new Pkcs12Error('wrong_password', 'cannot open the seal PKCS#12: wrong password or damaged file', { cause: error });
    throw new Pkcs12Error('invalid', 'cannot open the seal PKCS#12: not a valid PKCS#12 file', { cause: error });
  }
  const bags = (type: string): forge.pkcs12.Bag[] => parsed.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(BAG.shroudedKey), ...bags(BAG.key)];
  const certBags = bags(BAG.cert);
  let keys: KeyObject[];
  let certs: Buffer[];
  try {
    keys = keyBags.map(bagKey);
    certs = certBags.map(bagCert);
  } catch (error) {
    throw new Pkcs12Error('invalid', 'cannot open the seal PKCS#12: unreadable key or certificate', { cause: error });
  }
  if (keys.length !== 1) {
    throw new Pkcs12Error(keys.length === 0 ? 'no_key' : 'several_keys', `the seal PKCS#12 must hold exactly one private key (found ${keys.length})`);
  }
  const [key] = keys as [KeyObject];
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const own = certs.find((c) => new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
  if (!own) throw new Pkcs12Error('no_certificate', 'the seal PKCS#12 holds no certificate for its private key');
  return { key, certificate: own, chain: orderChain(own, certs.filter((c) => c !== own)) };
}

/** RFC 7292 §4.2 bag types. */
const BAG = { key: '1.2.840.113549.1.12.10.1.1', shroudedKey: '1.2.840.113549.1.12.10.1.2', cert: '1.2.840.113549.1.12.10.1.3' } as const;

/** The PKCS#8 of a key bag, whatever forge could make of it (forge only models RSA keys). */
function bagKey(bag: forge.pkcs12.Bag): KeyObject {
  if (bag.key) {
    const der = forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))).getBytes();
    return createPrivateKey({ key: Buffer.from(der, 'binary'), format: 'der', type: 'pkcs8' });
  }
  if (bag.asn1) return createPrivateKey({ key: Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  throw new Error('unreadable key in the seal PKCS#12');
}

function bagCert(bag: forge.pkcs12.Bag): Buffer {
  if (bag.cert) return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary');
  if (bag.asn1) return Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary');
  throw new Error('unreadable certificate in the seal PKCS#12');
}

/** The other certificates, from the seal's issuer upwards as far as they link. */
function orderChain(leaf: Buffer, others: Buffer[]): Buffer[] {
  const chain: Buffer[] = [];
  let current = new X509Certificate(leaf);
  const pool = others.map((c) => new X509Certificate(c));
  for (;;) {
    const issuer = pool.find((c) => !chain.some((d) => d.equals(c.raw)) && current.checkIssued(c) && current.subject !== c.subject);
    if (!issuer) break;
    chain.push(Buffer.from(issuer.raw));
    current = issuer;
  }
  return chain;
}
