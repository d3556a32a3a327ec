import { describe, expect, it } from 'vitest';
import { ChunkQueue, retryDelayMs, type ChunkStore, type PendingChunk, type SendOutcome } from './chunk-queue.ts';

/** A store in memory, as IndexedDB would keep it across a reload. */
function memoryStore() {
  const rows = new Map<string, PendingChunk>();
  const key = (c: Pick<PendingChunk, 'appointmentId' | 'segment' | 'seq'>) => `${c.appointmentId}:${c.segment}:${c.seq}`;
  const store: ChunkStore = {
    put: (c) => Promise.resolve(void rows.set(key(c), c)),
    delete: (c) => Promise.resolve(void rows.delete(key(c))),
    list: (appointmentId) => Promise.resolve([...rows.values()].filter((c) => c.appointmentId === appointmentId)),
  };
  return { store, rows };
}

const chunk = (segment: number, seq: number, appointmentId = 'a1'): PendingChunk => ({ appointmentId, segment, seq, sha256: `${segment}-${seq}`, bytes: new Blob([`${segment}/${seq}`]) });
const label = (c: PendingChunk) => `${c.segment}/${c.seq}`;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('recording chunk queue', () => {
  it('sends in order, one at a time, and forgets a chunk only once acknowledged', async () => {
    const { store, rows } = memoryStore();
    const sent: string[] = [];
    let inFlight = 0;
    const queue = new ChunkQueue({
      store,
      send: async (c) => {
        inFlight++;
        expect(inFlight).toBe(1);
        sent.push(label(c));
        // Still stored while it is being sent.
        expect(rows.has(`a1:${c.segment}:${c.seq}`)).toBe(true);
        await tick();
        inFlight--;
        return 'acked';
      },
    });
    for (let seq = 0; seq < 5; seq++) await queue.add(chunk(1, seq));
    expect(await queue.drain()).toBe(true);
    expect(sent).toEqual(['1/0', '1/1', '1/2', '1/3', '1/4']);
    expect(rows.size).toBe(0);
    expect(queue.pending).toBe(0);
  });

  it('retries a failed send with growing delays, then goes on', async () => {
    const { store } = memoryStore();
    const outcomes: SendOutcome[] = ['retry', 'retry', 'retry', 'acked', 'acked'];
    const delays: number[] = [];
    const sent: string[] = [];
    const queue = new ChunkQueue({
      store,
      minDelayMs: 100,
      maxDelayMs: 300,
      random: () => 0.5,
      wait: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      send: (c) => {
        sent.push(label(c));
        const next = outcomes.shift() ?? 'acked';
        return next === 'retry' && sent.length === 2 ? Promise.reject(new Error('offline')) : Promise.resolve(next);
      },
    });
    await queue.add(chunk(1, 0));
    await queue.add(chunk(1, 1));
    expect(await queue.drain()).toBe(true);
    expect(sent).toEqual(['1/0', '1/0', '1/0', '1/0', '1/1']);
    // A thrown error (network) counts as "try again", like an answer saying so.
    expect(delays).toEqual([100, 200, 300]);
  });

  it('after a reload, sends what the last page left before anything new, in order', async () => {
    const { store, rows } = memoryStore();
    // The page died: chunks 1/3 and 1/4 were never acknowledged; another appointment's stay put.
    await store.put(chunk(1, 4));
    await store.put(chunk(1, 3));
    await store.put(chunk(1, 0, 'other'));
    const sent: string[] = [];
    const queue = new ChunkQueue({ store, send: (c) => Promise.resolve(void sent.push(label(c))).then(() => 'acked' as const) });
    expect(await queue.restore('a1')).toBe(2);
    await queue.add(chunk(2, 0));
    expect(await queue.drain()).toBe(true);
    expect(sent).toEqual(['1/3', '1/4', '2/0']);
    expect([...rows.keys()]).toEqual(['other:1:0']);
  });

  it('drops a chunk the server will never accept, and says so', async () => {
    const { store, rows } = memoryStore();
    const states: { pending: number; dropped: number }[] = [];
    const queue = new ChunkQueue({
      store,
      send: (c) => Promise.resolve(c.seq === 0 ? 'drop' : 'acked'),
      onChange: ({ pending, dropped }) => states.push({ pending, dropped }),
    });
    await queue.add(chunk(1, 0));
    await queue.add(chunk(1, 1));
    expect(await queue.drain()).toBe(true);
    expect(rows.size).toBe(0);
    expect(states.at(-1)).toEqual({ pending: 0, dropped: 1 });
  });

  it('keeps everything when stopped, and a drain can give up', async () => {
    const { store, rows } = memoryStore();
    const queue = new ChunkQueue({ store, send: () => Promise.resolve('retry'), wait: () => tick() });
    await queue.add(chunk(1, 0));
    expect(await queue.drain(10)).toBe(false);
    queue.stop();
    await tick();
    expect(rows.size).toBe(1);
  });

  it('grows the retry delay exponentially up to its cap, with jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 500, 4_000, () => 0.5))).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(retryDelayMs(1, 500, 4_000, () => 0)).toBe(250);
    expect(retryDelayMs(1, 500, 4_000, () => 0.999)).toBe(750);
  });
});
