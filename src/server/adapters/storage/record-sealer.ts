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
