import { Worker } from 'node:worker_threads';

/**
 * The main thread's side of `seal-worker.js`: one crypto thread per process,
 * shared by every blob store in it, started on first use. Hashing (SHA-256 at
 * about 1 GB/s a core), sealing (AES-256-GCM, about 3 GB/s) and writing the
 * records happen there, so that an upload is received on one core while it is
 * hashed, encrypted and written on another.
 *
 * Plaintext goes through rings of shared memory (see the worker's comment for
 * why not by transfer): an append takes a ring, fills a slot, asks for it to
 * be sealed and written, and gives the ring back for the next append. Memory
 * is the rings, a MiB each, reused. What all jobs of an append share (key,
 * file, running hash) is sent once, so a job's message is a few numbers.
 */

/** A ring: `slots` slots, each plaintext and then sealing parameters, in memory shared with the crypto thread. */
export interface Ring {
  readonly id: number;
  readonly worker: Worker;
  readonly slots: readonly { readonly plaintext: Buffer; readonly params: Buffer }[];
}

/** What every job of a stream (one append) has in common. */
export interface StreamOptions {
  ring: Ring;
  key: Buffer;
  /** Plaintext bytes per record. */
  size: number;
  /** Running hash fed with the plaintext of every job; null: none. */
  hash: RunningHash | null;
  /** A file descriptor open for writing until every job of the stream is settled. */
  fd: number;
}

/** A stream of jobs: after one of them failed, the others write nothing. */
export interface Stream extends StreamOptions {
  readonly id: number;
}

/** One job: seal the first `count` records of a slot and write them at `position`. */
export interface SealJob {
  stream: Stream;
  slot: number;
  count: number;
  /** Bytes of sealing parameters at the start of the slot's `params`: a nonce per record, then an AAD per record. */
  paramsBytes: number;
  /** Plaintext bytes at the start of the slot already fed to the running hash (the stream's hash gets the rest). */
  hashFrom: number;
  position: number;
}

/** A SHA-256 kept in the crypto thread, fed in the order of the calls that name it. */
export interface RunningHash {
  readonly id: number;
  /** The worker the hash lives in; if it is gone, so is the hash. */
  readonly worker: Worker;
}

interface Reply {
  job: number;
  digest?: string;
  error?: string;
}

interface Waiting {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

// Rings kept for the next appends once given back; more are made while more appends run at once.
const SPARE_RINGS = 2;

/** The process's crypto thread; see the module comment. */
class RecordSealer {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private readonly spareRings: Ring[] = [];
  private nextJob = 1;
  private nextId = 1;

  private current(): Worker {
    if (this.worker) return this.worker;
    // No inherited flags: the worker is plain JavaScript, and a parent started with `-e <script>` would run that script in it.
    const worker = new Worker(new URL('./seal-worker.js', import.meta.url), { name: 'blob-sealer', execArgv: [] });
    // An idle crypto thread must not keep the process alive; `ask` holds it while answers are due.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.waiting.get(reply.job);
      this.waiting.delete(reply.job);
      if (this.waiting.size === 0) worker.unref();
      if (!waiting) return;
      if (reply.error !== undefined) waiting.reject(new Error(`blob sealer: ${reply.error}`));
      else waiting.resolve(reply);
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.spareRings.length = 0;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`blob sealer stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private ask(message: Record<string, unknown>): Promise<Reply> {
    const worker = this.current();
    const job = this.nextJob++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(job, { resolve, reject });
      worker.postMessage({ ...message, job });
    });
  }

  /** A ring of `slots` slots of `plaintextBytes` and `paramsBytes` bytes each, from the spares when one fits. */
  takeRing(slots: number, plaintextBytes: number, paramsBytes: number): Ring {
    const worker = this.current();
    const fits = (ring: Ring) =>
      ring.worker === worker && ring.slots.length === slots && ring.slots[0]?.plaintext.length === plaintextBytes && ring.slots[0].params.length === paramsBytes;
    const found = this.spareRings.findIndex(fits);
    const [spare] = found >= 0 ? this.spareRings.splice(found, 1) : [];
    if (spare) return spare;
    const stride = plaintextBytes + paramsBytes;
    const memory = new SharedArrayBuffer(slots * stride);
    const ring: Ring = {
      id: this.nextId++,
      worker,
      slots: Array.from({ length: slots }, (_, i) => ({
        plaintext: Buffer.from(memory, i * stride, plaintextBytes),
        params: Buffer.from(memory, i * stride + plaintextBytes, paramsBytes),
      })),
    };
    worker.postMessage({ op: 'attach', ring: ring.id, memory, stride, plaintextBytes });
    return ring;
  }

  /** Gives a ring back once no job uses it any more. */
  giveBack(ring: Ring): void {
    if (ring.worker !== this.worker) return;
    this.spareRings.push(ring);
    const dropped = this.spareRings.length > SPARE_RINGS ? this.spareRings.shift() : undefined;
    if (dropped) dropped.worker.postMessage({ op: 'detach', ring: dropped.id });
  }

  /** A new stream of jobs (one append); what they have in common is sent once. */
  beginStream(options: StreamOptions): Stream {
    const stream = { ...options, id: this.nextId++ };
    if (options.ring.worker !== this.worker || (options.hash && options.hash.worker !== this.worker)) return stream; // its jobs fail
    options.ring.worker.postMessage({ op: 'begin', stream: stream.id, ring: options.ring.id, key: options.key, size: options.size, hash: options.hash?.id ?? 0, fd: options.fd });
    return stream;
  }

  /** The stream's jobs are all settled. */
  endStream(stream: Stream): void {
    if (stream.ring.worker === this.worker) stream.ring.worker.postMessage({ op: 'end', stream: stream.id });
  }

  /**
   * Seals `job.count` records of a slot (hashing them first if the stream
   * has a running hash) and writes them, `nonce ‖ ciphertext ‖ tag` each,
   * back to back at `job.position`. Jobs are done in the order they are
   * asked for, and a stream's writes one after the other, so records reach
   * the file in order. Rejects if the job fails, an earlier job of its stream
   * failed, or the crypto thread is gone.
   */
  async seal(job: SealJob): Promise<void> {
    const { stream } = job;
    if (stream.ring.worker !== this.worker || (stream.hash && stream.hash.worker !== this.worker)) throw new Error('blob sealer: ring or running hash lost with its thread');
    await this.ask({ op: 'seal', stream: stream.id, slot: job.slot, count: job.count, paramsBytes: job.paramsBytes, hashFrom: job.hashFrom, position: job.position });
  }

  /** A new, empty running hash. */
  startHash(): RunningHash {
    const worker = this.current();
    const hash = { id: this.nextId++, worker };
    worker.postMessage({ op: 'start', hash: hash.id });
    return hash;
  }

  /** Feeds `bytes` (copied: pass a small buffer that owns its memory) to a running hash, after everything sent before. */
  updateHash(hash: RunningHash, bytes: Buffer): void {
    if (hash.worker === this.worker && bytes.length > 0) hash.worker.postMessage({ op: 'hash', hash: hash.id, bytes });
  }

  /** The hex SHA-256 of everything fed so far; the hash is gone afterwards. Rejects if it was lost. */
  async digest(hash: RunningHash): Promise<string> {
    if (hash.worker !== this.worker) throw new Error('blob sealer: running hash lost with its thread');
    const { digest } = await this.ask({ op: 'digest', hash: hash.id });
    if (digest === undefined) throw new Error('blob sealer: malformed answer');
    return digest;
  }

  /**
   * Feeds the first `length` plaintext bytes of a ring's slot to a running
   * hash, after everything sent before; resolves once they are hashed (the
   * slot may be filled again). Rejects if the crypto thread is gone.
   */
  async hashSlot(ring: Ring, slot: number, length: number, hash: RunningHash): Promise<void> {
    if (ring.worker !== this.worker || hash.worker !== this.worker) throw new Error('blob sealer: ring or running hash lost with its thread');
    await this.ask({ op: 'hashSlot', ring: ring.id, slot, length, hash: hash.id });
  }

  /** Forgets a running hash. */
  dropHash(hash: RunningHash): void {
    if (hash.worker === this.worker) hash.worker.postMessage({ op: 'drop', hash: hash.id });
  }

  /** Whether the hash still lives (its thread has not been lost since it was started). */
  alive(hash: RunningHash): boolean {
    return hash.worker === this.worker;
  }
}

/** The crypto thread shared by every blob store of this process. */
export const recordSealer = new RecordSealer();

/**
 * Copies `source[from, to)` into `target` at `at` and returns how many bytes
 * that was. The rings are shared memory, and `Buffer#copy` into shared memory
 * goes byte by byte unless both sides are 8-byte aligned alike (V8's relaxed
 * memmove): ten times slower than `fill`, which Node does with one `memcpy`
 * when the value is exactly as long as the range.
 */
export function copyInto(target: Buffer, at: number, source: Buffer, from: number, to: number): number {
  const length = Math.min(to - from, target.length - at);
  if (length > 0) target.fill(source.subarray(from, from + length), at, at + length);
  return Math.max(0, length);
}

// Slots of an off-thread hash's ring and their size: 4 MiB of shared memory, reused from one hash to the next.
const HASH_SLOTS = 4;
const HASH_SLOT_BYTES = 1024 * 1024;

/**
 * A SHA-256 computed on the crypto thread while the caller goes on with the
 * bytes (zips them, writes them): the bytes are copied into a ring of shared
 * memory (a `memcpy`, some 20 times cheaper than hashing them) and each full
 * slot is hashed there while the next one fills. Back-pressure: `update`
 * returns a promise, to be awaited before the next chunk, only when the slot
 * to fill next is still being hashed; memory is the ring (4 MiB, reused),
 * whatever the size hashed.
 * Call `digest` or `abort` once, in every case, to give the ring back.
 */
export class OffThreadHash {
  private readonly ring: Ring;
  private readonly hash: RunningHash;
  // The hash job of each slot, until it is settled (never rejected): the slot can be filled again then.
  private readonly busy: (Promise<void> | null)[];
  private slot = 0;
  private fill = 0;
  private failed: Error | null = null;
  private closed = false;

  constructor(private readonly sealer: RecordSealer = recordSealer) {
    this.ring = sealer.takeRing(HASH_SLOTS, HASH_SLOT_BYTES, 0);
    this.hash = sealer.startHash();
    this.busy = this.ring.slots.map(() => null);
  }

  /**
   * Feeds `chunk`. Returns a promise when the caller must wait for a slot to
   * be free again: then the chunk must stay unchanged, and nothing else be
   * fed, until it resolves. Once `update` returned nothing, or its promise
   * resolved, the chunk has been copied and may be reused.
   */
  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.closed) throw new Error('off-thread hash already closed');
    if (this.failed) return Promise.reject(this.failed);
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    while (at < bytes.length) {
      if (this.fill === 0 && this.busy[this.slot]) return this.waitAndUpdate(bytes.subarray(at));
      const target = this.current();
      const copied = copyInto(target, this.fill, bytes, at, bytes.length);
      this.fill += copied;
      at += copied;
      if (this.fill === target.length) {
        this.submit();
        // The rest of the chunk goes into the next slot, once it has been hashed.
        if (at < bytes.length) return this.waitAndUpdate(bytes.subarray(at));
      }
    }
    return this.fill === 0 ? this.whenFree() : undefined;
  }

  /** The hex SHA-256 of every byte fed; gives the ring back. Rejects if a job failed or the crypto thread was lost. */
  async digest(): Promise<string> {
    if (this.closed) throw new Error('off-thread hash already closed');
    if (this.fill > 0) this.submit();
    this.closed = true;
    try {
      await this.settled();
      if (this.failed) throw this.failed;
      return await this.sealer.digest(this.hash);
    } catch (error) {
      this.sealer.dropHash(this.hash);
      throw error;
    } finally {
      this.sealer.giveBack(this.ring);
    }
  }

  /** Forgets the hash and gives the ring back once no slot is being hashed (errors are moot here). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    void this.settled().then(() => {
      this.sealer.dropHash(this.hash);
      this.sealer.giveBack(this.ring);
    });
  }

  /** Resolves once no slot is being hashed. */
  private async settled(): Promise<void> {
    for (const job of this.busy) if (job) await job;
  }

  private current(): Buffer {
    const slot = this.ring.slots[this.slot];
    if (!slot) throw new Error('off-thread hash: no such slot');
    return slot.plaintext;
  }

  /** Hands the filled part of the current slot over to be hashed and moves to the next slot. */
  private submit(): void {
    const slot = this.slot;
    this.busy[slot] = this.sealer
      .hashSlot(this.ring, slot, this.fill, this.hash)
      .catch((error: unknown) => {
        this.failed ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.busy[slot] = null;
      });
    this.slot = (slot + 1) % this.busy.length;
    this.fill = 0;
  }

  /** Resolves when the current (next to fill) slot may be written; undefined if it already may. */
  private whenFree(): Promise<void> | undefined {
    if (this.failed) return Promise.reject(this.failed);
    return this.busy[this.slot] ?? undefined;
  }

  private async waitAndUpdate(rest: Buffer): Promise<void> {
    await this.whenFree();
    const more = this.update(rest);
    if (more) await more;
  }
}
