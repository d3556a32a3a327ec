import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Object identifiers used by CMS (RFC 5652), ESS (RFC 5035), CAdES (ETSI EN 319 122-1) and RFC 3161. */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signaturePolicy: '1.2.840.113549.1.9.16.2.15',
  signatureTimeStamp: '1.2.840.113549.1.9.16.2.14',
  spqEtsUri: '1.2.840.113549.1.9.16.5.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

/** Digest algorithm OIDs → node:crypto names. */
export const HASH_NAMES: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** Signature algorithm OIDs → the hash they use (null: the SignerInfo's digest algorithm). PSS is not accepted. */
const SIGNATURE_HASHES: Readonly<Record<string, string | null>> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: PKCS#1 v1.5 with the digest algorithm
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** A CMS structure that is malformed or does not verify; the message says what, for a person. */
export class CmsError extends Error {}

/** A copy of the bytes as the `ArrayBuffer` that pkijs and asn1js want. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** DER bytes of an asn1js value. */
export function der(value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Buffer {
  return Buffer.from(value.toBER(false));
}

/** Parses a ContentInfo holding SignedData (a .p7s, or an RFC 3161 TimeStampToken). */
export function parseSignedData(bytes: Uint8Array): pkijs.SignedData {
  const asn = asn1js.fromBER(toArrayBuffer(bytes));
  if (asn.offset === -1) throw new CmsError('not DER-encoded CMS');
  try {
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== OID.signedData) throw new CmsError('not CMS SignedData');
    return new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    if (error instanceof CmsError) throw error;
    throw new CmsError('malformed CMS SignedData');
  }
}

/** What `verifySigner` established about the one signer. */
export interface VerifiedSigner {
  signerInfo: pkijs.SignerInfo;
  /** The signer's certificate, DER, and node's view of it. */
  certificate: Buffer;
  x509: X509Certificate;
  /** The signing-time attribute, when present. */
  signingTime: Date | null;
  /** Signed attributes by OID. */
  signedAttrs: Map<string, pkijs.Attribute>;
  /** The signature value (what an RFC 3161 signature timestamp is taken over). */
  signature: Buffer;
}

/**
 * Verifies the single SignerInfo of `sd`: its certificate is in the
 * SignedData, its message-digest attribute equals the digest of the content
 * (`digestOf(hashName)`), and its signature over the DER of the signed
 * attributes (RFC 5652 §5.4) verifies with that certificate's key. Trust in
 * the certificate is the caller's decision.
 */
export function verifySigner(sd: pkijs.SignedData, digestOf: (hashName: string) => Buffer): VerifiedSigner {
  if (sd.signerInfos.length !== 1) throw new CmsError(`expected one signer, found ${sd.signerInfos.length}`);
  const si = sd.signerInfos[0] as pkijs.SignerInfo;
  const hashName = HASH_NAMES[si.digestAlgorithm.algorithmId];
  if (!hashName) throw new CmsError(`unsupported digest algorithm ${si.digestAlgorithm.algorithmId}`);
  const certificate = signerCertificate(sd, si);
  const x509 = new X509Certificate(certificate);
  if (!si.signedAttrs) throw new CmsError('the signature has no signed attributes');
  const signedAttrs = new Map(si.signedAttrs.attributes.map((a) => [a.type, a]));
  const md: unknown = signedAttrs.get(OID.messageDigest)?.values[0];
  if (!(md instanceof asn1js.OctetString)) throw new CmsError('the signature has no message-digest attribute');
  if (!Buffer.from(md.valueBlock.valueHexView).equals(digestOf(hashName))) throw new CmsError('the signed content does not match the message digest');
  const signatureHash = SIGNATURE_HASHES[si.signatureAlgorithm.algorithmId];
  if (signatureHash === undefined) throw new CmsError(`unsupported signature algorithm ${si.signatureAlgorithm.algorithmId}`);
  const signature = Buffer.from(si.signature.valueBlock.valueHexView);
  // pkijs keeps the attributes as received, re-tagged as SET OF (0x31): that is what was signed.
  const signed = Buffer.from(si.signedAttrs.encodedValue);
  if (!cryptoVerify(signatureHash ?? hashName, signed, { key: x509.publicKey, dsaEncoding: 'der' }, signature)) {
    throw new CmsError('the signature value does not verify with the signer certificate');
  }
  const time: unknown = signedAttrs.get(OID.signingTime)?.values[0];
  const signingTime = time instanceof asn1js.UTCTime || time instanceof asn1js.GeneralizedTime ? time.toDate() : null;
  return { signerInfo: si, certificate, x509, signingTime, signedAttrs, signature };
}

/** The certificate the SignerInfo names (issuer + serial, or subject key identifier), DER. */
function signerCertificate(sd: pkijs.SignedData, si: pkijs.SignerInfo): Buffer {
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid: unknown = si.sid;
  const found = certs.find((c) => {
    if (sid instanceof pkijs.IssuerAndSerialNumber) return c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber);
    if (sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive) {
      const ski: unknown = c.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue;
      const wanted = sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : new Uint8Array(0);
      return ski instanceof asn1js.OctetString && Buffer.from(ski.valueBlock.valueHexView).equals(wanted);
    }
    return false;
  });
  if (!found) throw new CmsError('the signer certificate is not in the signature');
  return der(found.toSchema(false));
}

/**
 * Checks an ESS signing-certificate-v2 (RFC 5035) or v1 (RFC 2634) attribute
 * against the signer certificate: the first ESSCertID's hash must be the
 * certificate's. Returns false when neither attribute is present.
 */
export function checkSigningCertificate(signer: VerifiedSigner): boolean {
  const v2: unknown = signer.signedAttrs.get(OID.signingCertificateV2)?.values[0];
  const v1: unknown = signer.signedAttrs.get(OID.signingCertificate)?.values[0];
  const value: unknown = v2 ?? v1;
  if (!(value instanceof asn1js.Sequence)) return false;
  const certs = value.valueBlock.value[0];
  const first = certs instanceof asn1js.Sequence ? certs.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.Sequence)) throw new CmsError('malformed signing-certificate attribute');
  const parts = first.valueBlock.value;
  let hashName = v2 ? 'sha256' : 'sha1'; // ESSCertIDv2 hashAlgorithm DEFAULT id-sha256
  let hashIndex = 0;
  if (v2 && parts[0] instanceof asn1js.Sequence) {
    const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] }).algorithmId;
    hashName = HASH_NAMES[alg] ?? '';
    if (!hashName) throw new CmsError(`unsupported signing-certificate hash ${alg}`);
    hashIndex = 1;
  }
  const hash = parts[hashIndex];
  if (!(hash instanceof asn1js.OctetString)) throw new CmsError('malformed signing-certificate attribute');
  if (!Buffer.from(hash.valueBlock.valueHexView).equals(createHash(hashName).update(signer.certificate).digest())) {
    throw new CmsError('the signing-certificate attribute names another certificate');
  }
  return true;
}

/** The encapsulated content of a SignedData (e.g. a TSTInfo), or null when detached. */
export function encapsulatedContent(sd: pkijs.SignedData): Buffer | null {
  const content = sd.encapContentInfo.eContent;
  return content ? Buffer.from(content.getValue()) : null;
}
