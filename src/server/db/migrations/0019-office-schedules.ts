import type { Kysely, Migration } from 'kysely';

/**
 * Offices and schedules in the administration console (issue 9): each
 * weekly window of an agent may say at which office it is worked (null: the
 * agent's only office, or not said — the windows seeded before this).
 * Indexed so that an office in use is found without a scan.
 */
export const m0019OfficeSchedules: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('agent_schedules').addColumn('office_id', 'text', (c) => c.references('offices.id')).execute();
    await db.schema.createIndex('agent_schedules_office').on('agent_schedules').column('office_id').execute();
    await db.schema.createIndex('staff_offices_office').on('staff_offices').column('office_id').execute();
    await db.schema.createIndex('schedule_exceptions_staff').on('schedule_exceptions').columns(['staff_id', 'date']).execute();
  },
};
