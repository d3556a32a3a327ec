import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Identification snapshots: frames the agent captured from the citizen's
 * video at full resolution (ID front and back, face). The image is an
 * encrypted blob; the row keeps its kind, type, size and SHA-256 (also
 * written to the appointment's history, so the evidence package's event log
 * vouches for each one), who took it and when.
 */
export const m0015Snapshots: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('identification_snapshots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('taken_by', 'text', (c) => c.notNull())
      .addColumn('taken_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('identification_snapshots_appointment').on('identification_snapshots').columns(['organisation_id', 'appointment_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists identification_snapshots`.execute(db);
  },
};
