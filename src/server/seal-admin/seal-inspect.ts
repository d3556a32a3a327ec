import { X509Certificate, verify, type KeyObject } from 'node:crypto';
import { Pkcs12Error, readPkcs12, type Pkcs12Problem } from '../adapters/seal/p12-seal.ts';
import { sealFromKey, type OrganSeal } from '../adapters/seal/seal.ts';
import { AppError } from '../http/errors.ts';
import { certificateDetails, type CertificateDetails } from './seal-certificate.ts';

import { MAX_SEAL_P12_BYTES } from './seal-admin.limits.ts';

export { MAX_SEAL_P12_BYTES };
/** RSA keys shorter than this are refused (ENISA / CCN-STIC-807: 2048 bits at least). */
export const MIN_RSA_BITS = 2048;
/** Curves accepted for an EC seal. */
const EC_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** A PKCS#12 that passed every check, opened and described. */
export interface InspectedSeal {
  seal: OrganSeal;
  details: CertificateDetails;
}

const PROBLEM_ERRORS: Record<Pkcs12Problem, string> = {
  invalid: 'seal_file_invalid',
  wrong_password: 'seal_wrong_password',
  no_key: 'seal_no_private_key',
  several_keys: 'seal_several_keys',
  no_certificate: 'seal_key_mismatch',
};

/**
 * Opens an uploaded PKCS#12 with its password and checks that it can serve
 * as the organ seal now — or says exactly why not, each reason its own
 * error (422): a damaged file or a wrong password; no private key, several,
 * or none matching a certificate; a key type or size too weak to sign
 * with; a key usage extension that allows neither digitalSignature nor
 * nonRepudiation (RFC 5280 §4.2.1.3; a seal signs and commits); a
 * certificate not yet valid or already expired at `now`. Finally it signs
 * and verifies a probe, so what is installed is known to work.
 */
export function inspectPkcs12(p12: Buffer, password: string, now: Date): InspectedSeal {
  if (p12.length > MAX_SEAL_P12_BYTES) throw new AppError(413, 'seal_file_too_large', { maxKb: MAX_SEAL_P12_BYTES / 1024 });
  let opened: ReturnType<typeof readPkcs12>;
  try {
    opened = readPkcs12(p12, password);
  } catch (error) {
    if (error instanceof Pkcs12Error) throw new AppError(422, PROBLEM_ERRORS[error.problem]);
    throw new AppError(422, 'seal_file_invalid');
  }
  const { key, certificate, chain } = opened;
  const x509 = new X509Certificate(certificate);
  if (!x509.checkPrivateKey(key)) throw new AppError(422, 'seal_key_mismatch');
  checkKeyStrength(key);
  const details = certificateDetails(certificate);
  if (details.keyUsage !== null && !details.keyUsage.includes('digitalSignature') && !details.keyUsage.includes('nonRepudiation')) {
    throw new AppError(422, 'seal_key_usage', { keyUsage: details.keyUsage });
  }
  if (now.getTime() < Date.parse(details.notBefore)) throw new AppError(422, 'seal_not_yet_valid', { notBefore: details.notBefore });
  if (now.getTime() > Date.parse(details.notAfter)) throw new AppError(422, 'seal_expired', { notAfter: details.notAfter });
  let seal: OrganSeal;
  try {
    seal = sealFromKey(key, certificate, chain);
  } catch {
    throw new AppError(422, 'seal_key_unsupported');
  }
  const probe = Buffer.from('finestreta seal probe');
  if (!verify('sha256', probe, { key: x509.publicKey, dsaEncoding: 'der' }, seal.sign(probe))) throw new AppError(422, 'seal_key_mismatch');
  return { seal, details };
}

function checkKeyStrength(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) throw new AppError(422, 'seal_key_too_weak', { minBits: MIN_RSA_BITS });
    return;
  }
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve === 'secp192r1' || details.namedCurve === 'prime192v1' || details.namedCurve === 'secp224r1') {
      throw new AppError(422, 'seal_key_too_weak', { minBits: MIN_RSA_BITS });
    }
    if (!EC_CURVES.has(details.namedCurve ?? '')) throw new AppError(422, 'seal_key_unsupported');
    return;
  }
  throw new AppError(422, 'seal_key_unsupported');
}
