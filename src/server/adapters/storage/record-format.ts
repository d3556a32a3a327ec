import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';
import { BlobIntegrityError } from './blob-store.ts';

/**
 * The bytes of the local blob store, and nothing else: how a header, a
 * record, a tail and an info attachment are laid out and sealed. All of them
 * use AES-256-GCM (NIST SP 800-38D) with 96-bit random nonces and 128-bit tags.
 *
 * Blob file: HEADER_SIZE bytes of header, then records. Every record but the
 * last holds exactly `recordSize` plaintext bytes; the last one, written by
 * `finish`, holds 0…recordSize-1 bytes and is sealed with the final flag. On
 * disk a record is nonce(12) ‖ ciphertext ‖ tag(16), so a full record takes
 * `recordSize + RECORD_OVERHEAD` bytes and a final one strictly less, which
 * is how a finished blob is told from one still growing.
 */

/** Bytes before the first record. */
export const HEADER_SIZE = 128;
/** Nonce and tag stored with each record. */
export const RECORD_OVERHEAD = 12 + 16;
/**
 * Plaintext bytes per record unless configured: big enough that per-record
 * costs (a message to the crypto thread, a cipher, a write) vanish beside
 * the hashing and encryption, small enough for ranged reads and for the tail
 * rewritten at the end of a request. (Blobs written with 256 KiB records
 * before keep them: the size is in each header.)
 */
export const DEFAULT_RECORD_SIZE = 1024 * 1024;
/** Bounds of a configurable record size (memory is a few records per append). */
export const RECORD_SIZE_LIMITS = { min: 16, max: 16 * 1024 * 1024 } as const;

const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const KEY_SIZE = 32;
const VERSION = 1;
const BLOB_MAGIC = Buffer.from('FNSTBLOB', 'latin1');
const TAIL_MAGIC = Buffer.from('FNSTTAIL', 'latin1');
const INFO_MAGIC = Buffer.from('FNSTINFO', 'latin1');
// Header: magic(8) version(1) zero(3) recordSize(4) | wrap nonce(12) wrapped key(32) tag(16) | zero padding.
const HEADER_FIXED = 16;
const WRAP_AT = HEADER_FIXED;
// Tail file: magic(8) version(1) zero(3) record index(8) | nonce(12) ciphertext tag(16).
const TAIL_FIXED = 20;
// Info file: magic(8) version(1) zero(3) | nonce(12) ciphertext tag(16).
const INFO_FIXED = 12;

/** Most bytes `RecordCodec.sealingOf` needs per record: a nonce and an AAD with the longest blob id. */
export const SEALING_BYTES_MAX = 256;

// Random bytes drawn from the CSPRNG 4 KiB at a time: one call per ~340 record nonces rather than one each.
const randomPool = { bytes: Buffer.alloc(0), used: 0 };

/** Fills `into` with fresh random bytes, each handed out once. */
function randomNonces(into: Buffer): void {
  for (let at = 0; at < into.length; ) {
    if (randomPool.used === randomPool.bytes.length) {
      randomPool.bytes = randomFillSync(Buffer.allocUnsafeSlow(4096));
      randomPool.used = 0;
    }
    const copied = randomPool.bytes.copy(into, at, randomPool.used, Math.min(randomPool.bytes.length, randomPool.used + into.length - at));
    randomPool.used += copied;
    at += copied;
  }
}

/** Keys of one blob, derived from its data key so no key serves two purposes. */
export interface BlobKeys {
  record: Buffer;
  tail: Buffer;
  info: Buffer;
}

/** What a header says once its data key is unwrapped. */
export interface BlobHeader {
  recordSize: number;
  keys: BlobKeys;
}

/** Bytes a full record takes on disk. */
export function diskRecordSize(recordSize: number): number {
  return recordSize + RECORD_OVERHEAD;
}

/** File position of record `index`. */
export function recordPosition(recordSize: number, index: number): number {
  return HEADER_SIZE + index * diskRecordSize(recordSize);
}

function deriveKeys(dataKey: Buffer): BlobKeys {
  // RFC 5869 HKDF: one subkey per use, so the tail's and info's random nonces never share a key with records.
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `finestreta/blob/${label}`, KEY_SIZE));
  return { record: derive('record'), tail: derive('tail'), info: derive('info') };
}

/** Label, fixed-width fields, then the blob id: unambiguous without length prefixes. */
function aad(label: string, fields: Buffer, id: string): Buffer {
  return Buffer.concat([Buffer.from(`finestreta/${label}/v${VERSION}\0`, 'latin1'), fields, Buffer.from(id, 'utf8')]);
}

function seal(key: Buffer, additional: Buffer, plaintext: Buffer): Buffer[] {
  const nonce = randomBytes(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_SIZE });
  cipher.setAAD(additional);
  const body = cipher.update(plaintext);
  cipher.final(); // GCM produces no bytes here; it computes the tag.
  return [nonce, body, cipher.getAuthTag()];
}

/** nonce ‖ ciphertext ‖ tag → plaintext, or null if it does not authenticate. */
function open(key: Buffer, additional: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < RECORD_OVERHEAD) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_SIZE), { authTagLength: TAG_SIZE });
  decipher.setAAD(additional);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const plaintext = decipher.update(sealed.subarray(NONCE_SIZE, sealed.length - TAG_SIZE));
  try {
    decipher.final();
  } catch {
    return null;
  }
  return plaintext;
}

function fixedFields(magic: Buffer, size: number): Buffer {
  const fields = Buffer.alloc(size);
  magic.copy(fields, 0);
  fields.writeUInt8(VERSION, 8);
  return fields;
}

/** A record index as 8 bytes: 2 zero bytes then 48 bits, far more than any blob needs. */
function writeIndex(target: Buffer, at: number, index: number): void {
  target.writeUInt16BE(0, at);
  target.writeUIntBE(index, at + 2, 6);
}

/** A new header for blob `id` with a fresh random 256-bit data key wrapped by the master key. */
export function newHeader(id: string, masterKey: Buffer, recordSize: number): { bytes: Buffer; header: BlobHeader } {
  const bytes = Buffer.alloc(HEADER_SIZE);
  fixedFields(BLOB_MAGIC, HEADER_FIXED).copy(bytes, 0);
  bytes.writeUInt32BE(recordSize, 12);
  const dataKey = randomBytes(KEY_SIZE);
  // The wrap's AAD binds the blob id and the header's fields: a header copied onto another blob does not open.
  Buffer.concat(seal(masterKey, aad('blob-key', bytes.subarray(0, HEADER_FIXED), id), dataKey)).copy(bytes, WRAP_AT);
  return { bytes, header: { recordSize, keys: deriveKeys(dataKey) } };
}

/** Checks a header and unwraps its data key; `BlobIntegrityError` if it was altered or the master key is wrong. */
export function parseHeader(id: string, masterKey: Buffer, bytes: Buffer): BlobHeader {
  if (bytes.length < HEADER_SIZE || !bytes.subarray(0, 8).equals(BLOB_MAGIC) || bytes.readUInt8(8) !== VERSION) {
    throw new BlobIntegrityError('not a blob header of a known version');
  }
  const recordSize = bytes.readUInt32BE(12);
  const wrapped = bytes.subarray(WRAP_AT, WRAP_AT + RECORD_OVERHEAD + KEY_SIZE);
  const dataKey = open(masterKey, aad('blob-key', bytes.subarray(0, HEADER_FIXED), id), wrapped);
  if (!dataKey || recordSize < RECORD_SIZE_LIMITS.min || recordSize > RECORD_SIZE_LIMITS.max) {
    throw new BlobIntegrityError('blob key does not open: altered header or another master key');
  }
  return { recordSize, keys: deriveKeys(dataKey) };
}

/**
 * Seals records of one blob. The AAD binds blob id, index and final flag, so
 * records cannot be moved, swapped, dropped from the end or replayed from
 * another blob. The nonce is random rather than derived from the index: an
 * index can legitimately be written twice (a torn or unsynced record is
 * rewritten after a crash, maybe with other bytes), and GCM must never see a
 * nonce twice under one key. 2^32 random nonces per key is SP 800-38D's bound;
 * a 4 GiB blob has 2^14 records.
 */
export class RecordCodec {
  private readonly fields = Buffer.alloc(9);
  private readonly prefix: Buffer;
  private readonly id: Buffer;

  constructor(
    id: string,
    private readonly key: Buffer,
  ) {
    this.prefix = Buffer.from(`finestreta/blob-record/v${VERSION}\0`, 'latin1');
    this.id = Buffer.from(id, 'utf8');
  }

  private aad(index: number, final: boolean): Buffer {
    writeIndex(this.fields, 0, index);
    this.fields.writeUInt8(final ? 1 : 0, 8);
    return Buffer.concat([this.prefix, this.fields, this.id]);
  }

  /**
   * What sealing records `index`…`index + count - 1` (none final) takes
   * besides their plaintext and the key, for a sealer in another thread: a
   * fresh random nonce for each record, then the AAD of each, back to back.
   */
  sealingOf(index: number, count: number): Buffer {
    const aadSize = this.prefix.length + this.fields.length + this.id.length;
    const params = Buffer.allocUnsafe((NONCE_SIZE + aadSize) * count);
    randomNonces(params.subarray(0, NONCE_SIZE * count));
    for (let i = 0; i < count; i += 1) this.aad(index + i, false).copy(params, NONCE_SIZE * count + i * aadSize);
    return params;
  }

  /** The key records are sealed with, for a sealer in another thread. */
  get sealingKey(): Buffer {
    return this.key;
  }

  /** nonce, ciphertext and tag of one record, ready for a single `writev`. */
  seal(plaintext: Buffer, index: number, final: boolean): Buffer[] {
    return seal(this.key, this.aad(index, final), plaintext);
  }

  /** The plaintext of a record read from disk, or null if it does not authenticate as record `index` (with that final flag). */
  open(sealed: Buffer, index: number, final: boolean): Buffer | null {
    return open(this.key, this.aad(index, final), sealed);
  }
}

/**
 * The tail file holds the plaintext past the last full record while an
 * upload is unfinished, sealed under its own subkey with a fresh random nonce
 * each time it is rewritten. Its record index says which record it would
 * become; once that record exists the tail is stale.
 */
export function sealTail(id: string, keys: BlobKeys, index: number, plaintext: Buffer): Buffer[] {
  const fields = fixedFields(TAIL_MAGIC, TAIL_FIXED);
  writeIndex(fields, 12, index);
  return [fields, ...seal(keys.tail, aad('blob-tail', fields, id), plaintext)];
}

/** Opens a tail file; null if it is malformed or does not authenticate (it is then ignored). */
export function openTail(id: string, keys: BlobKeys, bytes: Buffer): { index: number; plaintext: Buffer } | null {
  if (bytes.length < TAIL_FIXED + RECORD_OVERHEAD) return null;
  const fields = bytes.subarray(0, TAIL_FIXED);
  if (!fields.subarray(0, 8).equals(TAIL_MAGIC) || fields.readUInt8(8) !== VERSION || fields.readUInt16BE(12) !== 0) return null;
  const plaintext = open(keys.tail, aad('blob-tail', fields, id), bytes.subarray(TAIL_FIXED));
  return plaintext ? { index: fields.readUIntBE(14, 6), plaintext } : null;
}

/** Seals the blob's info attachment (personal data: file names) under its own subkey. */
export function sealInfo(id: string, keys: BlobKeys, plaintext: Uint8Array): Buffer[] {
  const fields = fixedFields(INFO_MAGIC, INFO_FIXED);
  return [fields, ...seal(keys.info, aad('blob-info', fields, id), Buffer.from(plaintext))];
}

/** Opens the info attachment; `BlobIntegrityError` if it was altered. */
export function openInfo(id: string, keys: BlobKeys, bytes: Buffer): Buffer {
  const fields = bytes.subarray(0, INFO_FIXED);
  const plaintext =
    fields.length === INFO_FIXED && fields.subarray(0, 8).equals(INFO_MAGIC) && fields.readUInt8(8) === VERSION
      ? open(keys.info, aad('blob-info', fields, id), bytes.subarray(INFO_FIXED))
      : null;
  if (!plaintext) throw new BlobIntegrityError('blob info does not authenticate');
  return plaintext;
}
