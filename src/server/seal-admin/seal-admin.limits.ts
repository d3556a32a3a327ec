/**
 * The seal console's limits and names, apart from the modules that read
 * certificates: those load the ASN.1 libraries (pkijs, asn1js), which the
 * server loads only when a seal is uploaded or shown, not at start (README
 * "Benchmarks": memory at idle), while the request schemas need these at start.
 */

/** The largest PKCS#12 accepted: a seal with its chain is a few kilobytes. */
export const MAX_SEAL_P12_BYTES = 64 * 1024;

/** RFC 5280 §4.2.1.3 key usage bits, in bit order. */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
/** One key usage name. */
export type KeyUsage = (typeof KEY_USAGES)[number];
