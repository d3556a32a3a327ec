import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The guided protocol of a video-call procedure (issue 6).
 * - `procedure_forms`: each procedure's registry-data form (JSON definition,
 *   see src/shared/procedure-forms.ts); a procedure without one uses the
 *   fallback free-text form.
 * - `protocol_steps`: one row per step done or skipped (a missing row is a
 *   pending step); the primary key makes completing a step twice impossible,
 *   whatever races. Each row is also an event of `appointment_events`.
 * - `protocol_forms`: the form data the agent fills in during the call (a
 *   draft until the registry-data step is done), and the one-time code for
 *   the signature alternative (only its SHA-256 is kept).
 */
export const m0014Protocol: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('procedure_forms')
      .addColumn('procedure_id', 'text', (c) => c.primaryKey().references('procedures.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      // JSON { fields: [...] }.
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('protocol_steps')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      // recording_notice | identification | documents | registry_data | consent | receipt
      .addColumn('step', 'text', (c) => c.notNull())
      // done | skipped
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      // The written reason of a skipped step.
      .addColumn('reason', 'text')
      // JSON: what the step produced (snapshot ids, form hash, entry number and CSV, signature blob).
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('protocol_steps_pk', ['appointment_id', 'step'])
      .execute();
    await db.schema
      .createTable('protocol_forms')
      .addColumn('appointment_id', 'text', (c) => c.primaryKey().references('appointments.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      // JSON object of the form's fields, as validated.
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('saved_by', 'text', (c) => c.notNull())
      .addColumn('saved_at', 'text', (c) => c.notNull())
      .addColumn('read_aloud_at', 'text')
      // One-time code of the signature alternative: SHA-256 of (appointment id, code), expiry, wrong attempts.
      .addColumn('otp_hash', 'text')
      .addColumn('otp_expires_at', 'text')
      .addColumn('otp_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists protocol_forms`.execute(db);
    await sql`drop table if exists protocol_steps`.execute(db);
    await sql`drop table if exists procedure_forms`.execute(db);
  },
};
