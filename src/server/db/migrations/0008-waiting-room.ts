import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The waiting room. `appointment_presence` holds, per appointment the
 * citizen has entered, when they first arrived, since when they wait, and the
 * recording consent they gave on entering (the processing consent is a
 * condition of entering, so it needs no column). A table of its own rather
 * than columns on `appointments`: rows that never saw a citizen stay as they
 * are, and the booking code that writes whole appointment rows is untouched.
 * `organisations.no_show_minutes` is how long after the start an absent
 * citizen's appointment becomes "desisted". Each step is also in `appointment_events`.
 */
export const m0008WaitingRoom: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('appointment_presence')
      .addColumn('appointment_id', 'text', (c) => c.primaryKey().references('appointments.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('arrived_at', 'text', (c) => c.notNull())
      // Null while not waiting (in the call, or left).
      .addColumn('waiting_since', 'text')
      // 1 yes, 0 no: the answer given on the last entry.
      .addColumn('consent_recording', 'integer', (c) => c.notNull())
      .addColumn('consent_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('organisations').addColumn('no_show_minutes', 'integer', (c) => c.notNull().defaultTo(10)).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('organisations').dropColumn('no_show_minutes').execute();
    await sql`drop table if exists appointment_presence`.execute(db);
  },
};
