import type { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { z } from 'zod';
import {
  BlobExistsError,
  BlobInterruptedError,
  BlobNotFoundError,
  BlobOffsetError,
  BlobSealedError,
  BlobStoreError,
  type BlobDigest,
  type BlobStore,
} from './blob-store.ts';

/** Options of the tus store. */
export interface EncryptedTusStoreOptions {
  /** Unfinished uploads older than this are gone (tus expiration extension); 0 = never. */
  expirationPeriodInMilliseconds?: number;
}

/**
 * What tus needs to remember about an upload besides its bytes. It holds the
 * file name (personal data), so it is kept as the blob's encrypted info.
 */
const uploadInfo = z.object({
  v: z.literal(1),
  size: z.number().int().nonnegative().optional(),
  metadata: z.record(z.string(), z.string().nullable()).optional(),
  creationDate: z.string(),
});
type UploadInfo = z.infer<typeof uploadInfo>;

function encodeInfo(info: UploadInfo): Buffer {
  return Buffer.from(JSON.stringify(info), 'utf8');
}

function decodeInfo(bytes: Buffer): UploadInfo {
  return uploadInfo.parse(JSON.parse(bytes.toString('utf8')));
}

/**
 * An error tus answers with its own status and body: tus reads `status_code`
 * and `body` off whatever is thrown (its `ERRORS` are plain objects; these
 * are real errors, with a stack).
 */
export class TusStoreError extends Error {
  constructor(
    public readonly status_code: number,
    public readonly body: string,
  ) {
    super(body.trim());
    this.name = 'TusStoreError';
  }
}

function tusError(known: { status_code: number; body: string }): TusStoreError {
  return new TusStoreError(known.status_code, known.body);
}

/** Store errors tus has an answer for become that answer; others pass unchanged. */
function asTusError(error: unknown): unknown {
  if (error instanceof BlobNotFoundError) return tusError(ERRORS.FILE_NOT_FOUND);
  if (error instanceof BlobOffsetError) return tusError(ERRORS.INVALID_OFFSET);
  return error;
}

/**
 * A tus 1.0 `DataStore` over the encrypted blob store, mirroring the
 * contracts of the stock `@tus/file-store` (creation, creation-with-upload,
 * creation-defer-length, termination, expiration) — without its plaintext
 * files. There is deliberately no `read`: tus's GET handler serves only
 * stores that have one, so an upload can never be downloaded through tus.
 * `write` answers with an offset only once those bytes are flushed to disk.
 */
export class EncryptedTusStore extends DataStore {
  private readonly expirationMs: number;

  constructor(
    private readonly blobs: BlobStore,
    options: EncryptedTusStoreOptions = {},
  ) {
    super();
    this.expirationMs = options.expirationPeriodInMilliseconds ?? 0;
    this.extensions = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration'];
  }

  /** POST: an empty blob whose encrypted info holds the upload's length, metadata and creation date. */
  override async create(upload: Upload): Promise<Upload> {
    const creationDate = upload.creation_date ?? new Date().toISOString();
    const info: UploadInfo = { v: 1, size: upload.size, metadata: upload.metadata, creationDate };
    try {
      await this.blobs.create(upload.id, encodeInfo(info));
    } catch (error) {
      // A taken id would mean writing into someone else's upload; the naming function is at fault.
      if (error instanceof BlobExistsError) throw new TusStoreError(409, 'Upload id already in use\n');
      if (error instanceof BlobStoreError) throw new TusStoreError(400, 'Invalid upload id\n');
      throw error;
    }
    upload.creation_date = creationDate;
    upload.storage = { type: 'encrypted-blob', path: upload.id };
    return upload;
  }

  /**
   * PATCH: appends the body at `offset` and resolves with the new offset once
   * it is durable. If the body breaks off, what arrived is kept (a HEAD shows
   * it) and the source's error goes back to tus, which answers accordingly.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    try {
      return await this.blobs.append(id, offset, readable);
    } catch (error) {
      if (error instanceof BlobInterruptedError) throw error.cause;
      if (error instanceof BlobSealedError) {
        // A finished upload takes no more bytes; tus lets only an empty body at its end offset this far.
        let extra = 0;
        for await (const chunk of readable) extra += (chunk as Uint8Array).length;
        if (extra > 0) throw tusError(ERRORS.ERR_SIZE_EXCEEDED);
        if ((await this.blobs.stat(id))?.size !== offset) throw tusError(ERRORS.INVALID_OFFSET);
        return offset;
      }
      if (error instanceof BlobNotFoundError || error instanceof BlobOffsetError) throw asTusError(error);
      // I/O errors carry file paths in their message, which tus would send to the client.
      throw tusError(ERRORS.FILE_WRITE_ERROR);
    }
  }

  /** HEAD (and before PATCH): length, metadata, creation date, and the durable offset. */
  override async getUpload(id: string): Promise<Upload> {
    try {
      const [bytes, stat] = await Promise.all([this.blobs.readInfo(id), this.blobs.stat(id)]);
      if (!bytes || !stat) throw tusError(ERRORS.FILE_NOT_FOUND);
      const info = decodeInfo(bytes);
      return new Upload({
        id,
        size: info.size,
        offset: stat.size,
        metadata: info.metadata,
        creation_date: info.creationDate,
        storage: { type: 'encrypted-blob', path: id },
      });
    } catch (error) {
      throw asTusError(error);
    }
  }

  /** DELETE: crypto-shreds the blob. Like the stock store, an unknown id is "not found". */
  override async remove(id: string): Promise<void> {
    if (!(await this.blobs.stat(id))) throw tusError(ERRORS.FILE_NOT_FOUND);
    await this.blobs.destroy(id);
  }

  /** PATCH with `Upload-Length` after `Upload-Defer-Length: 1`. */
  override async declareUploadLength(id: string, length: number): Promise<void> {
    try {
      const bytes = await this.blobs.readInfo(id);
      if (!bytes) throw tusError(ERRORS.FILE_NOT_FOUND);
      await this.blobs.writeInfo(id, encodeInfo({ ...decodeInfo(bytes), size: length }));
    } catch (error) {
      throw asTusError(error);
    }
  }

  /**
   * Destroys unfinished uploads created longer ago than the expiration
   * period. Unlike the stock store this includes uploads whose bytes all
   * arrived but which were never finished: nothing recorded them, and past
   * expiry tus answers 410 for them anyway. Returns how many were destroyed.
   */
  override async deleteExpired(): Promise<number> {
    if (this.expirationMs <= 0) return 0;
    const now = Date.now();
    let deleted = 0;
    for (const id of await this.blobs.list()) {
      try {
        const [bytes, stat] = await Promise.all([this.blobs.readInfo(id), this.blobs.stat(id)]);
        if (!bytes || !stat || stat.finished) continue;
        if (now > new Date(decodeInfo(bytes).creationDate).getTime() + this.expirationMs) {
          await this.blobs.destroy(id);
          deleted += 1;
        }
      } catch (error) {
        // Removed meanwhile (a DELETE or the document worker): nothing left to expire.
        if (!(error instanceof BlobNotFoundError)) throw error;
      }
    }
    return deleted;
  }

  /** The expiration period in milliseconds (0: uploads do not expire). */
  override getExpiration(): number {
    return this.expirationMs;
  }

  /**
   * Seals a complete upload and returns its size and SHA-256 (for
   * `onUploadFinish`). Refuses while bytes are missing or the length is unknown.
   */
  async finish(id: string): Promise<BlobDigest> {
    const upload = await this.getUpload(id);
    if (upload.size === undefined || upload.offset !== upload.size) throw new BlobStoreError('upload is not complete');
    return this.blobs.finish(id);
  }
}
