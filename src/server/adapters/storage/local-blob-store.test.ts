import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobExistsError, BlobIntegrityError, BlobNotFoundError, BlobOffsetError, BlobRangeError, BlobSealedError, type BlobStore } from './blob-store.ts';
import { localBlobStore } from './local-blob-store.ts';
import { DEFAULT_RECORD_SIZE } from './record-format.ts';

const R = DEFAULT_RECORD_SIZE;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** A source that delivers `bytes` in chunks of the given sizes (cycled). */
function chunked(bytes: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks, { objectMode: false });
}

describe('local blob store', () => {
  let dir: string;
  let key: Buffer;
  let store: BlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-blobs-'));
    key = randomBytes(32);
    store = localBlobStore(dir, key);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // 17 MiB: past the point where an append starts flushing early.
  it.each([0, 1, R - 1, R, R + 1, 2 * R, 17 * 1024 * 1024 + 7])('round-trips %i bytes with their SHA-256, whole and in ranges', async (size) => {
    const data = randomBytes(size);
    await store.create('roundtrip');
    expect(await store.append('roundtrip', 0, chunked(data, [65536, 1000, 3]))).toBe(size);
    expect(await store.stat('roundtrip')).toEqual({ size, finished: false });
    expect(await store.finish('roundtrip')).toEqual({ size, sha256: sha256(data) });
    expect(await store.stat('roundtrip')).toEqual({ size, finished: true });

    expect((await readAll(store.read('roundtrip'))).equals(data)).toBe(true);
    for (let i = 0; i < 40 && size > 0; i += 1) {
      const a = Math.floor(Math.random() * size);
      const b = Math.floor(Math.random() * size);
      const range = { start: Math.min(a, b), end: Math.max(a, b) };
      expect((await readAll(store.read('roundtrip', range))).equals(data.subarray(range.start, range.end + 1))).toBe(true);
    }
    expect((await store.head('roundtrip', 4100)).equals(data.subarray(0, 4100))).toBe(true);
    expect((await store.tail('roundtrip', 1024)).equals(data.subarray(Math.max(0, size - 1024)))).toBe(true);
    // Finishing again gives the same answer (recomputed from the records).
    expect(await store.finish('roundtrip')).toEqual({ size, sha256: sha256(data) });
  });

  it('reads a range across record boundaries and refuses one outside the blob', async () => {
    const data = randomBytes(3 * R + 10);
    await store.create('ranges');
    await store.append('ranges', 0, Readable.from([data]));
    await store.finish('ranges');
    const range = { start: R - 5, end: 2 * R + 5 };
    expect((await readAll(store.read('ranges', range))).equals(data.subarray(R - 5, 2 * R + 6))).toBe(true);
    await expect(readAll(store.read('ranges', { start: 0, end: data.length }))).rejects.toBeInstanceOf(BlobRangeError);
    await expect(readAll(store.read('ranges', { start: 10, end: 5 }))).rejects.toBeInstanceOf(BlobRangeError);
  });

  it('resumes across restarts in pieces of any size, 1 byte included, and hashes what it did not see', async () => {
    const small = { recordSize: 1024 };
    const data = randomBytes(20_000);
    let current = localBlobStore(dir, key, small);
    await current.create('resume');
    const pieces = [1, 1, 1023, 1, 1024, 2047, 1, 5000, 3, 4000, 999];
    let offset = 0;
    for (const [i, piece] of pieces.entries()) {
      if (i % 3 === 0) current = localBlobStore(dir, key, small); // a restart between some appends
      offset = await current.append('resume', offset, chunked(data.subarray(offset, offset + piece), [1, 7, 300]));
      expect((await localBlobStore(dir, key).stat('resume'))?.size).toBe(offset);
    }
    offset = await current.append('resume', offset, Readable.from([data.subarray(offset)]));
    expect(offset).toBe(data.length);
    const restarted = localBlobStore(dir, key);
    expect(await restarted.finish('resume')).toEqual({ size: data.length, sha256: sha256(data) });
    expect((await readAll(restarted.read('resume'))).equals(data)).toBe(true);
  });

  it('keeps a running hash across appends in one process', async () => {
    const data = randomBytes(3 * R + 123);
    await store.create('running');
    let offset = 0;
    for (const piece of [R + 1, 17, R, data.length]) {
      offset = await store.append('running', offset, Readable.from([data.subarray(offset, offset + piece)]));
    }
    expect(await store.finish('running')).toEqual({ size: data.length, sha256: sha256(data) });
  });

  it('refuses an append at the wrong offset, after finishing, or to a missing blob', async () => {
    await store.create('offsets');
    await store.append('offsets', 0, Readable.from([Buffer.from('hello')]));
    const wrong = await store.append('offsets', 3, Readable.from([Buffer.from('x')])).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(BlobOffsetError);
    expect(wrong).toMatchObject({ expected: 5, given: 3 });
    await store.finish('offsets');
    await expect(store.append('offsets', 5, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(BlobSealedError);
    await expect(store.append('missing', 0, Readable.from([]))).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.create('offsets')).rejects.toBeInstanceOf(BlobExistsError);
    await expect(store.create('../escape')).rejects.toThrow('invalid blob id');
    expect(await store.stat('missing')).toBeNull();
    expect(await store.stat('../escape')).toBeNull();
  });

  it('does not read a blob that is not finished', async () => {
    await store.create('unfinished');
    await store.append('unfinished', 0, Readable.from([randomBytes(R + 10)]));
    await expect(readAll(store.read('unfinished'))).rejects.toBeInstanceOf(BlobIntegrityError);
  });

  it('keeps the encrypted info, replaces it atomically and lists blobs', async () => {
    await store.create('withinfo', Buffer.from('{"name":"a.pdf"}'));
    await store.create('noinfo');
    expect((await store.readInfo('withinfo'))?.toString()).toBe('{"name":"a.pdf"}');
    expect(await store.readInfo('noinfo')).toBeNull();
    await store.writeInfo('withinfo', Buffer.from('{"name":"b.pdf"}'));
    expect((await localBlobStore(dir, key).readInfo('withinfo'))?.toString()).toBe('{"name":"b.pdf"}');
    expect((await store.list()).sort()).toEqual(['noinfo', 'withinfo']);
  });

  it('destroys every file of a blob, and destroying again is harmless', async () => {
    await store.create('shred', Buffer.from('info'));
    await store.append('shred', 0, Readable.from([randomBytes(R + 10)])); // leaves a tail file
    await store.destroy('shred');
    await store.destroy('shred');
    await store.destroy('neverexisted');
    const shard = path.join(dir, 'sh');
    expect(await readdir(shard)).toEqual([]);
    expect(await store.stat('shred')).toBeNull();
    await expect(readAll(store.read('shred'))).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.readInfo('shred')).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.list()).toEqual([]);
  });

  it('stores new blobs with the configured record size and reads old ones with theirs', async () => {
    const data = randomBytes(10_000);
    const small = localBlobStore(dir, key, { recordSize: 100 });
    await small.create('small');
    await small.append('small', 0, Readable.from([data]));
    await small.finish('small');
    // 100 records of 100 + 28 bytes plus the empty final record (28) after a 128-byte header.
    expect((await stat(path.join(dir, 'sm', 'small.blob'))).size).toBe(128 + 100 * 128 + 28);
    expect((await readAll(store.read('small'))).equals(data)).toBe(true);
  });
});
