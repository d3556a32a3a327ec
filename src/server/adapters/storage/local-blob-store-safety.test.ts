import { createHash, randomBytes } from 'node:crypto';
import { appendFile, copyFile, mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobIntegrityError, BlobInterruptedError, type BlobStore } from './blob-store.ts';
import { localBlobStore } from './local-blob-store.ts';

// Small records make every case (full records, a tail, a torn record) cheap to build by hand.
const R = 1024;
const STRIDE = R + 28;
const HEADER = 128;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Delivers `chunks`, then fails like a connection reset mid-body. */
function failingAfter(chunks: Buffer[]): Readable {
  const queue = [...chunks];
  return new Readable({
    read() {
      const next = queue.shift();
      if (next) this.push(next);
      else this.destroy(new Error('connection reset'));
    },
  });
}

async function flipByte(file: string, position: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, position);
    byte[0] = (byte[0] ?? 0) ^ 0x40;
    await handle.write(byte, 0, 1, position);
  } finally {
    await handle.close();
  }
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('local blob store: crashes, tampering and what reaches the disk', () => {
  let dir: string;
  let key: Buffer;
  let store: BlobStore;
  const restart = () => localBlobStore(dir, key, { recordSize: R });
  const blobFile = (id: string) => path.join(dir, id.slice(0, 2), `${id}.blob`);
  const tailFile = (id: string) => path.join(dir, id.slice(0, 2), `${id}.tail`);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-blobs-'));
    key = randomBytes(32);
    store = restart();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function finishedBlob(id: string, size: number): Promise<Buffer> {
    const data = randomBytes(size);
    await store.create(id);
    await store.append(id, 0, Readable.from([data]));
    await store.finish(id);
    return data;
  }

  describe('crashes', () => {
    it('commits what a failing source delivered, and the upload resumes from there', async () => {
      const data = randomBytes(5000);
      await store.create('broken');
      const error = await store
        .append('broken', 0, failingAfter([data.subarray(0, 1500), data.subarray(1500, 2100)]))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobInterruptedError);
      expect(error).toMatchObject({ committed: 2100 });
      expect((error as Error).cause).toMatchObject({ message: 'connection reset' });
      expect((await restart().stat('broken'))?.size).toBe(2100);
      // A source that fails before its first byte changes nothing.
      await expect(restart().append('broken', 2100, failingAfter([]))).rejects.toMatchObject({ committed: 2100 });

      const resumed = restart();
      expect(await resumed.append('broken', 2100, Readable.from([data.subarray(2100)]))).toBe(5000);
      expect(await resumed.finish('broken')).toEqual({ size: 5000, sha256: sha256(data) });
    });

    it('ignores and then cuts a torn record, or a whole record never flushed before a power loss', async () => {
      const data = randomBytes(6000);
      await store.create('torn');
      await store.append('torn', 0, Readable.from([data.subarray(0, 2500)])); // 2 records + a 452-byte tail
      const before = (await stat(blobFile('torn'))).size;
      await appendFile(blobFile('torn'), randomBytes(700)); // a record cut short by the crash
      expect(await restart().stat('torn')).toEqual({ size: 2500, finished: false });
      await appendFile(blobFile('torn'), Buffer.alloc(2 * STRIDE - 700)); // two more "records" the disk shows as zeros
      expect(await restart().stat('torn')).toEqual({ size: 2500, finished: false });

      const resumed = restart();
      expect(await resumed.append('torn', 2500, Readable.from([data.subarray(2500)]))).toBe(6000);
      expect((await stat(blobFile('torn'))).size).toBe(before + 3 * STRIDE); // records 2, 3 and 4 replaced the junk
      expect(await resumed.finish('torn')).toEqual({ size: 6000, sha256: sha256(data) });
      expect((await readAll(resumed.read('torn'))).equals(data)).toBe(true);
    });

    it('ignores a stale tail (its bytes are in a record already) and one from another blob', async () => {
      const data = randomBytes(3000);
      await store.create('stale');
      await store.append('stale', 0, Readable.from([data.subarray(0, 1500)])); // record 0 + tail for record 1
      const oldTail = path.join(dir, 'old.tail');
      await copyFile(tailFile('stale'), oldTail);
      await store.append('stale', 1500, Readable.from([data.subarray(1500, 2048)])); // records 0, 1; no tail
      await expect(stat(tailFile('stale'))).rejects.toMatchObject({ code: 'ENOENT' });
      // As if the crash came after the records were flushed but before the old tail was replaced.
      await copyFile(oldTail, tailFile('stale'));
      expect((await restart().stat('stale'))?.size).toBe(2048);

      await store.create('other');
      await store.append('other', 0, Readable.from([randomBytes(100)]));
      await copyFile(tailFile('other'), tailFile('stale'));
      expect((await restart().stat('stale'))?.size).toBe(2048);
      await rm(tailFile('stale'));

      const resumed = restart();
      await resumed.append('stale', 2048, Readable.from([data.subarray(2048)]));
      expect(await resumed.finish('stale')).toEqual({ size: 3000, sha256: sha256(data) });
    });

    it('survives a crash inside finish and ignores leftover temporary files', async () => {
      const data = randomBytes(2500);
      await store.create('finishing');
      await store.append('finishing', 0, Readable.from([data]));
      const oldTail = path.join(dir, 'old.tail');
      await copyFile(tailFile('finishing'), oldTail);
      await writeFile(`${tailFile('finishing')}.tmp`, randomBytes(300)); // a rewrite cut short
      expect((await restart().stat('finishing'))?.size).toBe(2500);
      await store.finish('finishing');
      await copyFile(oldTail, tailFile('finishing')); // the tail's removal did not reach the disk
      const after = restart();
      expect(await after.stat('finishing')).toEqual({ size: 2500, finished: true });
      expect(await after.finish('finishing')).toEqual({ size: 2500, sha256: sha256(data) });
      expect((await readAll(after.read('finishing'))).equals(data)).toBe(true);
    });
  });

  it('writes no plaintext byte to disk: finished, unfinished, interrupted, info and temporary files', async () => {
    const marker = Buffer.from('FINESTRETA-PLAINTEXT-MARKER-93c1f0');
    const content = Buffer.concat(Array.from({ length: 200 }, () => marker)); // 6.8 records of markers
    await store.create('finished', marker);
    await store.append('finished', 0, Readable.from([content]));
    await store.finish('finished');
    await store.create('partial', marker);
    await store.append('partial', 0, Readable.from([content.subarray(0, 2 * R + 700)])); // full records and a tail
    await store.create('broken');
    await store.append('broken', 0, failingAfter([content.subarray(0, R + 300)])).catch(() => undefined);
    await store.writeInfo('broken', Buffer.concat([marker, marker]));

    const files = await filesUnder(dir);
    expect(files.map((f) => path.extname(f)).sort()).toEqual(['.blob', '.blob', '.blob', '.info', '.info', '.info', '.tail', '.tail']);
    const needles = [marker, Buffer.from(marker.toString('hex')), Buffer.from(marker.toString('base64').slice(0, 40)), marker.subarray(0, 12)];
    for (const file of files) {
      const raw = await readFile(file);
      for (const needle of needles) expect(raw.indexOf(needle), `${path.basename(file)} contains plaintext`).toBe(-1);
    }
    // The plaintext is there all the same, for the key holder.
    expect((await readAll(store.read('finished'))).equals(content)).toBe(true);
  });

  describe('tampering', () => {
    it('fails a read over an altered record, but not one that skips it', async () => {
      const data = await finishedBlob('flip', 4 * R + 100);
      await flipByte(blobFile('flip'), HEADER + 2 * STRIDE + 500);
      await expect(readAll(store.read('flip'))).rejects.toBeInstanceOf(BlobIntegrityError);
      await expect(readAll(store.read('flip', { start: 2 * R, end: 2 * R }))).rejects.toBeInstanceOf(BlobIntegrityError);
      expect((await readAll(store.read('flip', { start: 0, end: 2 * R - 1 }))).equals(data.subarray(0, 2 * R))).toBe(true);
    });

    it('fails a read of a blob whose final record was altered or cut off', async () => {
      await finishedBlob('final', 2 * R + 100);
      await flipByte(blobFile('final'), HEADER + 2 * STRIDE + 20);
      await expect(readAll(store.read('final'))).rejects.toBeInstanceOf(BlobIntegrityError);

      await finishedBlob('cut', 3 * R);
      await truncate(blobFile('cut'), HEADER + 3 * STRIDE); // the empty final record removed
      await expect(readAll(store.read('cut'))).rejects.toBeInstanceOf(BlobIntegrityError);
      await truncate(blobFile('cut'), HEADER + 2 * STRIDE); // and a whole record more
      await expect(readAll(store.read('cut'))).rejects.toBeInstanceOf(BlobIntegrityError);
    });

    it('fails a read of swapped records', async () => {
      await finishedBlob('swap', 3 * R);
      const raw = await readFile(blobFile('swap'));
      const first = Buffer.from(raw.subarray(HEADER, HEADER + STRIDE));
      raw.copy(raw, HEADER, HEADER + STRIDE, HEADER + 2 * STRIDE);
      first.copy(raw, HEADER + STRIDE);
      await writeFile(blobFile('swap'), raw);
      await expect(readAll(store.read('swap'))).rejects.toBeInstanceOf(BlobIntegrityError);
    });

    it('opens nothing with another master key, an altered header or a blob renamed to another id', async () => {
      await finishedBlob('keyed', 1000);
      const stranger = localBlobStore(dir, randomBytes(32));
      await expect(stranger.stat('keyed')).rejects.toBeInstanceOf(BlobIntegrityError);
      await expect(readAll(stranger.read('keyed'))).rejects.toBeInstanceOf(BlobIntegrityError);

      await copyFile(blobFile('keyed'), blobFile('kemoved'));
      await expect(readAll(store.read('kemoved'))).rejects.toBeInstanceOf(BlobIntegrityError);

      await flipByte(blobFile('keyed'), 12); // the record size, bound into the key's wrapping
      await expect(store.stat('keyed')).rejects.toBeInstanceOf(BlobIntegrityError);
    });

    it('refuses altered info', async () => {
      await store.create('info', Buffer.from('{"filename":"passport.pdf"}'));
      await flipByte(path.join(dir, 'in', 'info.info'), 30);
      await expect(store.readInfo('info')).rejects.toBeInstanceOf(BlobIntegrityError);
    });
  });
});
