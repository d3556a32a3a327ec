import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OffThreadHash, recordSealer, type Ring } from './record-sealer.ts';

const SIZE = 1024;
const STRIDE = 12 + SIZE + 16;
const AAD = 5;

/** Nonces then AADs of `count` boxes, as a slot's parameters. */
function params(count: number, first: number): Buffer {
  const nonces = randomBytes(12 * count);
  const aads = Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.from(`aad${String(first + i).padStart(2, '0')}`)));
  return Buffer.concat([nonces, aads]);
}

/** What a box written by the crypto thread opens to, or null. */
function openBox(key: Buffer, box: Buffer, aad: string): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, 12), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(box.subarray(box.length - 16));
  const plaintext = decipher.update(box.subarray(12, box.length - 16));
  try {
    decipher.final();
    return plaintext;
  } catch {
    return null;
  }
}

describe('record sealer (the crypto thread)', () => {
  let dir: string;
  let ring: Ring;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-sealer-'));
    ring = recordSealer.takeRing(2, 2 * SIZE, 2 * (12 + AAD));
  });
  afterEach(async () => {
    recordSealer.giveBack(ring);
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes, seals and writes boxes in the order asked, each with its nonce and AAD', async () => {
    const key = randomBytes(32);
    const file = path.join(dir, 'out');
    const handle = await open(file, 'w+');
    const hash = recordSealer.startHash();
    const stream = recordSealer.beginStream({ ring, key, size: SIZE, hash, fd: handle.fd });
    const data = randomBytes(3 * SIZE);
    try {
      // Two jobs in flight at once: records 0-1 from slot 0, record 2 from slot 1.
      const jobs = [
        { slot: 0, first: 0, count: 2 },
        { slot: 1, first: 2, count: 1 },
      ].map(({ slot, first, count }) => {
        const { plaintext, params: slotParams } = ring.slots[slot] ?? { plaintext: Buffer.alloc(0), params: Buffer.alloc(0) };
        data.copy(plaintext, 0, first * SIZE, (first + count) * SIZE);
        const p = params(count, first);
        p.copy(slotParams);
        return recordSealer.seal({ stream, slot, count, paramsBytes: p.length, hashFrom: 0, position: first * STRIDE });
      });
      await Promise.all(jobs);
    } finally {
      recordSealer.endStream(stream);
      await handle.close();
    }
    expect(await recordSealer.digest(hash)).toBe(createHash('sha256').update(data).digest('hex'));
    const written = await readFile(file);
    expect(written.length).toBe(3 * STRIDE);
    for (let i = 0; i < 3; i += 1) {
      const box = written.subarray(i * STRIDE, (i + 1) * STRIDE);
      expect(openBox(key, box, `aad${String(i).padStart(2, '0')}`)?.equals(data.subarray(i * SIZE, (i + 1) * SIZE))).toBe(true);
      expect(openBox(key, box, `aad${String(i + 1).padStart(2, '0')}`)).toBeNull();
    }
  });

  it('writes nothing more of a stream once one of its writes failed, and forgets its running hash', async () => {
    const key = randomBytes(32);
    const file = path.join(dir, 'out');
    const handle = await open(file, 'w+');
    const readOnly = await open(file, 'r');
    const hash = recordSealer.startHash();
    // Both jobs are in flight when the first write fails (the descriptor is read-only): the second must not be written.
    const failing = recordSealer.beginStream({ ring, key, size: SIZE, hash, fd: readOnly.fd });
    try {
      const p = params(1, 0);
      p.copy(ring.slots[0]?.params ?? Buffer.alloc(0));
      p.copy(ring.slots[1]?.params ?? Buffer.alloc(0));
      const first = recordSealer.seal({ stream: failing, slot: 0, count: 1, paramsBytes: p.length, hashFrom: 0, position: 0 });
      const second = recordSealer.seal({ stream: failing, slot: 1, count: 1, paramsBytes: p.length, hashFrom: 0, position: STRIDE });
      await expect(first).rejects.toThrow();
      await expect(second).rejects.toThrow(/earlier write/);
    } finally {
      recordSealer.endStream(failing);
      await readOnly.close();
      await handle.close();
    }
    expect((await readFile(file)).length).toBe(0);
    await expect(recordSealer.digest(hash)).rejects.toThrow();
  });
});

describe('off-thread hash (SHA-256 on the crypto thread through a ring)', () => {
  it('hashes chunks of any size, across and beyond slot boundaries, waiting for a slot when the ring is full', async () => {
    // 1 byte, a slot's worth and more, several slots at once: the ring (4 × 1 MiB) fills and is waited for.
    const sizes = [1, 1024 * 1024 - 1, 2, 3 * 1024 * 1024 + 5, 0, 17, 6 * 1024 * 1024, 1024 * 1024];
    const chunks = sizes.map((size) => randomBytes(size));
    const expected = createHash('sha256');
    for (const chunk of chunks) expected.update(chunk);
    const hash = new OffThreadHash();
    for (const chunk of chunks) {
      const wait = hash.update(chunk);
      if (wait) await wait;
      // What was fed is copied once `update` has returned and its promise, if any, resolved: the caller may reuse its buffer then.
      chunk.fill(0xaa);
    }
    expect(await hash.digest()).toBe(expected.digest('hex'));
  });

  it('equals node:crypto on the bytes fed, and gives its ring back for the next hash', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 123);
    for (let round = 0; round < 2; round += 1) {
      const hash = new OffThreadHash();
      for (let at = 0; at < data.length; at += 64 * 1024 + 7) {
        const wait = hash.update(data.subarray(at, at + 64 * 1024 + 7));
        if (wait) await wait;
      }
      expect(await hash.digest()).toBe(createHash('sha256').update(data).digest('hex'));
    }
    const empty = new OffThreadHash();
    expect(await empty.digest()).toBe(createHash('sha256').digest('hex'));
  });

  it('refuses bytes after it was aborted or digested', async () => {
    const aborted = new OffThreadHash();
    expect(aborted.update(Buffer.from('abc'))).toBeUndefined();
    aborted.abort();
    expect(() => aborted.update(Buffer.from('d'))).toThrow(/closed/);
    const done = new OffThreadHash();
    await done.digest();
    expect(() => done.update(Buffer.from('d'))).toThrow(/closed/);
    await expect(done.digest()).rejects.toThrow(/closed/);
  });
});
