import { createHash } from 'node:crypto';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  BLOB_ID_PATTERN,
  BlobExistsError,
  BlobIntegrityError,
  BlobInterruptedError,
  BlobNotFoundError,
  BlobOffsetError,
  BlobRangeError,
  BlobSealedError,
  BlobStoreError,
  type BlobDigest,
  type BlobStat,
  type BlobStore,
  type ByteRange,
} from './blob-store.ts';
import { blobPaths, ensureDir, isMissing, readAt, readSmallFile, removeIfPresent, replaceFile, syncDir, TMP_SUFFIX, writeAllAt } from './blob-files.ts';
import { loadState, type BlobState } from './blob-state.ts';
import { DEFAULT_RECORD_SIZE, HEADER_SIZE, RECORD_SIZE_LIMITS, newHeader, openInfo, parseHeader, sealInfo, sealTail } from './record-format.ts';
import { appendRecords, plaintextRecords } from './record-stream.ts';
import { recordSealer, type RunningHash } from './record-sealer.ts';

/** Options of the local blob store. */
export interface LocalBlobStoreOptions {
  /** Plaintext bytes per record for new blobs (existing blobs keep theirs); default 1 MiB. */
  recordSize?: number;
}

/** A SHA-256 in the crypto thread fed by the appends this process saw, and how many bytes it has seen. */
interface BlobHash {
  hash: RunningHash;
  bytes: number;
}

// Running hashes of unfinished uploads; an abandoned upload's entry is dropped oldest-first past this many.
const RUNNING_HASH_LIMIT = 1024;

/** Runs one operation at a time per blob id, in call order. */
function perIdQueue(): <T>(id: string, operation: () => Promise<T>) => Promise<T> {
  const last = new Map<string, Promise<unknown>>();
  return (id, operation) => {
    const result = (last.get(id) ?? Promise.resolve()).then(operation);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    last.set(id, settled);
    void settled.then(() => {
      if (last.get(id) === settled) last.delete(id);
    });
    return result;
  };
}

async function openBlob(file: string, flags: 'r' | 'r+'): Promise<FileHandle> {
  try {
    return await open(file, flags);
  } catch (error) {
    if (isMissing(error)) throw new BlobNotFoundError();
    throw error;
  }
}

async function sha256Of(chunks: AsyncIterable<Buffer>, extra?: Buffer | null): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) hash.update(chunk);
  if (extra) hash.update(extra);
  return hash.digest('hex');
}

function checkRange(range: ByteRange, size: number): void {
  const valid = Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end < size;
  if (!valid) throw new BlobRangeError(range, size);
}

/**
 * The blob store on the local file system: AES-256-GCM records under a
 * per-blob data key wrapped by `masterKey` (format in `record-format.ts`).
 * Not a byte of plaintext is written to disk, temporary files included.
 * One instance per directory and process: operations on one blob are
 * serialised in memory, not across processes.
 */
export function localBlobStore(dir: string, masterKey: Buffer, options: LocalBlobStoreOptions = {}): BlobStore {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  const recordSize = options.recordSize ?? DEFAULT_RECORD_SIZE;
  if (!Number.isInteger(recordSize) || recordSize < RECORD_SIZE_LIMITS.min || recordSize > RECORD_SIZE_LIMITS.max) {
    throw new Error(`record size must be an integer between ${RECORD_SIZE_LIMITS.min} and ${RECORD_SIZE_LIMITS.max}`);
  }
  const exclusive = perIdQueue();
  const running = new Map<string, BlobHash>();

  function forget(id: string): void {
    const entry = running.get(id);
    if (!entry) return;
    running.delete(id);
    recordSealer.dropHash(entry.hash);
  }

  /** The running hash of `id` if it covers exactly its first `size` bytes; a new one for an empty blob. */
  function runningHashAt(id: string, size: number): BlobHash | undefined {
    let entry = running.get(id);
    if (entry && (entry.bytes !== size || !recordSealer.alive(entry.hash))) {
      forget(id);
      entry = undefined;
    }
    if (!entry && size === 0) {
      entry = { hash: recordSealer.startHash(), bytes: 0 };
      running.set(id, entry);
      const oldest = running.keys().next();
      if (running.size > RUNNING_HASH_LIMIT && !oldest.done) forget(oldest.value);
    }
    return entry;
  }

  async function withState<T>(id: string, flags: 'r' | 'r+', use: (handle: FileHandle, state: BlobState) => Promise<T>): Promise<T> {
    const paths = blobPaths(dir, id);
    const handle = await openBlob(paths.blob, flags);
    try {
      return await use(handle, await loadState(handle, id, masterKey, paths.tail));
    } finally {
      await handle.close();
    }
  }

  async function* plaintext(id: string, pick: (size: number) => ByteRange | null): AsyncGenerator<Buffer> {
    const paths = blobPaths(dir, id);
    const handle = await openBlob(paths.blob, 'r');
    try {
      const state = await loadState(handle, id, masterKey, paths.tail);
      // Only a final record proves the end is there: without it a cut-off blob would read as a shorter one.
      if (!state.finished) throw new BlobIntegrityError('blob is not finished, or its end was cut off');
      const range = pick(state.size);
      if (!range) return;
      checkRange(range, state.size);
      const { recordSize } = state.header;
      const first = Math.floor(range.start / recordSize);
      let offset = first * recordSize;
      for await (const record of plaintextRecords(handle, state, first, Math.floor(range.end / recordSize))) {
        const from = Math.max(range.start - offset, 0);
        const to = Math.min(range.end + 1 - offset, record.length);
        offset += record.length;
        if (to > from) yield record.subarray(from, to);
      }
    } finally {
      await handle.close();
    }
  }

  async function collect(id: string, pick: (size: number) => ByteRange | null): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of plaintext(id, pick)) parts.push(part);
    return Buffer.concat(parts);
  }

  async function keysOf(id: string) {
    const handle = await openBlob(blobPaths(dir, id).blob, 'r');
    try {
      return parseHeader(id, masterKey, await readAt(handle, HEADER_SIZE, 0)).keys;
    } finally {
      await handle.close();
    }
  }

  return {
    create: (id, info) =>
      exclusive(id, async () => {
        if (!BLOB_ID_PATTERN.test(id)) throw new BlobStoreError('invalid blob id');
        const paths = blobPaths(dir, id);
        await ensureDir(paths.dir);
        const exists = await stat(paths.blob).then(
          () => true,
          (error: unknown) => {
            if (isMissing(error)) return false;
            throw error;
          },
        );
        if (exists) throw new BlobExistsError();
        // Leftovers of an earlier blob of this id that crashed half-created or half-destroyed.
        await removeIfPresent(paths.tail);
        await removeIfPresent(paths.info);
        const { bytes, header } = newHeader(id, masterKey, recordSize);
        // The blob file's rename is the commit point, so the info goes first: a blob never exists without it.
        if (info) await replaceFile(paths.dir, paths.info, sealInfo(id, header.keys, info));
        await replaceFile(paths.dir, paths.blob, [bytes]);
        forget(id);
        runningHashAt(id, 0);
      }),

    append: (id, offset, source) =>
      exclusive(id, () =>
        withState(id, 'r+', async (handle, state) => {
          if (state.finished) throw new BlobSealedError();
          if (offset !== state.size) throw new BlobOffsetError(state.size, offset);
          const paths = blobPaths(dir, id);
          const hash = runningHashAt(id, state.size);
          const outcome = await appendRecords(handle, state, source, {
            hash: hash?.hash ?? null,
            saveTail: async (index, bytes) => {
              if (bytes) await replaceFile(paths.dir, paths.tail, sealTail(id, state.header.keys, index, bytes));
              else await removeIfPresent(paths.tail); // stale already: no need to flush its removal
            },
          }).catch((error: unknown) => {
            forget(id);
            throw error;
          });
          if (hash) hash.bytes += outcome.hashed;
          if (hash && hash.bytes !== outcome.committed) forget(id);
          if (outcome.sourceFailed) throw new BlobInterruptedError(outcome.committed, outcome.sourceError);
          return outcome.committed;
        }),
      ),

    stat: (id) =>
      exclusive(id, async (): Promise<BlobStat | null> => {
        if (!BLOB_ID_PATTERN.test(id)) return null;
        try {
          return await withState(id, 'r', async (_handle, state) => ({ size: state.size, finished: state.finished }));
        } catch (error) {
          if (error instanceof BlobNotFoundError) return null;
          throw error;
        }
      }),

    finish: (id) =>
      exclusive(id, () =>
        withState(id, 'r+', async (handle, state): Promise<BlobDigest> => {
          if (state.finished) {
            return { size: state.size, sha256: await sha256Of(plaintextRecords(handle, state, 0, state.fullRecords)) };
          }
          const hash = running.get(id);
          running.delete(id);
          // The running hash only counts if it saw every committed byte; otherwise (a restart, a lost crypto
          // thread) decrypting also re-checks every record before sealing.
          const fromRunning = hash && hash.bytes === state.size ? await recordSealer.digest(hash.hash).catch(() => null) : null;
          if (hash && fromRunning === null) recordSealer.dropHash(hash.hash);
          const sha256 = fromRunning ?? (await sha256Of(plaintextRecords(handle, state, 0, state.fullRecords - 1), state.tail));
          if (state.fileSize > state.validEnd) await handle.truncate(state.validEnd);
          await writeAllAt(handle, state.codec.seal(state.tail ?? Buffer.alloc(0), state.fullRecords, true), state.validEnd);
          await handle.datasync();
          const paths = blobPaths(dir, id);
          // The final record made the tail stale; removing it is tidiness, not correctness.
          if (await removeIfPresent(paths.tail)) await syncDir(paths.dir);
          return { size: state.size, sha256 };
        }),
      ),

    read: (id, range) => Readable.from(plaintext(id, (size) => range ?? (size > 0 ? { start: 0, end: size - 1 } : null)), { objectMode: false }),

    head: (id, bytes) => collect(id, (size) => (size > 0 && bytes > 0 ? { start: 0, end: Math.min(bytes, size) - 1 } : null)),

    tail: (id, bytes) => collect(id, (size) => (size > 0 && bytes > 0 ? { start: Math.max(0, size - bytes), end: size - 1 } : null)),

    readInfo: async (id) => {
      const keys = await keysOf(id);
      const sealed = await readSmallFile(blobPaths(dir, id).info);
      return sealed ? openInfo(id, keys, sealed) : null;
    },

    writeInfo: (id, info) =>
      exclusive(id, async () => {
        const paths = blobPaths(dir, id);
        await replaceFile(paths.dir, paths.info, sealInfo(id, await keysOf(id), info));
      }),

    list: async () => {
      const ids: string[] = [];
      let shards: string[];
      try {
        shards = await readdir(dir);
      } catch (error) {
        if (isMissing(error)) return ids;
        throw error;
      }
      for (const shard of shards) {
        const names = await readdir(path.join(dir, shard)).catch(() => [] as string[]);
        for (const name of names) {
          const id = name.endsWith('.blob') ? name.slice(0, -'.blob'.length) : '';
          if (BLOB_ID_PATTERN.test(id) && id.startsWith(shard)) ids.push(id);
        }
      }
      return ids;
    },

    destroy: (id) =>
      exclusive(id, async () => {
        if (!BLOB_ID_PATTERN.test(id)) return;
        const paths = blobPaths(dir, id);
        forget(id);
        try {
          const handle = await open(paths.blob, 'r+');
          try {
            // Crypto-shredding: without the wrapped key no record, tail or info can be opened, even with the
            // master key. Copy-on-write file systems and SSDs may keep the old block; the master key still guards it.
            await writeAllAt(handle, [Buffer.alloc(HEADER_SIZE)], 0);
            await handle.datasync();
          } finally {
            await handle.close();
          }
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
        let removed = false;
        for (const file of [paths.blob, paths.tail, paths.info]) {
          for (const name of [file, `${file}${TMP_SUFFIX}`]) removed = (await removeIfPresent(name)) || removed;
        }
        if (removed) await syncDir(paths.dir);
      }),
  };
}
