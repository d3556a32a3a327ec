import type { Selectable } from 'kysely';

/** Where a job is in its life. `running` always comes with a lease (owner and expiry). */
export type JobStatus = 'pending' | 'running' | 'done' | 'cancelled' | 'failed';

/**
 * Work to do at a given time, persisted so that it survives restarts and
 * runs on exactly one node: a node claims a job by a conditional update that
 * sets a lease, and a job whose lease ran out (its node died) is claimed again.
 */
export interface JobsTable {
  id: string;
  /** The organisation the work is for; null for installation-wide work. */
  organisation_id: string | null;
  /** Selects the handler. */
  kind: string;
  /** Unique name of what the job does (`reminder:day_before:<appointment>:<start>`): scheduling it twice is a no-op. */
  key: string;
  /** Not before this instant. When a failed attempt waits for its retry: the retry time. */
  run_at: string;
  status: JobStatus;
  /** Attempts started so far (claims). */
  attempts: number;
  /** While running: until when the owner holds the job. */
  lease_until: string | null;
  /** The runner that holds (or last held) the job. */
  lease_owner: string | null;
  /** Short reason of the last failure (an error class, never personal data). */
  last_error: string | null;
  /** JSON object: the handler's arguments. */
  payload: string;
  created_at: string;
  updated_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    jobs: JobsTable;
  }
  interface MailQueueTable {
    /**
     * Set for messages that must be queued at most once whoever queues them
     * (a reminder: its job's key); unique, so a second insert is a no-op.
     */
    dedupe_key: string | null;
  }
}

/** A stored job. */
export type Job = Selectable<JobsTable>;
