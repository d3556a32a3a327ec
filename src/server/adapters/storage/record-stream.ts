import type { FileHandle } from 'node:fs/promises';
import { BlobIntegrityError } from './blob-store.ts';
import { readAt, writeAllAt } from './blob-files.ts';
import type { BlobState } from './blob-state.ts';
import { diskRecordSize, recordPosition } from './record-format.ts';

/**
 * Streaming between plaintext and records, in constant memory: the appender
 * holds the record being filled plus one being written, the reader one record.
 */

// Bytes of records written between two early flushes during one append.
const EARLY_FLUSH_BYTES = 16 * 1024 * 1024;

/** How an append ended. */
export interface AppendOutcome {
  /** Committed plaintext size after the append (durable). */
  committed: number;
  /** Whether the source failed; its bytes up to the failure are committed all the same. */
  sourceFailed: boolean;
  sourceError: unknown;
}

/** Hooks of `appendRecords`: see every plaintext chunk, persist the partial last record. */
export interface AppendSink {
  onChunk?: (chunk: Buffer) => void;
  /** Durably replaces the tail with `plaintext` as record `index`, or removes it (null). */
  saveTail: (index: number, plaintext: Buffer | null) => Promise<void>;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('blob sources must yield bytes');
}

/**
 * Encrypts `source` into records after the committed content of the blob
 * open (read-write) in `handle`. Order makes it crash-safe: records are
 * written, then flushed, and only then is the tail replaced (atomically), so
 * at every instant the files on disk describe a prefix of what was received.
 * A failing source still gets everything it delivered committed; a failing
 * write rejects (the torn record it may leave is cut by the next append).
 */
export async function appendRecords(handle: FileHandle, state: BlobState, source: AsyncIterable<unknown>, sink: AppendSink): Promise<AppendOutcome> {
  const { recordSize } = state.header;
  if (state.fileSize > state.validEnd) await handle.truncate(state.validEnd);
  const record = Buffer.allocUnsafe(recordSize);
  const previousTail = state.tail?.length ?? 0;
  let fill = 0;
  if (state.tail) fill = state.tail.copy(record, 0);
  let index = state.fullRecords;

  // One write in flight while the next record fills: the disk and the cipher overlap, memory stays at two records.
  let inFlight: Promise<void> = Promise.resolve();
  const write: { failed: boolean; error: unknown } = { failed: false, error: undefined };
  const fail = (error: unknown) => {
    write.failed = true;
    write.error = error;
  };
  // Flushing starts while the body still streams, so the fsync the client waits for at the end has little
  // left to write (left alone, Linux holds dirty pages for up to 30 s and then writes them all at once).
  const early: { flush: Promise<void> | null; unflushed: number } = { flush: null, unflushed: 0 };
  const writeRecord = async (): Promise<void> => {
    const parts = state.codec.seal(record, index, false);
    const position = recordPosition(recordSize, index);
    index += 1;
    await inFlight;
    if (write.failed) throw write.error;
    inFlight = writeAllAt(handle, parts, position).catch(fail);
    early.unflushed += recordSize;
    if (early.unflushed >= EARLY_FLUSH_BYTES && !early.flush) {
      early.unflushed = 0;
      early.flush = inFlight
        .then(() => handle.datasync())
        .catch(fail)
        .finally(() => {
          early.flush = null;
        });
    }
  };

  let sourceFailed = false;
  let sourceError: unknown;
  try {
    for await (const chunk of source) {
      const bytes = toBuffer(chunk);
      sink.onChunk?.(bytes);
      for (let at = 0; at < bytes.length; ) {
        const copied = bytes.copy(record, fill, at, Math.min(bytes.length, at + recordSize - fill));
        fill += copied;
        at += copied;
        if (fill === recordSize) {
          await writeRecord();
          fill = 0;
        }
      }
    }
  } catch (error) {
    if (write.failed) throw write.error;
    sourceFailed = true;
    sourceError = error;
  }
  await inFlight;
  await early.flush;
  if (write.failed) throw write.error;

  const grew = index > state.fullRecords;
  if (grew || state.fileSize > state.validEnd) await handle.datasync();
  if (grew || fill !== previousTail) await sink.saveTail(index, fill > 0 ? record.subarray(0, fill) : null);
  return { committed: index * recordSize + fill, sourceFailed, sourceError };
}

/**
 * Decrypts records `first`…`last` of a blob, each checked before any of its
 * bytes is released. The final record of a finished blob is opened as final.
 */
export async function* plaintextRecords(handle: FileHandle, state: BlobState, first: number, last: number): AsyncGenerator<Buffer> {
  const { recordSize } = state.header;
  const stride = diskRecordSize(recordSize);
  const scratch = Buffer.allocUnsafe(stride);
  for (let index = first; index <= last; index += 1) {
    const final = state.finished && index === state.fullRecords;
    const position = recordPosition(recordSize, index);
    const length = final ? state.fileSize - position : stride;
    const sealed = await readAt(handle, length, position, scratch);
    const plaintext = sealed.length === length ? state.codec.open(sealed, index, final) : null;
    if (!plaintext) throw new BlobIntegrityError(`record ${index} does not authenticate`);
    yield plaintext;
  }
}
