import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BLOB_ID_PATTERN, BlobNotFoundError } from './blob-store.ts';

/**
 * Where a blob's files are and the few durable file operations the store
 * needs. Every byte these functions write is already ciphertext.
 */

/** The files of one blob: `<dir>/<first two id characters>/<id>.{blob,tail,info}`. */
export interface BlobPaths {
  dir: string;
  blob: string;
  tail: string;
  info: string;
}

/** Paths of blob `id` under `root`; `BlobNotFoundError` for an id that could escape its folder. */
export function blobPaths(root: string, id: string): BlobPaths {
  if (!BLOB_ID_PATTERN.test(id)) throw new BlobNotFoundError();
  // Two-character shards keep folders small with random ids (tus uses 32 hex digits).
  const dir = path.join(root, id.slice(0, 2));
  const base = path.join(dir, id);
  return { dir, blob: `${base}.blob`, tail: `${base}.tail`, info: `${base}.info` };
}

/** Suffix of every temporary file; a crash can leave one behind, always ciphertext. */
export const TMP_SUFFIX = '.tmp';

/** Whether an fs error is "no such file". */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * Flushes a directory so the entries created, renamed or removed in it
 * survive a power loss (POSIX fsync on the file alone does not cover them).
 */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates a directory (and parents) with owner-only access, flushing the parent of every level it created. */
export async function ensureDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  for (let level = dir; ; level = path.dirname(level)) {
    await syncDir(path.dirname(level));
    if (level === created || path.dirname(level) === level) break;
  }
}

/** Writes `parts` at `position`, failing on a short write (disk full) rather than leaving a silent gap. */
export async function writeAllAt(handle: FileHandle, parts: Buffer[], position: number): Promise<void> {
  const expected = parts.reduce((sum, part) => sum + part.length, 0);
  const { bytesWritten } = await handle.writev(parts, position);
  if (bytesWritten !== expected) throw new Error(`short write: ${bytesWritten} of ${expected} bytes`);
}

/**
 * Replaces `file` with `parts` so that a crash leaves either the old or the
 * new content: write a temporary file, flush it, rename it over, flush the
 * directory (the classic ext4/XFS-safe sequence).
 */
export async function replaceFile(dir: string, file: string, parts: Buffer[]): Promise<void> {
  const tmp = `${file}${TMP_SUFFIX}`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await writeAllAt(handle, parts, 0);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncDir(dir);
}

/** Removes a file if it exists; true when something was removed. */
export async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Reads `length` bytes at `position`, fewer only at the end of the file. */
export async function readAt(handle: FileHandle, length: number, position: number, into?: Buffer): Promise<Buffer> {
  const buffer = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Reads a whole small file, or null if it does not exist. */
export async function readSmallFile(file: string): Promise<Buffer | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    return await readAt(handle, size, 0);
  } finally {
    await handle.close();
  }
}
