import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { jobsRepo } from './jobs.repo.ts';
import type { Job } from './jobs.tables.ts';
import { Poller } from '../workers/poller.ts';

/** What a handler decided: it did the work (`done`), or the work no longer applies (`cancelled`). */
export interface JobResult {
  outcome: 'done' | 'cancelled';
  /**
   * Runs once the job's transaction has committed (e.g. send the email it
   * queued right away rather than at the dispatcher's next poll). Its
   * failure is only logged: what it does must be safe to leave to a poller.
   */
  afterCommit?: () => Promise<unknown>;
}

/**
 * Does one job's work inside the transaction that marks it finished: the
 * job's effects commit if and only if the job is recorded as done by the
 * runner that still holds it. Work that cannot be undone by a rollback
 * (network calls) belongs in `afterCommit` or in a queue the handler writes to.
 * Query through `trx` only: on SQLite `ctx.db` is the same single connection,
 * held by this transaction until it ends.
 */
export type JobHandler = (trx: Transaction<Database>, job: Job, ctx: AppContext) => Promise<JobResult>;

/** Thrown inside a job's transaction when its lease was lost, to roll its effects back. */
class LeaseLost extends Error {}

const MAX_ATTEMPTS = 10;
const BATCH = 50;
/** How long a claim holds a job. Handlers are short transactions; the lease only matters when a node dies. */
const DEFAULT_LEASE_MS = 2 * 60_000;

/** Exponential backoff with ±50 % jitter, from 30 s up to 1 h. */
export function jobBackoffMs(attempts: number): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.5 + Math.random()));
}

/**
 * Runs due jobs with the handler registered for their kind. Any number of
 * nodes may run one on the same database: a job is claimed with a
 * conditional UPDATE that sets a lease and an owner, its handler's writes
 * commit in the same transaction as "done" (fenced by the owner), and a job
 * whose lease ran out — its node was killed — is claimed again by another.
 */
export class JobRunner {
  /** This runner's name in `lease_owner`: host, process and a per-instance suffix. */
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly poller: Poller;
  private readonly leaseMs: number;

  constructor(
    private readonly ctx: AppContext,
    private readonly handlers: Readonly<Record<string, JobHandler>>,
    opts: { leaseMs?: number } = {},
  ) {
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.poller = new Poller('job runner', ctx.log, () => this.pass());
  }

  /** Runs every due job once (up to a batch); resolves with how many finished. Concurrent calls share one pass. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  /** Runs due jobs now and then every `intervalMs`, until `stop()`. */
  start(intervalMs: number): void {
    this.poller.start(intervalMs, { immediately: true });
  }

  /** Stops polling and waits for the pass in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async pass(): Promise<number> {
    const ids = await jobsRepo.due(this.ctx.db, Object.keys(this.handlers), this.ctx.clock.now(), BATCH);
    let finished = 0;
    for (const id of ids) if (await this.runOne(id)) finished++;
    return finished;
  }

  /** Claims and runs one job; true when it finished (done or cancelled) here. */
  private async runOne(id: string): Promise<boolean> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const job = await jobsRepo.claim(ctx.db, id, this.owner, now, new Date(now.getTime() + this.leaseMs));
    if (!job) return false;
    const handler = this.handlers[job.kind];
    if (!handler) return false;
    let result: JobResult;
    try {
      result = await ctx.db.transaction().execute(async (trx) => {
        const r = await handler(trx, job, ctx);
        // The fence: another node that took the job over (our lease ran out)
        // or a cancellation wins, and what this handler wrote is rolled back.
        if (!(await jobsRepo.finish(trx, job.id, this.owner, r.outcome, ctx.clock.now()))) throw new LeaseLost();
        return r;
      });
    } catch (error) {
      if (error instanceof LeaseLost) {
        ctx.log.warn({ jobId: job.id, kind: job.kind }, 'job lease lost; its work was rolled back');
        return false;
      }
      await this.recordFailure(job, error);
      return false;
    }
    ctx.log.info({ jobId: job.id, kind: job.kind, outcome: result.outcome, attempts: job.attempts }, 'job finished');
    if (result.afterCommit) {
      await result.afterCommit().catch((error: unknown) => ctx.log.warn({ err: error, jobId: job.id }, 'job follow-up failed'));
    }
    return true;
  }

  private async recordFailure(job: Job, error: unknown): Promise<void> {
    const { ctx } = this;
    // Errors can quote data (addresses, names): keep only the class and code.
    const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
    const summary = `${error instanceof Error ? error.name : 'Error'}${code ? ` ${code}` : ''}`;
    const now = ctx.clock.now();
    const retryAt = job.attempts >= MAX_ATTEMPTS ? null : new Date(now.getTime() + jobBackoffMs(job.attempts));
    await jobsRepo
      .fail(ctx.db, job.id, this.owner, summary, retryAt, now)
      .catch((e: unknown) => ctx.log.error({ err: e, jobId: job.id }, 'job failure not recorded; its lease will expire'));
    ctx.log.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, error: summary, failed: !retryAt }, 'job failed');
  }
}
