import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Integration API v1: idempotency keys of `POST /api/v1/appointments`,
 * webhook subscriptions, the events of appointment changes and their
 * deliveries. Portable types only (text, integer); instants are ISO-8601 UTC
 * strings, as in 0001.
 */
export const m0002Integration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_idempotency_keys')
      .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.references('appointments.id'))
      .addColumn('response_status', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('locked_until', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      // The database decides which of concurrent duplicates goes ahead.
      .addPrimaryKeyConstraint('api_idempotency_keys_pk', ['api_key_id', 'idempotency_key'])
      .execute();
    await db.schema
      .createIndex('api_idempotency_keys_expiry')
      .on('api_idempotency_keys')
      .columns(['api_key_id', 'expires_at'])
      .execute();

    await db.schema
      .createTable('webhook_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_subscriptions_org')
      .on('webhook_subscriptions')
      .columns(['organisation_id', 'api_key_id'])
      .execute();

    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_events_org_time')
      .on('webhook_events')
      .columns(['organisation_id', 'occurred_at'])
      .execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
      .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      // One delivery per event and subscription, whatever happens.
      .addUniqueConstraint('webhook_deliveries_event_subscription', ['event_id', 'subscription_id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_subscription')
      .on('webhook_deliveries')
      .columns(['subscription_id', 'status'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ['webhook_deliveries', 'webhook_events', 'webhook_subscriptions', 'api_idempotency_keys']) {
      await sql`drop table if exists ${sql.table(t)}`.execute(db);
    }
  },
};
