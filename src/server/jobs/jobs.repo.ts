import { randomUUID } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import { isPostgres, precompiled, type Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { Job, JobStatus, JobsTable } from './jobs.tables.ts';

type Executor = Db | Transaction<Database>;

/** What to schedule. */
export interface NewJob {
  organisationId: string | null;
  kind: string;
  key: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

/** The upsert of `scheduleMany`, run in every booking's transaction: compiled once per number of jobs (see `precompiled`). */
const upsertJobs = precompiled((db, v: { nowIso: string; rows: Insertable<JobsTable>[] }) =>
  db
    .insertInto('jobs')
    .values(v.rows)
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          status: 'pending',
          run_at: eb.ref('excluded.run_at'),
          attempts: 0,
          lease_until: null,
          lease_owner: null,
          last_error: null,
          payload: eb.ref('excluded.payload'),
          updated_at: v.nowIso,
        }))
        .where('jobs.status', '=', 'cancelled'),
    ),
);

type JobRow = Insertable<JobsTable>;

/**
 * Jobs scheduled while `jobsRepo.batched` runs, per transaction and by the
 * `now` they were scheduled with, written when it ends.
 */
const batches = new WeakMap<object, Map<string, JobRow[]>>();

/**
 * Writes jobs. On PostgreSQL in one statement: one round trip (a key given
 * twice is written once, as two `schedule` calls would: the first wins).
 * SQLite has no round trips to save, and there a booking's three-row upsert
 * measured two to five times the cost of three one-row ones
 * (bench/availability; it was the costliest statement of a booking's
 * transaction after the commit): one row a statement.
 */
async function writeJobs(db: Executor, nowIso: string, rows: JobRow[]): Promise<void> {
  if (isPostgres(db)) {
    const byKey = new Map<string, JobRow>();
    for (const row of rows) if (!byKey.has(row.key)) byKey.set(row.key, row);
    await upsertJobs(db, { nowIso, rows: [...byKey.values()] });
    return;
  }
  for (const row of rows) await upsertJobs(db, { nowIso, rows: [row] });
}

/** Writes what a batch of this transaction holds so far. */
async function flushBatch(db: Executor): Promise<void> {
  const batch = batches.get(db);
  if (!batch) return;
  const held = [...batch];
  batch.clear();
  for (const [nowIso, rows] of held) await writeJobs(db, nowIso, rows);
}

/** All SQL on the `jobs` table. */
export const jobsRepo = {
  /**
   * Runs `fn` with the jobs it schedules in `trx` held back and written
   * together when it ends, in the same transaction: the listeners of an
   * appointment change (reminders, no-show check) then cost PostgreSQL one
   * round trip instead of one each. Cancelling writes what is held first,
   * so schedule-then-cancel keeps its order. Nested calls join the outer one.
   */
  async batched<T>(trx: Transaction<Database>, fn: () => Promise<T>): Promise<T> {
    if (batches.has(trx)) return fn();
    batches.set(trx, new Map());
    try {
      const result = await fn();
      await flushBatch(trx);
      return result;
    } finally {
      batches.delete(trx);
    }
  },

  /**
   * Schedules a job unless one with the same key exists. A key whose job was
   * cancelled is armed again (an appointment moved away and back): a
   * cancelled job never produced anything, so running it now is its first
   * run. A pending, running, done or failed job is left as it is.
   */
  async schedule(db: Executor, job: NewJob, now: Date): Promise<void> {
    await jobsRepo.scheduleMany(db, [job], now);
  },

  /** `schedule` for several jobs (a booking's reminders), atomically within the caller's transaction. */
  async scheduleMany(db: Executor, jobs: NewJob[], now: Date): Promise<void> {
    if (jobs.length === 0) return;
    const nowIso = now.toISOString();
    const rows = jobs.map(
      (job): JobRow => ({
        id: randomUUID(),
        organisation_id: job.organisationId,
        kind: job.kind,
        key: job.key,
        run_at: job.runAt.toISOString(),
        status: 'pending' as const,
        attempts: 0,
        lease_until: null,
        lease_owner: null,
        last_error: null,
        payload: JSON.stringify(job.payload),
        created_at: nowIso,
        updated_at: nowIso,
      }),
    );
    const batch = batches.get(db);
    if (batch) {
      batch.set(nowIso, [...(batch.get(nowIso) ?? []), ...rows]);
      return;
    }
    await writeJobs(db, nowIso, rows);
  },

  /** Cancels the jobs with these keys that have not finished; a running one loses its lease (its result is discarded). */
  async cancel(db: Executor, keys: string[], now: Date): Promise<number> {
    if (keys.length === 0) return 0;
    await flushBatch(db);
    const res = await db
      .updateTable('jobs')
      .set({ status: 'cancelled', lease_until: null, updated_at: now.toISOString() })
      .where('key', 'in', keys)
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  },

  /** Ids of jobs of these kinds that are due, or running on a lease that ran out, oldest first. */
  async due(db: Executor, kinds: string[], now: Date, limit: number): Promise<string[]> {
    if (kinds.length === 0) return [];
    const nowIso = now.toISOString();
    const rows = await db
      .selectFrom('jobs')
      .select('id')
      .where('kind', 'in', kinds)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', nowIso)]),
        ]),
      )
      .orderBy('run_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /**
   * Claims one job for `owner` until `leaseUntil`, if it is still due and
   * nobody holds a live lease on it. One conditional UPDATE decides: of two
   * nodes racing, the second finds the condition false (PostgreSQL re-checks
   * it on the row the first committed) and gets nothing.
   */
  async claim(db: Executor, id: string, owner: string, now: Date, leaseUntil: Date): Promise<Job | undefined> {
    const nowIso = now.toISOString();
    return db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        lease_owner: owner,
        lease_until: leaseUntil.toISOString(),
        attempts: eb('attempts', '+', 1),
        updated_at: nowIso,
      }))
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso)]),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', nowIso)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * Ends a claimed job, only if `owner` still holds it: false when the lease
   * was taken over by another node or the job was cancelled meanwhile.
   */
  async finish(db: Executor, id: string, owner: string, status: Extract<JobStatus, 'done' | 'cancelled'>, now: Date): Promise<boolean> {
    const res = await db
      .updateTable('jobs')
      .set({ status, lease_until: null, last_error: null, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Records a failed attempt of a job `owner` holds: retry at `retryAt`, or give up (`failed`). */
  async fail(db: Executor, id: string, owner: string, error: string, retryAt: Date | null, now: Date): Promise<boolean> {
    const res = await db
      .updateTable('jobs')
      .set({
        status: retryAt ? 'pending' : 'failed',
        run_at: (retryAt ?? now).toISOString(),
        lease_until: null,
        last_error: error,
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** One job by key (tests and operators). */
  async byKey(db: Executor, key: string): Promise<Job | undefined> {
    return db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();
  },
};
