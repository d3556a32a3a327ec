import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { checkSigningCertificate, CmsError, encapsulatedContent, HASH_NAMES, OID, parseSignedData, toArrayBuffer, verifySigner } from './cms.ts';

/** What a valid RFC 3161 TimeStampToken says. */
export interface TimestampInfo {
  /** When the TSA saw the imprint. */
  genTime: Date;
  /** The TSA certificate's subject, one line. */
  tsaSubject: string;
  /** The TSA certificate, DER (for the caller's trust decision). */
  tsaCertificate: Buffer;
  /** The TSTInfo nonce as hex, when present. */
  nonce: string | null;
}

/**
 * Checks an RFC 3161 TimeStampToken against the data it should stamp:
 * TSTInfo content type, a message imprint equal to `imprint` under the
 * token's hash (`data` is hashed with whatever the token names, unless it is
 * already the SHA-256 digest: `imprintIsDigest`), the TSA's
 * CMS signature, an ESS signing-certificate attribute naming the TSA
 * certificate (§2.4.2), and that certificate's critical timeStamping
 * extended key usage (§2.3). Throws `CmsError` naming what is wrong.
 */
export function checkTimestampToken(token: Uint8Array, data: Uint8Array, options: { imprintIsDigest?: boolean } = {}): TimestampInfo {
  const sd = parseSignedData(token);
  if (sd.encapContentInfo.eContentType !== OID.tstInfo) throw new CmsError('the timestamp token does not hold a TSTInfo');
  const content = encapsulatedContent(sd);
  if (!content) throw new CmsError('the timestamp token has no TSTInfo');
  const signer = verifySigner(sd, (hash) => createHash(hash).update(content).digest());
  if (!checkSigningCertificate(signer)) throw new CmsError('the timestamp token does not name its TSA certificate');
  const eku = pkijs.Certificate.fromBER(toArrayBuffer(signer.certificate)).extensions?.find((e) => e.extnID === OID.extKeyUsage);
  const usages = eku?.parsedValue instanceof pkijs.ExtKeyUsage ? eku.parsedValue.keyPurposes : [];
  if (!eku?.critical || usages.length !== 1 || usages[0] !== OID.timeStamping) {
    throw new CmsError('the TSA certificate lacks the critical timeStamping extended key usage');
  }
  let tst: pkijs.TSTInfo;
  try {
    tst = pkijs.TSTInfo.fromBER(toArrayBuffer(content));
  } catch {
    throw new CmsError('malformed TSTInfo');
  }
  const hashName = HASH_NAMES[tst.messageImprint.hashAlgorithm.algorithmId];
  if (!hashName) throw new CmsError('unsupported timestamp imprint algorithm');
  if (options.imprintIsDigest && hashName !== 'sha256') throw new CmsError('the timestamp imprint is not SHA-256');
  const expected = options.imprintIsDigest ? Buffer.from(data) : createHash(hashName).update(data).digest();
  if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(expected)) {
    throw new CmsError('the timestamp is over other data (message imprint mismatch)');
  }
  const genTime = tst.genTime;
  if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime())) throw new CmsError('the timestamp has no valid genTime');
  const validFrom = new Date(signer.x509.validFrom);
  const validTo = new Date(signer.x509.validTo);
  if (genTime < validFrom || genTime > validTo) throw new CmsError('the TSA certificate was not valid at the timestamp time');
  const nonce = tst.nonce instanceof asn1js.Integer ? Buffer.from(tst.nonce.valueBlock.valueHexView).toString('hex') : null;
  return { genTime, tsaSubject: signer.x509.subject.replace(/\n/g, ', '), tsaCertificate: signer.certificate, nonce };
}
