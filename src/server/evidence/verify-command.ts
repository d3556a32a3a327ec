import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { verifyPackage } from './verify-package.ts';
import { looksLikePdf, verifyReceipt } from './verify-receipt.ts';

/** Options of `finestreta verify`. */
export interface VerifyCommandOptions {
  /** Folder of the official schemas (shared/standards): also validate the manifest with xmllint. */
  schemas?: string;
  /** PEM files of certificates to trust for the seal (an organ seal's CA, or the seal itself). */
  ca?: string[];
}

/**
 * `finestreta verify <file>` (an evidence package or a sealed receipt): prints what was checked, and on failure the
 * first thing wrong with the file it is in. Returns the exit status: 0 valid,
 * 1 not valid.
 */
export async function verifyCommand(file: string, options: VerifyCommandOptions, out: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<number> {
  const trusted = options.ca?.flatMap((f) => pemCertificates(fs.readFileSync(f, 'utf8'), f));
  // A receipt (a sealed PDF) or an evidence package (ASiC-E).
  const verdict = (await looksLikePdf(file))
    ? await verifyReceipt(file, trusted ? { trusted } : {})
    : await verifyPackage(file, { ...(options.schemas ? { schemasDir: options.schemas } : {}), ...(trusted ? { trusted } : {}) });
  for (const line of verdict.report) out.stdout(`ok  ${line}\n`);
  if (verdict.ok) {
    out.stdout(`VALID: ${file}\n`);
    return 0;
  }
  out.stderr(`INVALID: ${verdict.file}: ${verdict.problem}\n`);
  return 1;
}

function pemCertificates(pem: string, file: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${file} holds no PEM certificate`);
  return blocks.map((b) => Buffer.from(new X509Certificate(b).raw));
}
