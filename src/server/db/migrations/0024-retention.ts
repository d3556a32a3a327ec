import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Retention with crypto-shredding and legal holds (issue 7).
 *
 * `legal_holds`: a supervisor's or administrator's order that nothing of an
 * appointment be purged (litigation, a court's or the data-protection
 * authority's request), with who placed and released it and when. At most
 * one active (unreleased) hold per appointment: the partial unique index is
 * what makes two supervisors placing one at once safe.
 *
 * Purge marks: a purge first decides (`purged_at`, in the same transaction
 * as the history event) and then destroys the blobs (`shredded_at`), so a
 * process that dies between the two leaves a row the next pass finishes.
 * `blob_id` of snapshots and packages is NOT NULL since their migrations and
 * SQLite cannot relax that without rebuilding the tables, so there
 * `shredded_at` says the blob is gone (the id names nothing any more);
 * recordings clear `file_blob_id` as documents clear `blob_id`.
 * `appointments.minimised_at`: the citizen's personal data were removed
 * (reference, procedure, dates, status and hashes stay).
 */
export const m0024Retention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('legal_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('placed_by', 'text', (c) => c.notNull())
      .addColumn('placed_at', 'text', (c) => c.notNull())
      .addColumn('released_by', 'text')
      .addColumn('released_at', 'text')
      .execute();
    await db.schema
      .createIndex('legal_holds_active')
      .on('legal_holds')
      .column('appointment_id')
      .unique()
      .where(sql.ref('released_at'), 'is', null)
      .execute();
    await db.schema.createIndex('legal_holds_organisation').on('legal_holds').columns(['organisation_id', 'released_at', 'placed_at']).execute();

    for (const table of ['recordings', 'identification_snapshots', 'evidence_packages']) {
      await db.schema.alterTable(table).addColumn('purged_at', 'text').execute();
      await db.schema.alterTable(table).addColumn('shredded_at', 'text').execute();
    }
    await db.schema.alterTable('appointments').addColumn('minimised_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('appointments').dropColumn('minimised_at').execute();
    for (const table of ['recordings', 'identification_snapshots', 'evidence_packages']) {
      await db.schema.alterTable(table).dropColumn('shredded_at').execute();
      await db.schema.alterTable(table).dropColumn('purged_at').execute();
    }
    await sql`drop table if exists legal_holds`.execute(db);
  },
};
