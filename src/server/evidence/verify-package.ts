import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as asn1js from 'asn1js';
import yauzl from 'yauzl';
import { DIGEST_URIS, MANIFEST_PATH, parseAsicManifest } from './asic-manifest.ts';
import { ASIC_E_MIMETYPE } from './asic-manifest.ts';
import { checkSigningCertificate, CmsError, OID, parseSignedData, verifySigner } from './cms.ts';
import { verifyEventChain } from './event-log.ts';
import { checkTimestampToken } from './timestamp.ts';

/** The outcome: valid, or the first thing wrong and the file it is in. */
export type PackageVerdict = { ok: true; report: string[] } | { ok: false; file: string; problem: string; report: string[] };

/** What to check beyond the package itself. */
export interface VerifyOptions {
  /** shared/standards: also validate the manifest against the official ASiC schema (needs xmllint). */
  schemasDir?: string;
  /** Certificates (DER) to trust: the seal must be one of them or issued by one. Without: reported, not judged. */
  trusted?: Buffer[];
}

/** Files read whole (manifest, signature, event log) are refused beyond this. */
const MAX_SMALL_FILE = 64 * 1024 * 1024;
const EVENTS_PATH = 'events.json';

class Problem extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks an ASiC-E evidence package with nothing but the package: `mimetype`
 * first and stored (EN 319 162-1 §A.1), the manifest (optionally against the
 * XSD), the CAdES signature over it and its certificate, the RFC 3161
 * signature timestamp if present, every file's digest, no unlisted file, and
 * the hash chain of `events.json`. Stops at the first problem and names the file.
 */
export async function verifyPackage(file: string, options: VerifyOptions = {}): Promise<PackageVerdict> {
  const report: string[] = [];
  let zip: yauzl.ZipFile | undefined;
  try {
    await checkMimetypeHeader(file);
    report.push(`mimetype: first, stored, ${ASIC_E_MIMETYPE}`);
    zip = await openZip(file);
    const entries = await listEntries(zip);
    const first = entries[0];
    if (first?.fileName !== 'mimetype') throw new Problem('mimetype', 'is not the first entry of the central directory');
    const byName = new Map<string, yauzl.Entry>();
    for (const entry of entries) {
      if (byName.has(entry.fileName)) throw new Problem(entry.fileName, 'appears twice in the container');
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new Problem(entry.fileName, 'uses an unsupported compression method');
      byName.set(entry.fileName, entry);
    }
    const manifestEntry = byName.get(MANIFEST_PATH);
    if (!manifestEntry) throw new Problem(MANIFEST_PATH, 'is missing');
    const manifestBytes = await readSmall(zip, manifestEntry);
    let manifest;
    try {
      manifest = parseAsicManifest(manifestBytes.toString('utf8'));
    } catch (error) {
      throw new Problem(MANIFEST_PATH, `is not a valid ASiC manifest (${(error as Error).message})`);
    }
    if (options.schemasDir) {
      await validateManifestSchema(manifestBytes, options.schemasDir);
      report.push(`${MANIFEST_PATH}: valid against the ETSI EN 319 162-1 schema`);
    }
    const signatureEntry = byName.get(manifest.signature);
    if (!signatureEntry) throw new Problem(manifest.signature, 'is named by the manifest but missing');
    const signatureBytes = await readSmall(zip, signatureEntry);
    report.push(...checkSignature(manifest.signature, signatureBytes, manifestBytes, options));

    for (const ref of manifest.references) {
      const entry = byName.get(ref.name);
      if (!entry) throw new Problem(ref.name, 'is listed in the manifest but missing from the container');
      const hashName = DIGEST_URIS[ref.algorithm];
      if (!hashName) throw new Problem(ref.name, `has an unsupported digest algorithm ${ref.algorithm}`);
      const digest = await hashEntry(zip, entry, hashName);
      if (digest !== ref.digest) throw new Problem(ref.name, 'does not match its digest in the manifest (altered or replaced)');
    }
    report.push(`digests: ${manifest.references.length} file(s) match the manifest`);
    const listed = new Set(manifest.references.map((r) => r.name));
    for (const name of byName.keys()) {
      if (name !== 'mimetype' && !name.startsWith('META-INF/') && !name.endsWith('/') && !listed.has(name)) throw new Problem(name, 'is not covered by the signed manifest');
    }

    const eventsEntry = byName.get(EVENTS_PATH);
    if (eventsEntry) {
      let events: unknown;
      try {
        events = (JSON.parse((await readSmall(zip, eventsEntry)).toString('utf8')) as { events?: unknown }).events;
      } catch {
        throw new Problem(EVENTS_PATH, 'is not JSON');
      }
      if (!Array.isArray(events)) throw new Problem(EVENTS_PATH, 'has no events array');
      const verdict = verifyEventChain(events);
      if (!verdict.ok) throw new Problem(EVENTS_PATH, `event ${verdict.seq ?? `at index ${verdict.index}`} ${verdict.reason}`);
      report.push(`${EVENTS_PATH}: hash chain of ${verdict.count} event(s) intact`);
    }
    return { ok: true, report };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, file: error.file, problem: error.message, report };
    throw error;
  } finally {
    zip?.close();
  }
}

/** EN 319 162-1 §A.1: the archive starts with a stored `mimetype` entry without extra field. */
async function checkMimetypeHeader(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(30 + 8 + ASIC_E_MIMETYPE.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const ok =
      bytesRead === head.length &&
      head.readUInt32LE(0) === 0x04034b50 &&
      head.readUInt16LE(8) === 0 &&
      (head.readUInt16LE(6) & 0x0008) === 0 &&
      head.readUInt16LE(26) === 8 &&
      head.readUInt16LE(28) === 0 &&
      head.readUInt32LE(18) === ASIC_E_MIMETYPE.length &&
      head.toString('latin1', 30, 38) === 'mimetype' &&
      head.toString('latin1', 38) === ASIC_E_MIMETYPE;
    if (!ok) throw new Problem('mimetype', `is not the first entry, stored, without extra field, containing ${ASIC_E_MIMETYPE}`);
  } finally {
    await handle.close();
  }
}

function checkSignature(name: string, p7s: Buffer, manifest: Buffer, options: VerifyOptions): string[] {
  try {
    return verifyDetachedSeal(name, p7s, (hash) => createHash(hash).update(manifest).digest(), 'the manifest', options.trusted);
  } catch (error) {
    // The signature holds; what it covers changed: the manifest is the file to blame.
    if (error instanceof CmsError && error.message.includes('message digest')) throw new Problem(MANIFEST_PATH, 'does not match its signature (altered)');
    if (error instanceof CmsError) throw new Problem(name, error.message);
    throw error;
  }
}

/**
 * Checks a CAdES detached signature by a seal over content whose digest
 * `digestOf` gives: the signature itself, the signing-certificate-v2 and
 * signing-time attributes, the RFC 3161 signature timestamp if there is one
 * (and that it is close to the signing time), the certificate's validity
 * then, and the certificate against `trusted` when given. Answers what was
 * checked, one line each; throws `CmsError` naming the first problem.
 */
export function verifyDetachedSeal(
  name: string,
  p7s: Buffer,
  digestOf: (hashName: string) => Buffer,
  what: string,
  trusted: Buffer[] | undefined,
  /** PAdES: the signing time claimed outside the CMS (the signature dictionary's /M), which then must not carry its own. */
  claimedTime?: Date,
): string[] {
  const report: string[] = [];
  const sd = parseSignedData(p7s);
  if (sd.encapContentInfo.eContent) throw new CmsError('is not a detached signature');
  const signer = verifySigner(sd, digestOf);
  if (!checkSigningCertificate(signer)) throw new CmsError('has no signing-certificate-v2 attribute (CAdES)');
  if (claimedTime && signer.signingTime) throw new CmsError('carries a signing-time attribute, which a PAdES signature must not');
  const signingTime = claimedTime ?? signer.signingTime;
  if (!signingTime) throw new CmsError('has no signing-time attribute');
  const subject = signer.x509.subject.replace(/\n/g, ', ');
  report.push(`${name}: CAdES signature over ${what} verifies; signed by ${subject} at ${signingTime.toISOString()}`);
  const stamp = signer.signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStamp);
  let when = signingTime;
  if (stamp) {
    const token: unknown = stamp.values[0];
    if (!(token instanceof asn1js.BaseBlock)) throw new CmsError('has an empty signature timestamp');
    const info = checkTimestampToken(Buffer.from(token.toBER(false)), signer.signature);
    report.push(`${name}: RFC 3161 timestamp verifies; ${info.genTime.toISOString()} by ${info.tsaSubject}`);
    if (Math.abs(info.genTime.getTime() - signingTime.getTime()) > 24 * 3600_000) throw new CmsError('has a timestamp far from its signing time');
    when = info.genTime;
  }
  if (when < new Date(signer.x509.validFrom) || when > new Date(signer.x509.validTo)) throw new CmsError('was made outside the validity period of its certificate');
  report.push(certificateVerdict(signer.x509, trusted));
  return report;
}

function certificateVerdict(cert: X509Certificate, trusted: Buffer[] | undefined): string {
  const test = cert.subject.includes('TEST SEAL') ? ' — a TEST SEAL: no legal value' : '';
  if (!trusted) return `certificate: valid at signing time, not checked against a trust list (give --ca)${test}`;
  const ok = trusted.some((t) => {
    const anchor = new X509Certificate(t);
    return Buffer.from(anchor.raw).equals(cert.raw) || (cert.checkIssued(anchor) && cert.verify(anchor.publicKey));
  });
  if (!ok) throw new CmsError('is signed by a certificate that none of the trusted certificates issued');
  return `certificate: issued by a trusted certificate${test}`;
}

async function validateManifestSchema(manifest: Buffer, schemasDir: string): Promise<void> {
  const dir = path.resolve(schemasDir);
  const args = ['--nonet', '--noout', '--schema', path.join(dir, 'asic/en_31916201v010101.xsd'), '-'];
  const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = execFile('xmllint', args, { env: { ...process.env, XML_CATALOG_FILES: path.join(dir, 'catalog.xml') } }, (error, _out, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 127) : 0, stderr: String(stderr) }),
    );
    child.stdin?.end(manifest);
  });
  if (result.code === 127) throw new Error('xmllint is not installed (Debian: libxml2-utils)');
  if (result.code !== 0) throw new Problem(MANIFEST_PATH, `is not valid against the ASiC schema: ${result.stderr.trim().split('\n')[0] ?? ''}`);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (error, zip) => {
      if (error) reject(new Problem(path.basename(file), `is not a readable ZIP container (${error.message})`));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(new Problem('(container)', `has a damaged central directory (${error.message})`)));
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(new Problem(entry.fileName, `cannot be read (${error.message})`));
      else resolve(stream);
    });
  });
}

async function hashEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, hashName: string): Promise<string> {
  const hash = createHash(hashName);
  try {
    for await (const chunk of await entryStream(zip, entry)) hash.update(chunk as Buffer);
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem(entry.fileName, `cannot be read (${(error as Error).message})`);
  }
  return hash.digest('hex');
}

async function readSmall(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  if (entry.uncompressedSize > MAX_SMALL_FILE) throw new Problem(entry.fileName, 'is too large');
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await entryStream(zip, entry)) chunks.push(chunk as Buffer);
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem(entry.fileName, `cannot be read (${(error as Error).message})`);
  }
  return Buffer.concat(chunks);
}
