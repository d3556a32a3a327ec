/**
 * The benchmark file: a PDF by header and trailer around bytes generated on
 * the fly from a deterministic pattern, so that nothing of it is kept on disk
 * or in memory outside the servers.
 */
import { createHash } from 'node:crypto';
import { CHUNK, MiB } from './config.ts';

/** ISO 32000-1 §7.5.2: the header the app's content check looks for at the start of a PDF. */
export const PDF_HEAD = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
/** ISO 32000-1 §7.5.5: the trailer the app's content check looks for at the end of a PDF. */
export const PDF_TRAILER = Buffer.from('\ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n', 'latin1');

/** 4 MiB of seeded xorshift32 output: every chunk is a slice of it, stamped with its index. */
const PATTERN = (() => {
  const words = new Uint32Array((4 * MiB) / 4);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer);
})();

/** Writes the bytes [at, at + into.length) of a benchmark file of `size` bytes into `into`; `at` is a multiple of CHUNK, the length at most CHUNK. */
export function fileBytes(size: number, at: number, into: Buffer): Buffer {
  const index = at / CHUNK;
  const start = (index * 104_729) % (PATTERN.length - CHUNK);
  PATTERN.copy(into, 0, start, start + into.length);
  if (into.length >= 8) into.writeBigUInt64LE(BigInt(index), 0); // no two chunks alike
  if (at === 0) PDF_HEAD.copy(into, 0);
  const trailerAt = size - PDF_TRAILER.length;
  if (at + into.length > trailerAt) PDF_TRAILER.copy(into, Math.max(0, trailerAt - at), Math.max(0, at - trailerAt));
  return into;
}

/** The SHA-256 of the whole benchmark file of `size` bytes, which every server that records one must agree with. */
export function expectedSha256(size: number): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let at = 0; at < size; at += CHUNK) hash.update(fileBytes(size, at, buffer.subarray(0, Math.min(CHUNK, size - at))));
  return hash.digest('hex');
}
