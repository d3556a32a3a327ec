import type { Db } from '../db/database.ts';
import type { Appointment } from '../db/schema.ts';
import type { ApiIdempotencyKey } from './integration.tables.ts';

/** SQL of the integration API: keys, idempotency records, appointments by id. */
export const integrationRepo = {
  /** The unrevoked API key with this SHA-256 (keys are high-entropy, so a hash lookup is enough). */
  activeKeyByHash(db: Db, keyHash: string) {
    return db
      .selectFrom('api_keys')
      .select(['id', 'organisation_id', 'scopes'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },

  appointment(db: Db, organisationId: string, id: string): Promise<Appointment | undefined> {
    return db
      .selectFrom('appointments')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Forgets the key's idempotency records older than 24 h, so their keys may be used again. */
  deleteExpiredKeys(db: Db, apiKeyId: string, nowIso: string) {
    return db
      .deleteFrom('api_idempotency_keys')
      .where('api_key_id', '=', apiKeyId)
      .where('expires_at', '<=', nowIso)
      .execute();
  },

  /** Every expired idempotency record, for periodic housekeeping. */
  async purgeExpiredKeys(db: Db, nowIso: string): Promise<number> {
    const res = await db.deleteFrom('api_idempotency_keys').where('expires_at', '<=', nowIso).executeTakeFirst();
    return Number(res.numDeletedRows);
  },

  /** Inserts the record; the primary key refuses a second one for the same (API key, key). */
  insertKey(db: Db, row: ApiIdempotencyKey) {
    return db.insertInto('api_idempotency_keys').values(row).execute();
  },

  key(db: Db, apiKeyId: string, key: string): Promise<ApiIdempotencyKey | undefined> {
    return db
      .selectFrom('api_idempotency_keys')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  },

  /** Takes over an abandoned record (its request ended before booking); false when another request did. */
  async relock(db: Db, row: ApiIdempotencyKey, lockedUntil: string): Promise<boolean> {
    const res = await db
      .updateTable('api_idempotency_keys')
      .set({ locked_until: lockedUntil })
      .where('api_key_id', '=', row.api_key_id)
      .where('idempotency_key', '=', row.idempotency_key)
      .where('locked_until', '=', row.locked_until)
      .where('appointment_id', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  saveResponse(db: Db, apiKeyId: string, key: string, status: number, body: string) {
    return db
      .updateTable('api_idempotency_keys')
      .set({ response_status: status, response_body: body })
      .where('api_key_id', '=', apiKeyId)
      .where('idempotency_key', '=', key)
      .execute();
  },

  /** Frees the key after a request that booked nothing failed, so the caller may retry with it. */
  releaseUnused(db: Db, apiKeyId: string, key: string, lockedUntil: string) {
    return db
      .deleteFrom('api_idempotency_keys')
      .where('api_key_id', '=', apiKeyId)
      .where('idempotency_key', '=', key)
      .where('locked_until', '=', lockedUntil)
      .where('appointment_id', 'is', null)
      .execute();
  },
};
