import type { Kysely, Migration } from 'kysely';

/**
 * The partial index of 0001 (`where status in (…)`) is never chosen by
 * SQLite: Kysely binds the status list as parameters, and a partial index is
 * usable only when the query's WHERE matches its condition literally. A full
 * covering index, with the status as its last column, is used for both the
 * month view and the one-slot check of a booking.
 */
export const m0006BusyIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('appointments_open_busy').execute();
    await db.schema
      .createIndex('appointments_busy')
      .on('appointments')
      .columns(['organisation_id', 'busy_start_unit', 'busy_end_unit', 'agent_id', 'status', 'id'])
      .execute();
  },
};
