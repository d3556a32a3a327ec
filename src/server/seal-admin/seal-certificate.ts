import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { KEY_USAGES, type KeyUsage } from './seal-admin.limits.ts';

export { KEY_USAGES, type KeyUsage };

/** What the console shows of a seal certificate (all public). */
export interface CertificateDetails {
  subject: string;
  issuer: string;
  /** Hex, upper case, as X.509 tools print it. */
  serial: string;
  /** UTC instants, ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Key usage bits set; null when the certificate has no key usage extension (any use). */
  keyUsage: KeyUsage[] | null;
  /** Extended key usage OIDs; null when the extension is absent. */
  extKeyUsage: string[] | null;
  /** e.g. `RSA 3072`, `EC P-256`. */
  keyType: string;
  /** SHA-256 of the DER, hex pairs separated by colons. */
  fingerprint: string;
}

const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
/** Friendly names of the curves node:crypto reports. */
const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Reads the details of a DER certificate (subject, issuer, validity, key usages, key). */
export function certificateDetails(der: Buffer): CertificateDetails {
  const x509 = new X509Certificate(der);
  const { keyUsage, extKeyUsage } = usages(der);
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    serial: x509.serialNumber.toUpperCase(),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    keyUsage,
    extKeyUsage,
    keyType: keyTypeOf(x509),
    fingerprint: x509.fingerprint256,
  };
}

function oneLine(name: string): string {
  return name.replace(/\n/g, ', ');
}

function keyTypeOf(x509: X509Certificate): string {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return `RSA ${details.modulusLength ?? '?'}`;
  if (key.asymmetricKeyType === 'ec') return `EC ${CURVES[details.namedCurve ?? ''] ?? details.namedCurve ?? '?'}`;
  return String(key.asymmetricKeyType ?? 'unknown').toUpperCase();
}

/** The key usage and extended key usage extensions (node:crypto reads neither bit string), via pkijs. */
function usages(der: Buffer): { keyUsage: KeyUsage[] | null; extKeyUsage: string[] | null } {
  const cert = pkijs.Certificate.fromBER(new Uint8Array(der));
  let keyUsage: KeyUsage[] | null = null;
  let extKeyUsage: string[] | null = null;
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === OID_KEY_USAGE) {
      const parsed: unknown = ext.parsedValue;
      const bits = parsed instanceof asn1js.BitString ? parsed.valueBlock.valueHexView : new Uint8Array();
      keyUsage = KEY_USAGES.filter((_name, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
    }
    if (ext.extnID === OID_EXT_KEY_USAGE) {
      const parsed: unknown = ext.parsedValue;
      extKeyUsage = parsed instanceof pkijs.ExtKeyUsage ? [...parsed.keyPurposes] : [];
    }
  }
  return { keyUsage, extKeyUsage };
}
