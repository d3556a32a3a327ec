import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The organ seals administrators install from the console (issue 9): the
 * PKCS#12 and its password, each encrypted under the master key, with the
 * certificate's public details beside them for lists and warnings. A seal is
 * never deleted — evidence signed with it must stay explainable — only
 * replaced: at most one row per organisation has `replaced_at` null (a
 * partial unique index, portable to SQLite and PostgreSQL).
 *
 * Also the console's webhook test deliveries: a test event is not an
 * appointment change (`webhook_events.appointment_id` is required), so its
 * one attempt is recorded here rather than in `webhook_deliveries`.
 */
export const m0021OrganisationSeals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organisation_seals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('p12', 'text', (c) => c.notNull())
      .addColumn('password', 'text', (c) => c.notNull())
      .addColumn('certificate', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('serial', 'text', (c) => c.notNull())
      .addColumn('not_before', 'text', (c) => c.notNull())
      .addColumn('not_after', 'text', (c) => c.notNull())
      .addColumn('key_usage', 'text', (c) => c.notNull())
      .addColumn('ext_key_usage', 'text', (c) => c.notNull())
      .addColumn('key_type', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('installed_by', 'text', (c) => c.notNull())
      .addColumn('installed_at', 'text', (c) => c.notNull())
      .addColumn('replaced_at', 'text')
      .addColumn('expiry_warned_at', 'text')
      .execute();
    await db.schema
      .createIndex('organisation_seals_current')
      .on('organisation_seals')
      .column('organisation_id')
      .unique()
      .where(sql.ref('replaced_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('organisation_seals_history')
      .on('organisation_seals')
      .columns(['organisation_id', 'installed_at'])
      .execute();

    await db.schema
      .createTable('webhook_test_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id'))
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('sent_by', 'text', (c) => c.notNull())
      .addColumn('attempted_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_test_deliveries_subscription')
      .on('webhook_test_deliveries')
      .columns(['subscription_id', 'attempted_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists webhook_test_deliveries`.execute(db);
    await sql`drop table if exists organisation_seals`.execute(db);
  },
};
