import type { ChunkStore, PendingChunk } from './chunk-queue.ts';

/**
 * The recording's outbox in IndexedDB: chunks survive a reload or a crash
 * of the agent's tab until the server acknowledges them. Keyed by
 * appointment, segment and sequence number. The bytes stay in this
 * browser's profile only until acknowledged (then deleted).
 */
const DB_NAME = 'finestreta-recording';
const STORE = 'chunks';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => {
    const store = req.result.createObjectStore(STORE, { keyPath: ['appointmentId', 'segment', 'seq'] });
    store.createIndex('appointment', 'appointmentId');
  };
  return request(req);
}

/** A {@link ChunkStore} over IndexedDB. */
export function indexedDbChunkStore(): ChunkStore {
  let db: Promise<IDBDatabase> | null = null;
  const tx = async (mode: IDBTransactionMode) => {
    db ??= openDb();
    return (await db).transaction(STORE, mode).objectStore(STORE);
  };
  return {
    async put(chunk: PendingChunk) {
      await request((await tx('readwrite')).put(chunk));
    },
    async delete(c) {
      await request((await tx('readwrite')).delete([c.appointmentId, c.segment, c.seq]));
    },
    async list(appointmentId: string) {
      return request((await tx('readonly')).index('appointment').getAll(appointmentId)) as Promise<PendingChunk[]>;
    },
  };
}
