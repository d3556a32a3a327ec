import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Scheduled work (`jobs`: reminders today) and a de-duplication key on the
 * mail queue, so that a job that runs twice (a node presumed dead that was
 * only slow) still queues its email once. Portable types only (text,
 * integer); instants are ISO-8601 UTC strings, as in 0001.
 */
export const m0003Jobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      // What the job is for (`reminder:join_now:<appointment>:<start>`): scheduling the same thing twice is a no-op.
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_until', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('last_error', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('jobs_key', ['key'])
      .execute();
    // The runner's query: pending jobs by due time, and running ones whose lease ran out.
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

    await db.schema.alterTable('mail_queue').addColumn('dedupe_key', 'text').execute();
    // NULLs are distinct in a unique index on both engines: only keyed messages are constrained.
    await db.schema.createIndex('mail_queue_dedupe_key').on('mail_queue').column('dedupe_key').unique().execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('mail_queue_dedupe_key').execute();
    await db.schema.alterTable('mail_queue').dropColumn('dedupe_key').execute();
    await sql`drop table if exists jobs`.execute(db);
  },
};
