import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Sealed evidence packages (ASiC-E) of appointments. The package itself is an
 * encrypted blob; the row says which appointment it is for, its size and the
 * SHA-256 of its bytes (what the case-management system receives and can
 * check), how many files it holds, who sealed it, when, with which seal, and
 * whether its signature carries a timestamp. A package is never changed: a
 * later one (after more happened) is a new row.
 */
export const m0013EvidencePackages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('evidence_packages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('file_count', 'integer', (c) => c.notNull())
      .addColumn('seal_subject', 'text', (c) => c.notNull())
      .addColumn('timestamped', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('evidence_packages_appointment').on('evidence_packages').columns(['organisation_id', 'appointment_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists evidence_packages`.execute(db);
  },
};
