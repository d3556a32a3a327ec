import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The built-in registry book (Ley 39/2015 art. 16). `registry_counters`
 * holds one row per organisation and year with the last number given; the
 * entry's insert and the counter's increment share a transaction, so a
 * number is never given twice nor skipped (a rolled-back entry rolls its
 * number back too). `registry_entries` is append-only: an entry is never
 * edited, only its receipt is attached once it is sealed.
 */
export const m0011Registry: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('registry_counters')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      // The year in the organisation's time zone.
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('last_number', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('registry_counters_pk', ['organisation_id', 'year'])
      .execute();
    await db.schema
      .createTable('registry_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      // REGE-<year>-<6 digits>
      .addColumn('number', 'text', (c) => c.notNull())
      // Secure verification code (Ley 40/2015 art. 42.b), printed on the receipt.
      .addColumn('csv', 'text', (c) => c.notNull().unique())
      // One entry per appointment at most; null for entries made otherwise.
      .addColumn('appointment_id', 'text', (c) => c.references('appointments.id'))
      .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
      // The procedure's localised names (JSON) as they were when registered.
      .addColumn('procedure_name', 'text', (c) => c.notNull())
      .addColumn('interested_name', 'text', (c) => c.notNull())
      .addColumn('interested_id_type', 'text', (c) => c.notNull())
      .addColumn('interested_id_number', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      // JSON object of the procedure form's fields.
      .addColumn('form_data', 'text', (c) => c.notNull())
      // JSON array of { name, sha256, size }.
      .addColumn('annexes', 'text', (c) => c.notNull())
      // The language the receipt is written in.
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // The receipt's blob in the encrypted store; its digest once the sealed PDF is stored.
      .addColumn('receipt_blob_id', 'text', (c) => c.notNull())
      .addColumn('receipt_sha256', 'text')
      .addColumn('receipt_size', 'integer')
      .addColumn('receipt_sealed_at', 'text')
      // Subject of the seal certificate that signed it (a TEST SEAL says so).
      .addColumn('receipt_seal_subject', 'text')
      .addUniqueConstraint('registry_entries_org_number', ['organisation_id', 'number'])
      .addUniqueConstraint('registry_entries_org_year_sequence', ['organisation_id', 'year', 'sequence'])
      .addUniqueConstraint('registry_entries_org_appointment', ['organisation_id', 'appointment_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists registry_entries`.execute(db);
    await sql`drop table if exists registry_counters`.execute(db);
  },
};
