import type { FileHandle } from 'node:fs/promises';
import { BlobIntegrityError } from './blob-store.ts';
import { readAt, readSmallFile } from './blob-files.ts';
import {
  HEADER_SIZE,
  RECORD_OVERHEAD,
  RecordCodec,
  diskRecordSize,
  openTail,
  parseHeader,
  recordPosition,
  type BlobHeader,
} from './record-format.ts';

/**
 * What a blob holds, worked out from its files alone — which is all there is
 * after a crash. Reading the state never changes a file: cutting a torn
 * record is the appender's job, so a read or a HEAD cannot destroy anything.
 */
export interface BlobState {
  header: BlobHeader;
  codec: RecordCodec;
  /** Bytes in the blob file, torn writes included. */
  fileSize: number;
  /** Full records, the last of which authenticates. */
  fullRecords: number;
  /** Where the valid content of the blob file ends; bytes past it are a torn write. */
  validEnd: number;
  /** Sealed by a final record. */
  finished: boolean;
  /** Plaintext past the last full record, from a valid tail file (unfinished blobs only). */
  tail: Buffer | null;
  /** Committed plaintext bytes. */
  size: number;
}

/**
 * Loads the state of the blob open in `handle`.
 *
 * Finished: the bytes after the last whole record authenticate as the final
 * record. Otherwise the last full records are checked from the end and any
 * that do not authenticate are not counted: they were torn, or written but
 * never flushed before a power loss (the file system may then show zeros),
 * and were never acknowledged. A tail counts only if it is the record right
 * after the full ones; an older one is stale (its bytes are in a record now).
 */
export async function loadState(handle: FileHandle, id: string, masterKey: Buffer, tailFile: string): Promise<BlobState> {
  const headerBytes = await readAt(handle, HEADER_SIZE, 0);
  // The header is written before the blob file gets its name, so a short one is damage, not a crash.
  if (headerBytes.length < HEADER_SIZE) throw new BlobIntegrityError('blob header is incomplete');
  const header = parseHeader(id, masterKey, headerBytes);
  const codec = new RecordCodec(id, header.keys.record);
  const { recordSize } = header;
  const { size: fileSize } = await handle.stat();
  const stride = diskRecordSize(recordSize);
  let fullRecords = Math.floor((fileSize - HEADER_SIZE) / stride);
  const rest = (fileSize - HEADER_SIZE) % stride;

  if (rest >= RECORD_OVERHEAD) {
    const last = await readAt(handle, rest, recordPosition(recordSize, fullRecords));
    const final = codec.open(last, fullRecords, true);
    if (final) {
      return { header, codec, fileSize, fullRecords, validEnd: fileSize, finished: true, tail: null, size: fullRecords * recordSize + final.length };
    }
  }

  const scratch = Buffer.allocUnsafe(stride);
  while (fullRecords > 0) {
    const sealed = await readAt(handle, stride, recordPosition(recordSize, fullRecords - 1), scratch);
    if (codec.open(sealed, fullRecords - 1, false)) break;
    fullRecords -= 1;
  }

  let tail: Buffer | null = null;
  const tailBytes = await readSmallFile(tailFile);
  const opened = tailBytes ? openTail(id, header.keys, tailBytes) : null;
  if (opened && opened.index === fullRecords && opened.plaintext.length > 0 && opened.plaintext.length < recordSize) {
    tail = opened.plaintext;
  }
  return {
    header,
    codec,
    fileSize,
    fullRecords,
    validEnd: recordPosition(recordSize, fullRecords),
    finished: false,
    tail,
    size: fullRecords * recordSize + (tail?.length ?? 0),
  };
}
