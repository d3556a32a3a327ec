import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { sealFromPkcs12 } from './p12-seal.ts';
import { TEST_SEAL_MARKER, type OrganSeal, type SealLog } from './seal.ts';

/**
 * The development seal: a self-signed certificate whose subject says
 * "TEST SEAL", generated on the first start without SEAL_P12_PATH into
 * DATA_DIR/secrets as a PKCS#12 (so the same loader, and any tool that reads
 * PKCS#12, can use it) with a random password beside it. Like the development
 * master key, it is loudly reported: nothing it signs has legal value.
 */
export function loadOrCreateDevSeal(dataDir: string, log: Pick<SealLog, 'warn'>, organisation = 'Finestreta'): OrganSeal {
  const dir = path.join(dataDir, 'secrets');
  const p12File = path.join(dir, 'dev-seal.p12');
  const passwordFile = path.join(dir, 'dev-seal.password');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(p12File)) {
    const password = randomBytes(24).toString('base64url');
    const p12 = createDevSealPkcs12(password, organisation);
    // The password first: a reader that finds the .p12 finds its password too. 'wx' loses races safely.
    try {
      fs.writeFileSync(`${passwordFile}.tmp`, `${password}\n`, { mode: 0o600 });
      fs.writeFileSync(`${p12File}.tmp`, p12, { mode: 0o600, flag: 'wx' });
      fs.renameSync(`${passwordFile}.tmp`, passwordFile);
      fs.linkSync(`${p12File}.tmp`, p12File);
      fs.rmSync(`${p12File}.tmp`);
      log.warn(
        { file: p12File },
        'DEVELOPMENT SEAL GENERATED. Evidence and receipts are signed with a self-signed "TEST SEAL" certificate that has no legal value. Set SEAL_P12_PATH and SEAL_P12_PASSWORD to the organ seal in production.',
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const seal = sealFromPkcs12(fs.readFileSync(p12File), fs.readFileSync(passwordFile, 'utf8').trim());
  log.warn({ subject: seal.subject }, 'Signing with the development TEST SEAL: nothing it signs has legal value.');
  return seal;
}

/**
 * A self-signed RSA-3072 seal certificate (10 years) in a PKCS#12 protected
 * by `password` (PBES2/AES-256, SHA-256 MAC), returned as DER.
 */
export function createDevSealPkcs12(password: string, organisation = 'Finestreta', keyType: 'rsa' | 'ec' = 'rsa'): Buffer {
  if (keyType === 'ec') throw new Error('forge writes RSA keys only; use openssl pkcs12 for an EC seal');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const subject = [
    { name: 'commonName', value: `${TEST_SEAL_MARKER} - ${organisation} development seal, no legal value` },
    { name: 'organizationName', value: `${TEST_SEAL_MARKER} ${organisation}` },
    { name: 'countryName', value: 'ES' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    // A seal signs and commits (nonRepudiation is X.509's contentCommitment).
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: 'aes256', friendlyName: TEST_SEAL_MARKER, generateLocalKeyId: true });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
