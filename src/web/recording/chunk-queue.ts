/**
 * The recording's outbox on the agent's page: every chunk MediaRecorder
 * gives is written to a durable store (IndexedDB, see chunk-store-idb.ts)
 * before it is sent, sent in order one at a time, and removed only when the
 * server has acknowledged it. A failed send is retried with exponential
 * backoff; after a reload, `restore` puts what was never acknowledged back
 * in front. Pure logic: the store, the sender and the clock are given.
 */

/** One chunk of a recording segment, as kept until the server acknowledges it. */
export interface PendingChunk {
  appointmentId: string;
  segment: number;
  seq: number;
  /** SHA-256 (lowercase hex) of `bytes`, computed when the chunk was taken. */
  sha256: string;
  bytes: Blob;
}

/** Where pending chunks survive a reload. */
export interface ChunkStore {
  put(chunk: PendingChunk): Promise<void>;
  delete(chunk: Pick<PendingChunk, 'appointmentId' | 'segment' | 'seq'>): Promise<void>;
  /** Every pending chunk of an appointment, in any order. */
  list(appointmentId: string): Promise<PendingChunk[]>;
}

/**
 * What became of one send: acknowledged; worth trying again (network,
 * server busy, 5xx); or never going to be accepted (e.g. the segment was
 * closed, or another body holds that number), so it is dropped.
 */
export type SendOutcome = 'acked' | 'retry' | 'drop';

/** Sends one chunk to the server. */
export type ChunkSender = (chunk: PendingChunk) => Promise<SendOutcome>;

/** Tunables and seams of a {@link ChunkQueue}. */
export interface ChunkQueueOptions {
  store: ChunkStore;
  send: ChunkSender;
  /** First retry delay and cap (ms). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Waits `ms` (tests pass a fake). */
  wait?: (ms: number) => Promise<void>;
  /** [0, 1) for jitter (tests pass a constant). */
  random?: () => number;
  /** Told whenever the number of chunks waiting changes, and of dropped chunks. */
  onChange?: (state: { pending: number; dropped: number; retrying: boolean }) => void;
}

/** Exponential backoff with ±50 % jitter: `min`, 2·`min`, 4·`min`… up to `max`. */
export function retryDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(minMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return Math.round(base * (0.5 + random()));
}

const order = (a: PendingChunk, b: PendingChunk) => a.segment - b.segment || a.seq - b.seq;
const sameChunk = (a: PendingChunk, b: PendingChunk) => a.appointmentId === b.appointmentId && a.segment === b.segment && a.seq === b.seq;

/** The ordered, durable, retrying outbox of one page's recording. */
export class ChunkQueue {
  private readonly queue: PendingChunk[] = [];
  private readonly idle = new Set<() => void>();
  private pumping = false;
  private stopped = false;
  private retrying = false;
  private dropped = 0;
  private readonly o: Required<Omit<ChunkQueueOptions, 'onChange'>> & Pick<ChunkQueueOptions, 'onChange'>;

  constructor(options: ChunkQueueOptions) {
    this.o = {
      minDelayMs: 500,
      maxDelayMs: 15_000,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      ...options,
    };
  }

  /** Chunks not acknowledged yet (including the one being sent). */
  get pending(): number {
    return this.queue.length;
  }

  /** Puts back, in front and in order, the chunks a previous page of this appointment left unacknowledged. */
  async restore(appointmentId: string): Promise<number> {
    const left = (await this.o.store.list(appointmentId)).sort(order).filter((c) => !this.queue.some((q) => sameChunk(q, c)));
    this.queue.unshift(...left);
    this.changed();
    this.pump();
    return left.length;
  }

  /** Keeps a new chunk durably, then sends it after those before it. */
  async add(chunk: PendingChunk): Promise<void> {
    await this.o.store.put(chunk);
    this.queue.push(chunk);
    this.changed();
    this.pump();
  }

  /** Resolves true once every chunk is acknowledged (or dropped), false if `timeoutMs` passes first. */
  drain(timeoutMs = Infinity): Promise<boolean> {
    if (this.queue.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        this.idle.delete(done);
        resolve(true);
      };
      this.idle.add(done);
      if (Number.isFinite(timeoutMs)) {
        void this.o.wait(timeoutMs).then(() => {
          if (this.idle.delete(done)) resolve(false);
        });
      }
    });
  }

  /** Stops sending (the page is going away); what is pending stays in the store for the next page. */
  stop(): void {
    this.stopped = true;
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    void this.run().finally(() => {
      this.pumping = false;
      // A chunk added while the loop was finishing.
      if (this.queue.length > 0) this.pump();
    });
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const chunk = this.queue[0];
      if (!chunk) break;
      let outcome: SendOutcome;
      try {
        outcome = await this.o.send(chunk);
      } catch {
        outcome = 'retry';
      }
      if (this.stopped) return;
      if (outcome === 'retry') {
        attempt += 1;
        this.setRetrying(true);
        await this.o.wait(retryDelayMs(attempt, this.o.minDelayMs, this.o.maxDelayMs, this.o.random));
        continue;
      }
      attempt = 0;
      if (outcome === 'drop') this.dropped += 1;
      await this.o.store.delete(chunk);
      this.queue.shift();
      this.setRetrying(false);
      this.changed();
    }
    if (this.queue.length === 0) for (const done of [...this.idle]) done();
  }

  private setRetrying(on: boolean): void {
    if (this.retrying === on) return;
    this.retrying = on;
    this.changed();
  }

  private changed(): void {
    this.o.onChange?.({ pending: this.queue.length, dropped: this.dropped, retrying: this.retrying });
  }
}
