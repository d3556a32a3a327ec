import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The outbox of evidence deliveries to case-management systems (issue 7):
 * one row per sealed package whose procedure names a connector. The row's
 * id is the delivery id receivers de-duplicate on. A worker claims a due row
 * with a lease (owner + expiry) so that one process at a time attempts it,
 * records each outcome, and the row ends `acknowledged` (with the receiver's
 * reference — what a later retention job requires before purging) or `dead`
 * (supervisors alerted once, `alerted_at`). `last_error` is a short reason,
 * never personal data.
 */
export const m0023Deliveries: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('package_id', 'text', (c) => c.notNull().unique().references('evidence_packages.id'))
      .addColumn('connector', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('reference', 'text')
      .addColumn('acknowledged_at', 'text')
      .addColumn('dead_after', 'text', (c) => c.notNull())
      .addColumn('dead_at', 'text')
      .addColumn('alerted_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createIndex('deliveries_organisation').on('deliveries').columns(['organisation_id', 'state', 'created_at']).execute();
    await db.schema.createIndex('deliveries_appointment').on('deliveries').columns(['organisation_id', 'appointment_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists deliveries`.execute(db);
  },
};
