import { randomUUID } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import { precompiled, type Db } from '../db/database.ts';
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

/** `scheduleMany`'s statement, run in every booking's transaction: compiled once per number of jobs (see `precompiled`). */
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

/** All SQL on the `jobs` table. */
export const jobsRepo = {
  /**
   * Schedules a job unless one with the same key exists. A key whose job was
   * cancelled is armed again (an appointment moved away and back): a
   * cancelled job never produced anything, so running it now is its first
   * run. A pending, running, done or failed job is left as it is.
   */
  async schedule(db: Executor, job: NewJob, now: Date): Promise<void> {
    await jobsRepo.scheduleMany(db, [job], now);
  },

  /** `schedule` for several jobs in one statement (a booking's reminders). */
  async scheduleMany(db: Executor, jobs: NewJob[], now: Date): Promise<void> {
    if (jobs.length === 0) return;
    const nowIso = now.toISOString();
    await upsertJobs(db, {
      nowIso,
      rows: jobs.map((job) => ({
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
      })),
    });
  },

  /** Cancels the jobs with these keys that have not finished; a running one loses its lease (its result is discarded). */
  async cancel(db: Executor, keys: string[], now: Date): Promise<number> {
    if (keys.length === 0) return 0;
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
