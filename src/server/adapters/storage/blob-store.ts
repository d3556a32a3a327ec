import type { Readable } from 'node:stream';

/**
 * Where citizens' documents live at rest. A blob is created empty, grows by
 * appends that may be interrupted at any byte (resumable uploads), and is then
 * finished: sealed so that truncation is detectable, and hashed. Only finished
 * blobs can be read. Every implementation keeps documents encrypted at rest;
 * the local one is in `local-blob-store.ts`.
 */
export interface BlobStore {
  /**
   * Creates an empty blob with a fresh data key. `info` is an optional small
   * attachment (e.g. the upload's size and metadata) stored encrypted with the
   * blob and written in the same step, so a blob never exists without it.
   * Throws `BlobExistsError` if the id is taken.
   */
  create(id: string, info?: Uint8Array): Promise<void>;

  /**
   * Appends `source` at `offset`, which must equal the committed size (else
   * `BlobOffsetError`, before anything is read). Encrypts as it streams, with
   * a few records in memory at most. When the source ends, everything
   * received is durable (fsynced) and the new committed size is returned; when
   * the source fails or is aborted, everything received so far is made durable
   * all the same and `BlobInterruptedError` carries the committed size.
   * Throws `BlobSealedError` once the blob is finished.
   */
  append(id: string, offset: number, source: Readable): Promise<number>;

  /** Committed plaintext size and whether the blob is finished; null if there is no such blob. */
  stat(id: string): Promise<BlobStat | null>;

  /**
   * Seals the blob (nothing can be appended any more and a missing end is
   * detected) and returns its size and the SHA-256 of its plaintext.
   * Idempotent: finishing a finished blob returns the same answer.
   */
  finish(id: string): Promise<BlobDigest>;

  /**
   * The plaintext of a finished blob, or the inclusive byte range of it.
   * Decrypts only the records the range covers; the stream fails with
   * `BlobIntegrityError` on any alteration, truncation or wrong master key,
   * and with `BlobNotFoundError` / `BlobRangeError` as their names say.
   */
  read(id: string, range?: ByteRange): Readable;

  /** The first `bytes` bytes of a finished blob (fewer if it is shorter), e.g. for a type check. */
  head(id: string, bytes: number): Promise<Buffer>;

  /** The last `bytes` bytes of a finished blob (fewer if it is shorter). */
  tail(id: string, bytes: number): Promise<Buffer>;

  /** The blob's encrypted attachment written by `create` or `writeInfo`; null if it has none. */
  readInfo(id: string): Promise<Buffer | null>;

  /** Replaces the blob's encrypted attachment atomically (it survives a crash whole or not at all). */
  writeInfo(id: string, info: Uint8Array): Promise<void>;

  /** Ids of every blob, finished or not (for expiry sweeps). */
  list(): Promise<string[]>;

  /**
   * Crypto-shreds the blob: its wrapped data key is overwritten and flushed
   * before every file of the blob is removed. Idempotent.
   */
  destroy(id: string): Promise<void>;
}

/** What `BlobStore.stat` tells about a blob. */
export interface BlobStat {
  /** Plaintext bytes committed (durable). */
  size: number;
  /** Sealed by `finish`: complete and readable. */
  finished: boolean;
}

/** Size and SHA-256 (lowercase hex) of a finished blob's plaintext. */
export interface BlobDigest {
  size: number;
  sha256: string;
}

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Blob ids become file names: a conservative alphabet keeps them out of other folders. */
export const BLOB_ID_PATTERN = /^[A-Za-z0-9_-]{2,128}$/;

/** Base of the store's typed errors, so callers can tell them from I/O failures. */
export class BlobStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No blob has this id (or the id is not a valid blob id). */
export class BlobNotFoundError extends BlobStoreError {
  constructor() {
    super('no such blob');
  }
}

/** `create` was given an id that is already in use. */
export class BlobExistsError extends BlobStoreError {
  constructor() {
    super('blob already exists');
  }
}

/** An append did not start at the committed size; `expected` is that size. */
export class BlobOffsetError extends BlobStoreError {
  constructor(
    public readonly expected: number,
    public readonly given: number,
  ) {
    super(`append offset ${given} is not the committed size ${expected}`);
  }
}

/** The blob is finished: it cannot grow any more. */
export class BlobSealedError extends BlobStoreError {
  constructor() {
    super('blob is finished');
  }
}

/** A requested range lies outside the blob. */
export class BlobRangeError extends BlobStoreError {
  constructor(range: ByteRange, size: number) {
    super(`range ${range.start}-${range.end} outside a blob of ${size} bytes`);
  }
}

/**
 * Authentication failed: the blob was altered, truncated, is not finished
 * (for reads), or the master key is not the one it was written with.
 */
export class BlobIntegrityError extends BlobStoreError {}

/**
 * The append's source failed or was aborted. What had arrived is durable:
 * `committed` is the blob's new size; `cause` is the source's error.
 */
export class BlobInterruptedError extends BlobStoreError {
  constructor(
    public readonly committed: number,
    cause: unknown,
  ) {
    super('append source failed; received bytes were kept', { cause });
  }
}
