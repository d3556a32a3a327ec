import type { Db } from '../db/database.ts';
import type { WebhookTestDeliveriesTable } from '../seal-admin/seal-admin.tables.ts';

/** How many recent deliveries each subscription shows. */
export const RECENT_DELIVERIES = 5;

/** SQL of the console's integrations section: every key and subscription of the organisation. */
export const integrationsAdminRepo = {
  apiKeys(db: Db, organisationId: string) {
    return db
      .selectFrom('api_keys')
      .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'revoked_at'])
      .where('organisation_id', '=', organisationId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
  },

  apiKey(db: Db, organisationId: string, id: string) {
    return db
      .selectFrom('api_keys')
      .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'revoked_at'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Revokes a key unless it already is; false when nothing changed. */
  async revokeApiKey(db: Db, organisationId: string, id: string, nowIso: string): Promise<boolean> {
    const res = await db
      .updateTable('api_keys')
      .set({ revoked_at: nowIso })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** The organisation's live subscriptions with their key, oldest first. */
  subscriptions(db: Db, organisationId: string, id?: string) {
    return db
      .selectFrom('webhook_subscriptions as s')
      .innerJoin('api_keys as k', 'k.id', 's.api_key_id')
      .select(['s.id', 's.url', 's.events', 's.secret', 's.created_at', 's.api_key_id', 'k.name as key_name', 'k.prefix as key_prefix', 'k.revoked_at as key_revoked_at'])
      .where('s.organisation_id', '=', organisationId)
      .where('s.deleted_at', 'is', null)
      .$if(id !== undefined, (qb) => qb.where('s.id', '=', id ?? ''))
      .orderBy('s.created_at')
      .orderBy('s.id')
      .execute();
  },

  /** The latest queued deliveries of one subscription. */
  recentDeliveries(db: Db, organisationId: string, subscriptionId: string) {
    return db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select(['d.status', 'd.attempts', 'd.last_status', 'd.last_error', 'd.created_at', 'd.delivered_at', 'e.type'])
      .where('d.organisation_id', '=', organisationId)
      .where('d.subscription_id', '=', subscriptionId)
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(RECENT_DELIVERIES)
      .execute();
  },

  /** The latest test events sent to one subscription. */
  recentTests(db: Db, organisationId: string, subscriptionId: string) {
    return db
      .selectFrom('webhook_test_deliveries')
      .select(['status_code', 'error', 'attempted_at'])
      .where('organisation_id', '=', organisationId)
      .where('subscription_id', '=', subscriptionId)
      .orderBy('attempted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(RECENT_DELIVERIES)
      .execute();
  },

  insertTest(db: Db, row: WebhookTestDeliveriesTable) {
    return db.insertInto('webhook_test_deliveries').values(row).execute();
  },
};
