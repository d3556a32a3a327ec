import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** What a test seal looks like; every field has a sensible default (a valid RSA-2048 seal for a year). */
export interface TestSealOptions {
  /** The instant the default validity is around (a test's clock); the real time by default. */
  now?: Date;
  password?: string;
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** RSA modulus length. */
  rsaBits?: number;
  /** The key usage bits; null: no key usage extension at all. */
  keyUsage?: { digitalSignature?: boolean; nonRepudiation?: boolean; keyEncipherment?: boolean; dataEncipherment?: boolean } | null;
  /** Leave the private key out (a certificate-only PKCS#12). */
  withoutKey?: boolean;
  /** Put another key than the certificate's in the file. */
  mismatchedKey?: boolean;
}

const DAY = 86_400_000;

function rsaKey(bits: number): forge.pki.rsa.PrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
}

/**
 * A real seal PKCS#12 (DER) made for a test: a self-signed certificate with
 * the validity, key size and key usage asked for, protected by `password`
 * (PBES2/AES-256). Made with node-forge, as the development seal is.
 */
export function testSealP12(options: TestSealOptions = {}): { p12: Buffer; certificatePem: string; serial: string } {
  const now = (options.now ?? new Date()).getTime();
  const key = rsaKey(options.rsaBits ?? 2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = `01${randomBytes(15).toString('hex')}`;
  cert.serialNumber = serial;
  cert.validity.notBefore = options.notBefore ?? new Date(now - DAY);
  cert.validity.notAfter = options.notAfter ?? new Date(now + 365 * DAY);
  const subject = [
    // A UTF8String (forge encodes it), as a real seal's accented name is; forge's default PrintableString cannot hold it.
    { name: 'commonName', value: options.commonName ?? 'Ajuntament de Prova - Segell d’òrgan', valueTagClass: forge.asn1.Type.UTF8 as number as forge.asn1.Class },
    { name: 'organizationName', value: 'Ajuntament de Prova' },
    { name: 'countryName', value: 'ES' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const keyUsage = options.keyUsage === undefined ? { digitalSignature: true, nonRepudiation: true } : options.keyUsage;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    ...(keyUsage ? [{ name: 'keyUsage', critical: true, ...keyUsage }] : []),
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const fileKey = options.withoutKey ? null : options.mismatchedKey ? rsaKey(2048) : key;
  const asn1 = forge.pkcs12.toPkcs12Asn1(fileKey, [cert], options.password ?? 'segell 2026', { algorithm: 'aes256', generateLocalKeyId: true });
  return { p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), certificatePem: forge.pki.certificateToPem(cert), serial };
}
