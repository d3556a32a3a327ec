// @ts-check
/**
 * The crypto thread of the blob store (started by `record-sealer.ts`): it
 * hashes and seals the records of uploads and has them written, in order, by
 * the thread pool, so that the main thread only moves bytes from the socket
 * into shared memory. It knows nothing of the blob format: the main thread
 * sends the key, each box's nonce and additional data, and where in which
 * file the boxes go; each box is written as `nonce ‖ AES-256-GCM ciphertext ‖
 * 16-byte tag`, the layout `record-format.ts` reads.
 *
 * Plaintext arrives in rings of shared memory that the main thread allocates
 * once and reuses, and ciphertext goes from here straight to the file:
 * moving buffers between the threads by transfer instead would hand the main
 * thread's garbage collector a GB of foreign memory per GB uploaded, which it
 * answers with a full collection every few dozen MB.
 *
 * Plain JavaScript on purpose: Node 20 does not pass the tsx loader on to a
 * worker, and loading it in here would cost every server process a second
 * TypeScript loader. The file is small, and every test of the store runs
 * through it.
 *
 * Messages are handled in the order they were sent, and the writes of a
 * stream one after the other in that order; ids are the sender's.
 *   attach {ring, memory, stride, plaintextBytes}
 *          a ring: a SharedArrayBuffer (shared, not copied) of slots of
 *          `stride` bytes, each plaintext then sealing parameters
 *   detach {ring}
 *   start  {hash}              a new running SHA-256
 *   begin  {stream, ring, key, size, hash, fd}
 *          a stream of jobs sealing boxes of `size` bytes from `ring` with
 *          `key` into file descriptor `fd`, feeding running hash `hash` (0: none)
 *   seal   {job, stream, slot, count, paramsBytes, hashFrom, position}
 *          hashes the slot's plaintext[hashFrom, size·count), seals `count`
 *          boxes of it with the nonces, then AADs (all of one length), in the
 *          first `paramsBytes` of the slot's parameters, and writes them back
 *          to back at `position` → {job} once written. Once a job of a stream
 *          has failed, its later jobs fail without writing: a record after a
 *          missing one would pass for a committed prefix.
 *   end    {stream}            the stream's jobs are all answered
 *   hash   {hash, bytes}       feeds a running hash
 *   hashSlot {job, ring, slot, length, hash}
 *          feeds a running hash with the first `length` bytes of a ring's
 *          slot (its plaintext part) → {job} once they are hashed, and the
 *          slot may be filled again
 *   digest {job, hash}         → {job, digest}: its hex SHA-256; forgets it
 *   drop   {hash}              forgets a running hash
 * A job that fails is answered {job, error}, and the running hash it fed is
 * forgotten (later `hash` messages for it are ignored, `digest` fails): a hash
 * that missed bytes is never digested.
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createHash } from 'node:crypto';
import { writev } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';

const NONCE_SIZE = 12;
const TAG_SIZE = 16;

/**
 * Minor collections paced by the bytes written, as the main thread paces its
 * own by the bytes received (gc-pacer.ts): each record's ciphertext is a new
 * buffer (node:crypto cannot encrypt into one given to it) outside V8's heap,
 * garbage once written, and left alone V8 lets some 30 MB of them pile up
 * before this thread's young generation, which fills slowly, is collected. One
 * scavenge every few MiB costs a fraction of a millisecond here (this thread
 * keeps almost nothing alive) and keeps the pile at a few MiB.
 *
 * The pace must stay longer than a record's life: a buffer that lives through
 * two scavenges is promoted to the old generation, which only a full
 * collection frees, and paced every 2 MiB the ciphertexts piled up there
 * (+60 MB over a 1 GiB upload). A stream has at most its ring's other slots in
 * flight (record-stream.ts: 3 of 1 MiB), so PACE_BYTES per open stream.
 */
const PACE_BYTES = 4 * 1024 * 1024;
/** @type {((options: { type: 'minor' }) => void) | null} */
const collect = (() => {
  try {
    setFlagsFromString('--expose-gc');
    /** @type {unknown} */
    const gc = runInNewContext('gc');
    return typeof gc === 'function' ? /** @type {(options: { type: 'minor' }) => void} */ (gc) : null;
  } catch {
    return null;
  }
})();
let written = 0;

/**
 * What the pacing frees must stay with the process for the next records, not
 * go back to the system to be faulted in again page by page. glibc returns
 * the free memory at the top of a heap once there is more of it than its trim
 * threshold: 128 KiB at first, then twice the largest block it has given back
 * with munmap, up to 64 MiB (mallopt(3), M_MMAP_THRESHOLD, "dynamic mmap
 * threshold"). Until the process has freed a block of a few MiB, each batch of
 * ciphertexts the pacing frees goes back: measured on bench/upload, ~125 000
 * page faults a GiB instead of ~4 000, and 2.5× the CPU time of this thread.
 * Freeing one block of DYNAMIC_THRESHOLD_BYTES at start (allocated, never
 * written, so never resident) raises the threshold to 16 MiB, above what the
 * pacing lets pile up; the thresholds are the process's, so the main thread's
 * pacing (gc-pacer.ts) keeps its memory too. Elsewhere than glibc this is one
 * allocation and one free.
 */
const DYNAMIC_THRESHOLD_BYTES = 8 * 1024 * 1024;
if (collect) {
  Buffer.allocUnsafeSlow(DYNAMIC_THRESHOLD_BYTES);
  collect({ type: 'minor' });
}

/** @param {number} bytes */
function paceGarbage(bytes) {
  written += bytes;
  if (written < PACE_BYTES * Math.max(1, streams.size)) return;
  written = 0;
  collect?.({ type: 'minor' });
}

/**
 * @typedef {{ op: 'attach', ring: number, memory: SharedArrayBuffer, stride: number, plaintextBytes: number }
 *   | { op: 'detach', ring: number }
 *   | { op: 'start', hash: number }
 *   | { op: 'begin', stream: number, ring: number, key: Uint8Array, size: number, hash: number, fd: number }
 *   | { op: 'seal', job: number, stream: number, slot: number, count: number, paramsBytes: number, hashFrom: number, position: number }
 *   | { op: 'end', stream: number }
 *   | { op: 'hash', hash: number, bytes: Uint8Array }
 *   | { op: 'hashSlot', job: number, ring: number, slot: number, length: number, hash: number }
 *   | { op: 'digest', job: number, hash: number }
 *   | { op: 'drop', hash: number }} Message
 * @typedef {Extract<Message, { op: 'seal' }>} SealMessage
 * @typedef {{ memory: Buffer, stride: number, plaintextBytes: number }} Ring
 * @typedef {{ ring: Ring, key: Uint8Array, size: number, hash: number, fd: number, failed: boolean, lastWrite: Promise<void> }} Stream
 */

/** @type {Map<number, Ring>} */
const rings = new Map();
/** @type {Map<number, Stream>} */
const streams = new Map();
/** @type {Map<number, import('node:crypto').Hash>} */
const hashes = new Map();

/** @param {number} id */
function runningHash(id) {
  const hash = hashes.get(id);
  if (!hash) throw new Error(`no running hash ${id}`);
  return hash;
}

/**
 * Hashes (if the stream does) and seals the boxes of a job.
 * @param {Stream} stream
 * @param {SealMessage} m
 * @returns {Uint8Array[]} nonce, ciphertext and tag of each box, in file order
 */
function seal(stream, m) {
  const { ring, size } = stream;
  const at = m.slot * ring.stride;
  if (size * m.count > ring.plaintextBytes || m.paramsBytes > ring.stride - ring.plaintextBytes || at + ring.stride > ring.memory.length) {
    throw new Error('a seal job outside its ring');
  }
  const input = ring.memory.subarray(at, at + size * m.count);
  const params = ring.memory.subarray(at + ring.plaintextBytes, at + ring.plaintextBytes + m.paramsBytes);
  const aads = NONCE_SIZE * m.count;
  const aadSize = (params.length - aads) / m.count;
  if (!Number.isInteger(aadSize) || aadSize < 0) throw new Error('a seal job needs a nonce and an AAD per box');
  if (stream.hash !== 0 && m.hashFrom < input.length) runningHash(stream.hash).update(input.subarray(m.hashFrom));
  /** @type {Uint8Array[]} */
  const parts = [];
  for (let i = 0; i < m.count; i += 1) {
    // A copy: the slot's parameters belong to the next job once this one is sealed, before it is written.
    const nonce = Buffer.from(params.subarray(i * NONCE_SIZE, (i + 1) * NONCE_SIZE));
    const cipher = createCipheriv('aes-256-gcm', stream.key, nonce, { authTagLength: TAG_SIZE });
    cipher.setAAD(params.subarray(aads + i * aadSize, aads + (i + 1) * aadSize));
    const ciphertext = cipher.update(input.subarray(i * size, (i + 1) * size));
    cipher.final(); // GCM produces no bytes here; it computes the tag.
    parts.push(nonce, ciphertext, cipher.getAuthTag());
  }
  return parts;
}

/**
 * Writes `parts` at `position` of `fd` in the thread pool, so that this
 * thread seals the next job meanwhile; a short write (disk full) fails
 * rather than leaving a silent gap.
 * @param {number} fd
 * @param {Uint8Array[]} parts
 * @param {number} position
 * @returns {Promise<void>}
 */
function writeAll(fd, parts, position) {
  const expected = parts.reduce((sum, part) => sum + part.length, 0);
  return new Promise((resolve, reject) => {
    writev(fd, parts, position, (error, written) => {
      if (error) reject(error);
      else if (written !== expected) reject(new Error(`short write: ${written} of ${expected} bytes`));
      else resolve();
    });
  });
}

const port = parentPort;
if (!port) throw new Error('seal-worker.js runs as a worker thread');

/**
 * Seals a job now and writes it once the stream's previous write is done;
 * answers when it is written or has failed.
 * @param {import('node:worker_threads').MessagePort} to
 * @param {SealMessage} m
 */
function sealAndWrite(to, m) {
  const stream = streams.get(m.stream);
  if (!stream) throw new Error(`no stream ${m.stream}`);
  /** @type {Uint8Array[] | null} */
  let sealed = null;
  /** @type {unknown} */
  let sealError = null;
  try {
    if (!stream.failed) sealed = seal(stream, m);
  } catch (error) {
    sealError = error;
  }
  stream.lastWrite = stream.lastWrite
    .then(async () => {
      if (stream.failed) throw new Error('an earlier write of this append failed');
      if (!sealed) throw sealError;
      await writeAll(stream.fd, sealed, m.position);
      const bytes = sealed.reduce((sum, part) => sum + part.length, 0);
      // Written: `sealed` is garbage now.
      sealed = null;
      paceGarbage(bytes);
    })
    .then(
      () => to.postMessage({ job: m.job }),
      (error) => {
        stream.failed = true;
        hashes.delete(stream.hash);
        to.postMessage({ job: m.job, error: error instanceof Error ? error.message : String(error) });
      },
    );
}

port.on('message', (/** @type {Message} */ m) => {
  try {
    switch (m.op) {
      case 'attach':
        rings.set(m.ring, { memory: Buffer.from(m.memory), stride: m.stride, plaintextBytes: m.plaintextBytes });
        return;
      case 'detach':
        rings.delete(m.ring);
        return;
      case 'start':
        hashes.set(m.hash, createHash('sha256'));
        return;
      case 'begin': {
        const ring = rings.get(m.ring);
        if (!ring) throw new Error(`no ring ${m.ring}`);
        streams.set(m.stream, { ring, key: m.key, size: m.size, hash: m.hash, fd: m.fd, failed: false, lastWrite: Promise.resolve() });
        return;
      }
      case 'seal':
        sealAndWrite(port, m);
        return;
      case 'end':
        streams.delete(m.stream);
        return;
      case 'hash':
        hashes.get(m.hash)?.update(m.bytes);
        return;
      case 'hashSlot': {
        const ring = rings.get(m.ring);
        if (!ring) throw new Error(`no ring ${m.ring}`);
        const at = m.slot * ring.stride;
        if (m.length < 0 || m.length > ring.plaintextBytes || at + ring.stride > ring.memory.length) throw new Error('a hash job outside its ring');
        runningHash(m.hash).update(ring.memory.subarray(at, at + m.length));
        port.postMessage({ job: m.job });
        return;
      }
      case 'digest': {
        const digest = runningHash(m.hash).digest('hex');
        hashes.delete(m.hash);
        port.postMessage({ job: m.job, digest });
        return;
      }
      case 'drop':
        hashes.delete(m.hash);
        return;
    }
  } catch (error) {
    if ('hash' in m) hashes.delete(m.hash);
    if ('job' in m) port.postMessage({ job: m.job, error: error instanceof Error ? error.message : String(error) });
  }
});
