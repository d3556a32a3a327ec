import { xmlEscape, xmlUnescape } from './xml.ts';

/** A file of the container as the manifest lists it. */
export interface DataObject {
  /** Path inside the container, e.g. `recording.webm`. */
  name: string;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
  size: number;
  mimeType?: string;
}

/** ETSI EN 319 162-1 ASiC namespace (kept from TS 102 918 v1.2.1). */
/**
 * ETSI EN 319 162-1 §4.4.1: the media type of an ASiC-E container, the
 * content of `mimetype`. Here, with the other names of the container, rather
 * than in asic-writer.ts: the routes that label a download need it at start,
 * and the writer brings the CAdES signer and its ASN.1 libraries with it.
 */
export const ASIC_E_MIMETYPE = 'application/vnd.etsi.asic-e+zip';

export const ASIC_NS = 'http://uri.etsi.org/02918/v1.2.1#';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** The container paths of the manifest and its signature. */
export const MANIFEST_PATH = 'META-INF/ASiCManifest.xml';
export const SIGNATURE_PATH = 'META-INF/signature.p7s';

/** A relative URI for a container path: each segment percent-encoded (RFC 3986), the slashes kept. */
export function pathToUri(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/**
 * `META-INF/ASiCManifest.xml` (EN 319 162-1 §4.4.2, schema en_31916201v010101.xsd):
 * the signature it belongs to, and a SHA-256 DataObjectReference per file.
 */
export function buildAsicManifest(objects: readonly DataObject[], signaturePath = SIGNATURE_PATH): Buffer {
  if (objects.length === 0) throw new Error('an ASiC manifest lists at least one file');
  const refs = objects.map(
    (o) =>
      `  <asic:DataObjectReference URI="${xmlEscape(pathToUri(o.name))}"${o.mimeType ? ` MimeType="${xmlEscape(o.mimeType)}"` : ''}>\n` +
      `    <ds:DigestMethod Algorithm="${SHA256_URI}"/>\n` +
      `    <ds:DigestValue>${Buffer.from(o.sha256, 'hex').toString('base64')}</ds:DigestValue>\n` +
      `  </asic:DataObjectReference>\n`,
  );
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<asic:ASiCManifest xmlns:asic="${ASIC_NS}" xmlns:ds="${DS_NS}">\n` +
      `  <asic:SigReference URI="${xmlEscape(pathToUri(signaturePath))}" MimeType="application/pkcs7-signature"/>\n` +
      `${refs.join('')}</asic:ASiCManifest>\n`,
    'utf8',
  );
}

/** A manifest reference as read back. */
export interface ManifestReference {
  name: string;
  /** Digest algorithm URI and value (base64 in the XML, hex here). */
  algorithm: string;
  digest: string;
}

/** What `parseAsicManifest` read. */
export interface ParsedManifest {
  signature: string;
  references: ManifestReference[];
}

/**
 * Reads the references of an ASiCManifest, whatever namespace prefixes it
 * uses. Not a general XML parser: the schema check (`--schemas` in the verify
 * CLI, xmllint in the tests) vouches for the structure.
 */
export function parseAsicManifest(xml: string): ParsedManifest {
  const attr = (attrs: string, name: string): string | undefined => {
    const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
    return m ? xmlUnescape(m[2] ?? m[3] ?? '') : undefined;
  };
  if (!/<(?:[\w.-]+:)?ASiCManifest\b/.test(xml)) throw new Error('not an ASiCManifest');
  const sig = /<(?:[\w.-]+:)?SigReference\b([^>]*)\/?>/.exec(xml);
  const signature = sig ? attr(sig[1] ?? '', 'URI') : undefined;
  if (!signature) throw new Error('the manifest has no SigReference');
  const references: ManifestReference[] = [];
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?DataObjectReference\b([^>]*)>([\s\S]*?)<\/(?:[\w.-]+:)?DataObjectReference>/g)) {
    const uri = attr(m[1] ?? '', 'URI');
    const algorithm = /<(?:[\w.-]+:)?DigestMethod\b([^>]*)\/?>/.exec(m[2] ?? '');
    const value = /<(?:[\w.-]+:)?DigestValue\b[^>]*>([^<]*)</.exec(m[2] ?? '');
    if (!uri || !algorithm || !value) throw new Error('a DataObjectReference lacks URI, DigestMethod or DigestValue');
    references.push({
      name: decodeURIComponent(uri),
      algorithm: attr(algorithm[1] ?? '', 'Algorithm') ?? '',
      digest: Buffer.from((value[1] ?? '').trim(), 'base64').toString('hex'),
    });
  }
  return { signature: decodeURIComponent(signature), references };
}

/** Digest algorithm URIs (XML Encryption / XML-DSig) → node:crypto names. */
export const DIGEST_URIS: Readonly<Record<string, string>> = {
  [SHA256_URI]: 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
