import type { Selectable } from 'kysely';

/**
 * One `Idempotency-Key` an API key has used on `POST /api/v1/appointments`
 * (draft-ietf-httpapi-idempotency-key-header). The primary key
 * (api_key_id, idempotency_key) is what makes concurrent duplicates safe:
 * the database accepts one of them and refuses the rest.
 */
export interface ApiIdempotencyKeysTable {
  api_key_id: string;
  idempotency_key: string;
  organisation_id: string;
  /** SHA-256 of the canonical request (method, path, body): the same key with another body is refused. */
  request_hash: string;
  /** Set in the booking's own transaction, so a committed booking is never booked again. */
  appointment_id: string | null;
  /** The first answer, replayed verbatim to every retry (null while the first request runs). */
  response_status: number | null;
  response_body: string | null;
  /** While in the future, the request that inserted the row is still working on it. */
  locked_until: string;
  created_at: string;
  /** After this the key may be used again (24 h). */
  expires_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    api_idempotency_keys: ApiIdempotencyKeysTable;
  }
}

/** A stored idempotency key. */
export type ApiIdempotencyKey = Selectable<ApiIdempotencyKeysTable>;
