import { sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * The organ seal (Ley 40/2015 art. 40): an X.509 certificate whose subject is
 * the administrative body, with its private key. Everything the platform
 * seals (evidence packages, receipts) is signed through this interface, so
 * the key can later live in an HSM without touching the callers.
 */
export interface OrganSeal {
  /** The seal certificate, DER. */
  readonly certificate: Buffer;
  /** The rest of the chain (DER), issuer first; empty for a self-signed seal. */
  readonly chain: readonly Buffer[];
  /** Certificate subject as one line (e.g. for logs and the verify CLI). */
  readonly subject: string;
  /** True for the generated development seal: its subject says TEST SEAL. */
  readonly isTest: boolean;
  /** OID of the signature algorithm `sign` produces (sha256WithRSAEncryption or ecdsa-with-SHA256). */
  readonly signatureAlgorithm: string;
  /** Signs `data` (hashing it with SHA-256 first, as the algorithm says). */
  sign(data: Uint8Array): Buffer;
}

/** The little of a pino logger the seal needs (a test passes a recorder). */
export interface SealLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** sha256WithRSAEncryption (RFC 4055) and ecdsa-with-SHA256 (RFC 5758). */
export const SIGNATURE_ALGORITHMS = { rsa: '1.2.840.113549.1.1.11', ec: '1.2.840.10045.4.3.2' } as const;

/** Marker in the subject of every development seal, where a person looks. */
export const TEST_SEAL_MARKER = 'TEST SEAL';

/** Builds an `OrganSeal` from a private key and its certificate; refuses a key that does not match. */
export function sealFromKey(privateKey: KeyObject, certificate: Buffer, chain: readonly Buffer[] = []): OrganSeal {
  const cert = new X509Certificate(certificate);
  if (!cert.checkPrivateKey(privateKey)) throw new Error('the seal certificate does not match its private key');
  const type = privateKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw new Error(`unsupported seal key type ${String(type)} (RSA or EC)`);
  const subject = cert.subject.replace(/\n/g, ', ');
  return {
    certificate: Buffer.from(cert.raw),
    chain,
    subject,
    isTest: subject.includes(TEST_SEAL_MARKER),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[type],
    // ECDSA signatures in DER, as CMS (RFC 5753) wants; RSA PKCS#1 v1.5.
    sign: (data) => cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }),
  };
}
