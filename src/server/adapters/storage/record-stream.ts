import type { FileHandle } from 'node:fs/promises';
import { BlobIntegrityError } from './blob-store.ts';
import { readAt } from './blob-files.ts';
import type { BlobState } from './blob-state.ts';
import { paceGarbage } from './gc-pacer.ts';
import { SEALING_BYTES_MAX, diskRecordSize, recordPosition } from './record-format.ts';
import { copyInto, recordSealer, type RunningHash } from './record-sealer.ts';

/**
 * Streaming between plaintext and records, in constant memory: the appender
 * holds a ring of a few batches of records (one filling, the others being
 * sealed and written by the crypto thread), the reader one record.
 */

// Bytes of records written between two early flushes during one append.
const EARLY_FLUSH_BYTES = 16 * 1024 * 1024;
// Plaintext handed to the crypto thread at most at a time: whole records are handed over as soon as they are
// whole, so default-sized records go one by one; tiny ones (tests) are grouped by the chunks they arrive in.
const BATCH_BYTES = 1024 * 1024;
const BATCH_RECORDS_MAX = 64;
// Slots of an append's ring: one filling, the others being sealed and written.
const RING_SLOTS = 4;

/** How an append ended. */
export interface AppendOutcome {
  /** Committed plaintext size after the append (durable). */
  committed: number;
  /** Bytes fed to the sink's running hash: every byte received, unless the append failed. */
  hashed: number;
  /** Whether the source failed; its bytes up to the failure are committed all the same. */
  sourceFailed: boolean;
  sourceError: unknown;
}

/** Hooks of `appendRecords`: a running hash to feed with every byte received, and persisting the partial last record. */
export interface AppendSink {
  hash: RunningHash | null;
  /** Durably replaces the tail with `plaintext` as record `index`, or removes it (null). */
  saveTail: (index: number, plaintext: Buffer | null) => Promise<void>;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('blob sources must yield bytes');
}

/** A copy of `bytes` in memory of its own: out of the ring, and cheap to send (unlike a slice of a shared pool). */
function ownCopy(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copyInto(copy, 0, bytes, 0, bytes.length);
  return copy;
}

/**
 * Encrypts `source` into records after the committed content of the blob
 * open (read-write) in `handle`. Whole records are handed to the crypto
 * thread as soon as they are whole, which hashes, seals and writes them in
 * order while the next ones arrive. Order makes it crash-safe: records are
 * written in file order (after a failed write, none of the later ones), then
 * flushed, and only then is the tail replaced (atomically), so at every
 * instant the files on disk describe a prefix of what was received. A failing
 * source still gets everything it delivered committed; a failing write
 * rejects (the torn record it may leave is cut by the next append).
 */
export async function appendRecords(handle: FileHandle, state: BlobState, source: AsyncIterable<unknown>, sink: AppendSink): Promise<AppendOutcome> {
  const { recordSize } = state.header;
  if (state.fileSize > state.validEnd) await handle.truncate(state.validEnd);
  const perBatch = Math.max(1, Math.min(BATCH_RECORDS_MAX, Math.floor(BATCH_BYTES / recordSize)));
  const batchSize = perBatch * recordSize;
  const ring = recordSealer.takeRing(RING_SLOTS, batchSize, perBatch * SEALING_BYTES_MAX);
  const stream = recordSealer.beginStream({ ring, key: state.codec.sealingKey, size: recordSize, hash: sink.hash, fd: handle.fd });
  // The job of each slot; settled (never rejected) when the slot can be filled again.
  const busy: Promise<void>[] = ring.slots.map(() => Promise.resolve());
  let slot = 0;
  let batch = ring.slots[0]?.plaintext ?? Buffer.alloc(0);
  const previousTail = state.tail?.length ?? 0;
  let fill = state.tail ? copyInto(batch, 0, state.tail, 0, state.tail.length) : 0;
  // The old tail's bytes were hashed when they arrived.
  let hashFrom = fill;
  let hashed = 0;
  let index = state.fullRecords;

  const write: { failed: boolean; error: unknown } = { failed: false, error: undefined };
  const fail = (error: unknown) => {
    if (write.failed) return;
    write.failed = true;
    write.error = error;
  };
  // Flushing starts while the body still streams, so the fsync the client waits for at the end has little
  // left to write (left alone, Linux holds dirty pages for up to 30 s and then writes them all at once).
  const early: { flush: Promise<void> | null; unwritten: number } = { flush: null, unwritten: 0 };
  const flushEarly = (bytes: number) => {
    early.unwritten += bytes;
    if (early.unwritten < EARLY_FLUSH_BYTES || early.flush) return;
    early.unwritten = 0;
    early.flush = handle
      .datasync()
      .catch(fail)
      .finally(() => {
        early.flush = null;
      });
  };

  /** Hands the first `count` records of the current slot to the crypto thread. */
  const submit = (count: number): void => {
    const first = index;
    index += count;
    hashed += count * recordSize - hashFrom;
    const params = state.codec.sealingOf(first, count);
    const paramsBytes = copyInto(ring.slots[slot]?.params ?? Buffer.alloc(0), 0, params, 0, params.length);
    if (paramsBytes !== params.length) throw new Error('appendRecords: sealing parameters do not fit their slot');
    busy[slot] = recordSealer
      .seal({ stream, slot, count, paramsBytes, hashFrom, position: recordPosition(recordSize, first) })
      .then(() => flushEarly(count * diskRecordSize(recordSize)), fail);
    hashFrom = 0;
  };

  /** Hands over the whole records of the current slot; the part of a record after them starts the next slot. */
  const handOver = async (): Promise<void> => {
    const whole = Math.floor(fill / recordSize);
    const next = (slot + 1) % ring.slots.length;
    await busy[next];
    if (write.failed) throw write.error;
    const nextBatch = ring.slots[next]?.plaintext ?? Buffer.alloc(0);
    const rest = copyInto(nextBatch, 0, batch, whole * recordSize, fill);
    submit(whole);
    slot = next;
    batch = nextBatch;
    fill = rest;
  };

  try {
    let sourceFailed = false;
    let sourceError: unknown;
    try {
      for await (const chunk of source) {
        const bytes = toBuffer(chunk);
        for (let at = 0; at < bytes.length; ) {
          const copied = copyInto(batch, fill, bytes, at, Math.min(bytes.length, at + batchSize - fill));
          fill += copied;
          at += copied;
          if (fill === batchSize) await handOver();
        }
        // The chunk is in the ring now: it and the buffers it came through are garbage (see gc-pacer.ts).
        paceGarbage(bytes.length);
        // Whole records go to the disk as soon as they are whole, not when a batch is full: what arrived
        // before a crash is on disk then, and small uploads are grouped by the chunks they come in.
        if (fill >= recordSize) await handOver();
      }
    } catch (error) {
      if (write.failed) throw write.error;
      sourceFailed = true;
      sourceError = error;
    }
    // What is left is less than a record (the source ended or failed between chunks): it becomes the tail.
    const whole = Math.floor(fill / recordSize);
    if (whole > 0) submit(whole);
    const rest = ownCopy(batch.subarray(whole * recordSize, fill));
    const restHashFrom = Math.max(0, hashFrom - whole * recordSize);
    if (sink.hash && rest.length > restHashFrom) {
      recordSealer.updateHash(sink.hash, ownCopy(rest.subarray(restHashFrom)));
      hashed += rest.length - restHashFrom;
    }
    await Promise.all(busy);
    await early.flush;
    if (write.failed) throw write.error;

    const grew = index > state.fullRecords;
    if (grew || state.fileSize > state.validEnd) await handle.datasync();
    if (grew || rest.length !== previousTail) await sink.saveTail(index, rest.length > 0 ? rest : null);
    return { committed: index * recordSize + rest.length, hashed, sourceFailed, sourceError };
  } finally {
    // The crypto thread writes through `handle`'s descriptor: the caller may close it only once no job is left.
    await Promise.all(busy);
    await early.flush;
    recordSealer.endStream(stream);
    recordSealer.giveBack(ring);
  }
}

/**
 * Decrypts records `first`…`last` of a blob, each checked before any of its
 * bytes is released. The final record of a finished blob is opened as final.
 */
export async function* plaintextRecords(handle: FileHandle, state: BlobState, first: number, last: number): AsyncGenerator<Buffer> {
  const { recordSize } = state.header;
  const stride = diskRecordSize(recordSize);
  // Two scratch buffers: the next record is read (on libuv's thread pool) while this one is decrypted and consumed.
  const scratch = [Buffer.allocUnsafe(stride), Buffer.allocUnsafe(stride)] as const;
  const lengthOf = (index: number) => (state.finished && index === state.fullRecords ? state.fileSize - recordPosition(recordSize, index) : stride);
  const readRecord = (index: number) => readAt(handle, lengthOf(index), recordPosition(recordSize, index), scratch[index % 2]);
  let pending: Promise<Buffer> | null = first <= last ? readRecord(first) : null;
  try {
    for (let index = first; index <= last; index += 1) {
      const sealed = await (pending as Promise<Buffer>);
      pending = index < last ? readRecord(index + 1) : null;
      const final = state.finished && index === state.fullRecords;
      const plaintext = sealed.length === lengthOf(index) ? state.codec.open(sealed, index, final) : null;
      if (!plaintext) throw new BlobIntegrityError(`record ${index} does not authenticate`);
      yield plaintext;
    }
  } finally {
    // A reader that stops early (an error, a closed response) must not leave a read running on a handle about to close.
    await pending?.catch(() => undefined);
  }
}
