import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { OrganSeal } from '../adapters/seal/seal.ts';
import { der, OID, toArrayBuffer } from './cms.ts';

/** A signature policy (CAdES-EPES): its OID, the hash of its document, and where to read it. */
export interface SignaturePolicy {
  oid: string;
  /** Digest algorithm OID of `hash`. */
  hashAlgorithm: string;
  hash: Buffer;
  uri?: string;
}

/**
 * The AGE signature policy v1.9 (`urn:oid:2.16.724.1.3.1.1.2.1.9`), used by
 * Spanish administrations. The hash is the SHA-1 of the policy document, as
 * published with it and used by AutoFirma and @firma.
 */
export const AGE_POLICY_1_9: SignaturePolicy = {
  oid: '2.16.724.1.3.1.1.2.1.9',
  hashAlgorithm: OID.sha1,
  hash: Buffer.from('G7roucf600+f03r/o0bAOQ6WAs0=', 'base64'),
  uri: 'https://sede.administracion.gob.es/politica_de_firma_anexo_1.pdf',
};

/** Obtains an RFC 3161 TimeStampToken (DER ContentInfo) over a SHA-256 message imprint. */
export type Timestamper = (sha256Imprint: Buffer) => Promise<Buffer>;

/** How to sign. */
export interface CadesOptions {
  seal: OrganSeal;
  /** Server time of signing (the signing-time attribute). */
  signingTime: Date;
  /** Adds a signature-policy-identifier (CAdES-EPES) when given. */
  policy?: SignaturePolicy | null;
  /** Adds a signature timestamp (CAdES-T) when given. */
  timestamp?: Timestamper | null;
  /**
   * Whether the signing-time attribute is signed (default true). PAdES
   * baseline signatures (ETSI EN 319 142-1 §5.2.1) must not carry it: the
   * claimed time goes in the signature dictionary's /M instead.
   */
  signingTimeAttribute?: boolean;
}

/**
 * A CAdES detached signature (ETSI EN 319 122-1 baseline B, or T with a
 * timestamper) over content whose SHA-256 is `contentSha256`, as DER
 * ContentInfo: the `.p7s` of an ASiC container. The content itself is never
 * needed, so a multi-gigabyte file is signed from its streamed digest.
 */
export async function signCadesDetached(contentSha256: Buffer, options: CadesOptions): Promise<Buffer> {
  const { seal } = options;
  const certificate = pkijs.Certificate.fromBER(toArrayBuffer(seal.certificate));
  const attributes = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(contentSha256) })),
    attribute(OID.signingCertificateV2, signingCertificateV2(seal.certificate)),
  ];
  if (options.signingTimeAttribute !== false) {
    // RFC 5652 §11.3: UTCTime up to 2049, GeneralizedTime after.
    const time = options.signingTime.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: options.signingTime }) : new asn1js.GeneralizedTime({ valueDate: options.signingTime });
    attributes.push(attribute(OID.signingTime, time));
  }
  if (options.policy) attributes.push(attribute(OID.signaturePolicy, signaturePolicyId(options.policy)));
  // DER: a SET OF is sorted by the encodings of its elements (X.690 §11.6). OpenSSL re-encodes the
  // attributes before checking the signature, so an unsorted set would not verify there.
  attributes.sort((a, b) => compareDer(der(a.toSchema()), der(b.toSchema())));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  const toSign = der(signedAttrs.toSchema());
  toSign[0] = 0x31; // signed as SET OF, carried as [0] IMPLICIT (RFC 5652 §5.4)
  const signature = seal.sign(toSign);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier(
      seal.signatureAlgorithm.startsWith('1.2.840.113549') ? { algorithmId: seal.signatureAlgorithm, algorithmParams: new asn1js.Null() } : { algorithmId: seal.signatureAlgorithm },
    ),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  if (options.timestamp) {
    // EN 319 122-1 §5.3: the signature timestamp is taken over the SignerInfo's signature value.
    const token = await options.timestamp(createHash('sha256').update(signature).digest());
    const parsed = asn1js.fromBER(toArrayBuffer(token));
    if (parsed.offset === -1) throw new Error('the TSA returned a token that is not DER');
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.signatureTimeStamp, values: [parsed.result] })],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [certificate, ...seal.chain.map((c) => pkijs.Certificate.fromBER(toArrayBuffer(c)))],
    signerInfos: [signerInfo],
  });
  return der(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }).toSchema());
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with the SHA-256 default (RFC 5035 §3). */
function signingCertificateV2(cert: Buffer): asn1js.Sequence {
  const hash = createHash('sha256').update(cert).digest();
  // hashAlgorithm DEFAULT id-sha256 is omitted (DER); EN 319 122-1 §5.2.2.3: issuerSerial should not be present.
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(hash) })] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** SignaturePolicyId ::= SEQUENCE { sigPolicyId, sigPolicyHash OtherHashAlgAndValue, sigPolicyQualifiers } (EN 319 122-1 §5.2.9). */
function signaturePolicyId(policy: SignaturePolicy): asn1js.Sequence {
  const value: asn1js.AsnType[] = [
    new asn1js.ObjectIdentifier({ value: policy.oid }),
    new asn1js.Sequence({
      value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: policy.hashAlgorithm })] }), new asn1js.OctetString({ valueHex: toArrayBuffer(policy.hash) })],
    }),
  ];
  if (policy.uri) {
    const qualifier = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.spqEtsUri }), new asn1js.IA5String({ value: policy.uri })] });
    value.push(new asn1js.Sequence({ value: [qualifier] }));
  }
  return new asn1js.Sequence({ value });
}

/** X.690 §11.6 order: byte-wise, the shorter one padded with zeros. */
function compareDer(a: Buffer, b: Buffer): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
