import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, DEFAULT_NOW, type TestApp } from '../../../test/test-app.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import type { AppContext } from '../context.ts';
import { JobRunner, type JobHandler } from './job-runner.ts';
import { jobsRepo } from './jobs.repo.ts';

describe.each(DIALECTS)('the job runner (%s)', (dialect) => {
  let t: TestApp;
  /** Other "nodes": on PostgreSQL each has its own connection pool; SQLite nodes share the one connection of this process. */
  const nodes: AppContext[] = [];
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    for (let i = 0; i < 3; i++) {
      nodes.push(dialect === 'postgres' ? await createContext(t.ctx.config, { clock: t.clock, mail: t.mail, migrate: false }) : t.ctx);
    }
  });
  afterAll(async () => {
    for (const ctx of nodes) if (ctx !== t.ctx) await closeContext(ctx);
    await t.close();
  });
  beforeEach(() => {
    t.clock.set(DEFAULT_NOW);
    run++;
  });

  /** Schedules `count` jobs of `kind`, due now. */
  async function scheduleDue(kind: string, count: number): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = `test:${run}:${kind}:${i}`;
      await jobsRepo.schedule(t.ctx.db, { organisationId: null, kind, key, runAt: t.clock.now(), payload: { i } }, t.clock.now());
      keys.push(key);
    }
    return keys;
  }

  /** The marker a handler writes in its transaction: visible afterwards only if the job's work committed. */
  const effectOf = (key: string) => jobsRepo.byKey(t.ctx.db, `effect:${key}`);
  const writeEffect: JobHandler = async (trx, job, ctx) => {
    await jobsRepo.schedule(trx, { organisationId: null, kind: 'test_effect', key: `effect:${job.key}`, runAt: ctx.clock.now(), payload: {} }, ctx.clock.now());
    return { outcome: 'done' };
  };

  it('schedules a key once: the second scheduling is a no-op', async () => {
    const [key = ''] = await scheduleDue('test_once', 1);
    await jobsRepo.schedule(t.ctx.db, { organisationId: null, kind: 'test_once', key, runAt: new Date('2030-01-01T00:00:00Z'), payload: {} }, t.clock.now());
    expect((await jobsRepo.byKey(t.ctx.db, key))?.run_at).toBe(DEFAULT_NOW.toISOString());
  });

  it('runs each of many due jobs exactly once while four nodes race for them', async () => {
    const kind = `test_race_${run}`;
    const keys = await scheduleDue(kind, 30);
    const calls = new Map<string, number>();
    const handler: JobHandler = async (trx, job, ctx) => {
      calls.set(job.key, (calls.get(job.key) ?? 0) + 1);
      return writeEffect(trx, job, ctx);
    };
    const runners = [t.ctx, ...nodes].map((ctx) => new JobRunner(ctx, { [kind]: handler }));
    const finished = await Promise.all(runners.map((r) => r.runDue()));

    expect(finished.reduce((a, b) => a + b, 0)).toBe(30);
    expect([...calls.values()].every((c) => c === 1)).toBe(true);
    expect(calls.size).toBe(30);
    for (const key of keys) {
      expect((await jobsRepo.byKey(t.ctx.db, key))?.status).toBe('done');
      expect(await effectOf(key)).toBeDefined();
    }
    // Nothing is left to run.
    expect(await Promise.all(runners.map((r) => r.runDue()))).toEqual([0, 0, 0, 0]);
  });

  it('leaves a job that is not due yet, and one whose kind this node does not handle', async () => {
    const kind = `test_later_${run}`;
    await jobsRepo.schedule(t.ctx.db, { organisationId: null, kind, key: `test:${run}:later`, runAt: new Date(DEFAULT_NOW.getTime() + 60_000), payload: {} }, t.clock.now());
    const [unknown = ''] = await scheduleDue(`test_unknown_${run}`, 1);
    const runner = new JobRunner(t.ctx, { [kind]: writeEffect });
    expect(await runner.runDue()).toBe(0);
    expect((await jobsRepo.byKey(t.ctx.db, unknown))?.status).toBe('pending');
    t.clock.advance(60_000);
    expect(await runner.runDue()).toBe(1);
  });

  it('rolls a failed attempt back, retries it later with backoff and gives up after the last attempt', async () => {
    const kind = `test_fail_${run}`;
    const [key = ''] = await scheduleDue(kind, 1);
    const failing: JobHandler = async (trx, job, ctx) => {
      await writeEffect(trx, job, ctx);
      throw Object.assign(new Error('smtp said no to maria@example.org'), { code: 'EFAIL' });
    };
    const runner = new JobRunner(t.ctx, { [kind]: failing });
    expect(await runner.runDue()).toBe(0);
    const after1 = await jobsRepo.byKey(t.ctx.db, key);
    expect(after1).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Error EFAIL', lease_until: null });
    // First retry 30 s later, ±50 %; the error text (which quoted an address) was not stored.
    const wait = Date.parse(after1?.run_at ?? '') - DEFAULT_NOW.getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(45_000);
    expect(await effectOf(key)).toBeUndefined();

    expect(await runner.runDue()).toBe(0);
    expect((await jobsRepo.byKey(t.ctx.db, key))?.attempts).toBe(1);
    for (let i = 2; i <= 10; i++) {
      t.clock.advance(2 * 3_600_000);
      await runner.runDue();
    }
    expect(await jobsRepo.byKey(t.ctx.db, key)).toMatchObject({ status: 'failed', attempts: 10 });
    t.clock.advance(2 * 3_600_000);
    expect(await runner.runDue()).toBe(0);
  });

  it('discards the work of a node that lost its job while running it', async () => {
    const kind = `test_lost_${run}`;
    const [key = ''] = await scheduleDue(kind, 1);
    const other = nodes[0] ?? t.ctx;
    const losing: JobHandler = async (trx, job, ctx) => {
      await writeEffect(trx, job, ctx);
      // Meanwhile the job is cancelled (PostgreSQL: committed by another node; SQLite,
      // one connection per process: written in this transaction, as this node would see it).
      await jobsRepo.cancel(other === t.ctx ? trx : other.db, [job.key], ctx.clock.now());
      return { outcome: 'done' };
    };
    const runner = new JobRunner(t.ctx, { [kind]: losing });
    expect(await runner.runDue()).toBe(0);
    expect(await effectOf(key)).toBeUndefined();
    if (other !== t.ctx) expect((await jobsRepo.byKey(t.ctx.db, key))?.status).toBe('cancelled');
  });

  it('runs follow-up work after the commit, and a failing one does not undo the job', async () => {
    const kind = `test_after_${run}`;
    const [key = ''] = await scheduleDue(kind, 1);
    let statusSeen = '';
    const handler: JobHandler = async () => ({
      outcome: 'done',
      afterCommit: async () => {
        statusSeen = (await jobsRepo.byKey(t.ctx.db, key))?.status ?? '';
        throw new Error('follow-up failed');
      },
    });
    expect(await new JobRunner(t.ctx, { [kind]: handler }).runDue()).toBe(1);
    expect(statusSeen).toBe('done');
    expect((await jobsRepo.byKey(t.ctx.db, key))?.status).toBe('done');
  });
});
