import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CmsError } from './cms.ts';
import { PADES_SUBFILTER, parsePdfDate } from './pdf-signature.ts';
import type { PackageVerdict } from './verify-package.ts';
import { verifyDetachedSeal } from './verify-package.ts';

/** A receipt is a few hundred KB; anything this large is not one of ours. */
const MAX_RECEIPT_BYTES = 64 * 1024 * 1024;

/** Whether `file` starts like a PDF (`%PDF-`). */
export async function looksLikePdf(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    return head.toString('latin1') === '%PDF-';
  } finally {
    await handle.close();
  }
}

/**
 * Checks a sealed receipt (PAdES, ISO 32000-1 §12.8): its one signature's
 * `/ByteRange` covers the whole file but the `/Contents` hole (nothing was
 * added or changed after signing), the CMS in `/Contents` is a CAdES detached
 * signature over those bytes by a seal (with its RFC 3161 timestamp checked
 * when it has one), and the certificate was valid then (and issued by one of
 * `trusted` when given). The same checks as the package's signature.
 */
export async function verifyReceipt(file: string, options: { trusted?: Buffer[] } = {}): Promise<PackageVerdict> {
  const name = path.basename(file);
  const report: string[] = [];
  const fail = (problem: string): PackageVerdict => ({ ok: false, file: name, problem, report });
  const stat = await fs.stat(file);
  if (stat.size > MAX_RECEIPT_BYTES) return fail('is too large to be a receipt');
  const pdf = await fs.readFile(file);
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  if (ranges.length === 0) return fail('is not signed (no signature byte range)');
  if (ranges.length > 1) return fail('holds more than one signature');
  const [a, b, c, d] = (ranges[0]?.slice(1) ?? []).map(Number) as [number, number, number, number];
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) return fail('has a malformed signature byte range');
  if (c + d !== pdf.length) return fail('was changed after it was signed (bytes beyond the signed range)');
  const hole = pdf.subarray(b, c).toString('latin1');
  if (!/^<[0-9A-Fa-f]*>$/.test(hole)) return fail('has a signature byte range that does not frame its /Contents');
  const cms = Buffer.from(hole.slice(1, -1).replace(/(00)+$/, ''), 'hex');
  const dictionary = signatureDictionary(text, ranges[0]?.index ?? 0);
  const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(dictionary)?.[1];
  let claimedTime: Date | undefined;
  if (subFilter === PADES_SUBFILTER) {
    const m = /\/M\s*\((D:[^)]*)\)/.exec(dictionary)?.[1];
    claimedTime = m ? (parsePdfDate(m) ?? undefined) : undefined;
    if (!claimedTime) return fail('has a PAdES signature without its signing time (/M)');
  } else if (subFilter !== 'adbe.pkcs7.detached') {
    return fail(`has a signature of a kind this tool does not check (${subFilter ?? 'no SubFilter'})`);
  }
  report.push(`${name}: one PDF signature (${subFilter}), covering the whole file but its /Contents`);
  try {
    const digestOf = (hash: string) => createHash(hash).update(pdf.subarray(a, a + b)).update(pdf.subarray(c, c + d)).digest();
    report.push(...verifyDetachedSeal(name, cms, digestOf, 'the document', options.trusted, claimedTime));
  } catch (error) {
    if (error instanceof CmsError && error.message.includes('message digest')) return fail('does not match its signature (altered)');
    if (error instanceof CmsError) return fail(`its signature ${error.message}`);
    throw error;
  }
  return { ok: true, report };
}

/** The text of the signature dictionary around its /ByteRange (from its `obj` to its `endobj`). */
function signatureDictionary(text: string, at: number): string {
  const start = text.lastIndexOf(' obj', at);
  const end = text.indexOf('endobj', at);
  return text.slice(start < 0 ? Math.max(0, at - 4096) : start, end < 0 ? at + 4096 : end);
}

