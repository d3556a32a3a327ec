import type { Transaction } from 'kysely';
import { isPostgres, precompiled, type Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { WebhookDeliveriesTable, WebhookDelivery, WebhookDeliveryStatus, WebhookEventsTable, WebhookSubscription } from './webhooks.tables.ts';

type Trx = Transaction<Database>;

// Run in every appointment change's transaction: compiled once (see `precompiled`).
const insertEvent = precompiled((db, v: { row: WebhookEventsTable }) => db.insertInto('webhook_events').values(v.row));
/** Subscriptions that receive events: not deleted, and their API key not revoked. */
const liveSubscriptions = precompiled((db, v: { organisationId: string }) =>
  db
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('api_keys as k', 'k.id', 's.api_key_id')
    .select(['s.id', 's.events'])
    .where('s.organisation_id', '=', v.organisationId)
    .where('s.deleted_at', 'is', null)
    .where('k.revoked_at', 'is', null),
);
/** PostgreSQL only: both in one statement, the event written by a data-modifying WITH. */
const insertEventListingSubscriptions = precompiled((db, v: { row: WebhookEventsTable }) =>
  db
    .with('event', (qc) => qc.insertInto('webhook_events').values(v.row))
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('api_keys as k', 'k.id', 's.api_key_id')
    .select(['s.id', 's.events'])
    .where('s.organisation_id', '=', v.row.organisation_id)
    .where('s.deleted_at', 'is', null)
    .where('k.revoked_at', 'is', null),
);

/** SQL of webhooks: subscriptions, events, deliveries and their leases. */
export const webhooksRepo = {
  /**
   * Writes an event and returns its organisation's live subscriptions. On
   * PostgreSQL that is one statement, a round trip fewer in every
   * appointment change's transaction; SQLite has neither round trips nor
   * data-modifying WITH, and runs the two.
   */
  async insertEventListingSubscriptions(trx: Trx, row: WebhookEventsTable): Promise<Pick<WebhookSubscription, 'id' | 'events'>[]> {
    if (isPostgres(trx)) return (await insertEventListingSubscriptions(trx, { row })).rows;
    await insertEvent(trx, { row });
    return (await liveSubscriptions(trx, { organisationId: row.organisation_id })).rows;
  },

  async insertDeliveries(trx: Trx, rows: WebhookDeliveriesTable[]): Promise<void> {
    if (rows.length > 0) await trx.insertInto('webhook_deliveries').values(rows).execute();
  },

  insertSubscription(db: Db, row: WebhookSubscription) {
    return db.insertInto('webhook_subscriptions').values(row).execute();
  },

  /** The live subscriptions of one API key, oldest first. */
  subscriptionsOfKey(db: Db, organisationId: string, apiKeyId: string): Promise<WebhookSubscription[]> {
    return db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('api_key_id', '=', apiKeyId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  /** Deletes a key's subscription and discards what it had not received yet; false when there is none. */
  async deleteSubscription(db: Db, organisationId: string, apiKeyId: string, id: string, nowIso: string): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('webhook_subscriptions')
        .set({ deleted_at: nowIso })
        .where('organisation_id', '=', organisationId)
        .where('api_key_id', '=', apiKeyId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'discarded' })
        .where('subscription_id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      return true;
    });
  },

  /** Ids of pending deliveries due by `nowIso`, oldest first. */
  async dueDeliveries(db: Db, nowIso: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /** A delivery with what sending it needs: the event's body and the subscription's target and secret. */
  deliveryForSending(db: Db, id: string) {
    return db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
      .innerJoin('api_keys as k', 'k.id', 's.api_key_id')
      .select([
        'd.id',
        'd.status',
        'd.attempts',
        'd.next_attempt_at',
        'd.created_at',
        'd.event_id',
        'd.subscription_id',
        'e.type',
        'e.payload',
        's.url',
        's.secret',
        's.deleted_at',
        'k.revoked_at',
      ])
      .where('d.id', '=', id)
      .executeTakeFirst();
  },

  /**
   * Claims a due delivery for one attempt: the update succeeds only if the
   * row is still as read, so of two nodes racing exactly one gets it. The
   * claim moves `next_attempt_at` to the end of the lease; if the node dies
   * mid-attempt, the delivery becomes due again then.
   */
  async claim(db: Db, d: Pick<WebhookDelivery, 'id' | 'attempts' | 'next_attempt_at'>, leaseUntil: string): Promise<boolean> {
    const res = await db
      .updateTable('webhook_deliveries')
      .set({ attempts: d.attempts + 1, next_attempt_at: leaseUntil })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', d.attempts)
      .where('next_attempt_at', '=', d.next_attempt_at)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Records an attempt's outcome, only while this node still holds the lease. */
  finish(
    db: Db,
    id: string,
    leaseUntil: string,
    outcome: { status: WebhookDeliveryStatus; nextAttemptAt: string; lastStatus: number | null; lastError: string | null; deliveredAt: string | null },
  ) {
    return db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        next_attempt_at: outcome.nextAttemptAt,
        last_status: outcome.lastStatus,
        last_error: outcome.lastError,
        delivered_at: outcome.deliveredAt,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', leaseUntil)
      .execute();
  },

  /** Gives up a pending delivery whose subscription or key is gone. */
  discard(db: Db, id: string) {
    return db.updateTable('webhook_deliveries').set({ status: 'discarded' }).where('id', '=', id).where('status', '=', 'pending').execute();
  },

  /**
   * Forgets finished deliveries created before `cutoffIso`, then the events
   * before it that no delivery refers to any more (their bodies hold the
   * citizen's name and email: kept only as long as they are useful).
   */
  async purgeBefore(db: Db, cutoffIso: string): Promise<number> {
    await db.deleteFrom('webhook_deliveries').where('status', '!=', 'pending').where('created_at', '<', cutoffIso).execute();
    const res = await db
      .deleteFrom('webhook_events')
      .where('occurred_at', '<', cutoffIso)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'webhook_events.id'))))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  },

  /** Deliveries per status, for `/metrics`. */
  async countByStatus(db: Db): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('webhook_deliveries')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .groupBy('status')
      .execute();
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  },
};
