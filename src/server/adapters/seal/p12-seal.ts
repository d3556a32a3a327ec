import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { sealFromKey, type OrganSeal } from './seal.ts';

/**
 * Opens a PKCS#12 (RFC 7292) seal: node-forge parses the container, because
 * it reads every protection in use (PBES2/AES from OpenSSL 3, 3DES and RC2
 * from Windows and older exports, SHA-1 and SHA-256 MACs), where node:crypto
 * has no PKCS#12 reader. The key is then handed to node:crypto, which signs.
 * The password never appears in an error message.
 */
export function sealFromPkcs12(p12: Buffer, password: string): OrganSeal {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), true, password);
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    // forge's messages name no secret; the password is never part of one.
    throw new Error(/MAC|password|decrypt/i.test(reason) ? 'cannot open the seal PKCS#12: wrong password or damaged file' : 'cannot open the seal PKCS#12: not a valid PKCS#12 file', { cause: error });
  }
  const bags = (type: string): forge.pkcs12.Bag[] => parsed.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(BAG.shroudedKey), ...bags(BAG.key)];
  const certBags = bags(BAG.cert);
  const keys = keyBags.map(bagKey);
  const certs = certBags.map(bagCert);
  if (keys.length !== 1) throw new Error(`the seal PKCS#12 must hold exactly one private key (found ${keys.length})`);
  const [key] = keys as [KeyObject];
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const own = certs.find((c) => new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
  if (!own) throw new Error('the seal PKCS#12 holds no certificate for its private key');
  return sealFromKey(key, own, orderChain(own, certs.filter((c) => c !== own)));
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
