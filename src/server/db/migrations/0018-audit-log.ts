import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The audit trail (issue 7): every staff action on personal data — who,
 * what, when, from where — one row per action, numbered per organisation
 * without gaps and hash-chained (each row's SHA-256 covers the previous
 * row's), so that a removed, inserted or edited row is detected by
 * `finestreta audit verify`. Rows are only ever appended.
 */
export const m0018AuditLog: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text')
      .addColumn('target', 'text')
      .addColumn('ip', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['organisation_id', 'seq'])
      .execute();
    await db.schema.createIndex('audit_log_org_at').on('audit_log').columns(['organisation_id', 'at']).execute();
    await db.schema.createIndex('audit_log_org_actor').on('audit_log').columns(['organisation_id', 'actor', 'seq']).execute();
    await db.schema.createIndex('audit_log_org_appointment').on('audit_log').columns(['organisation_id', 'appointment_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists audit_log`.execute(db);
  },
};
