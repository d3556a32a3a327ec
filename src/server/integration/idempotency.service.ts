import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import type { AppointmentChange } from '../booking/appointment-hooks.ts';
import { sha256Hex } from '../security/secrets.ts';
import { integrationRepo } from './integration.repo.ts';

/** How long a key is remembered: retries within a day get the first answer. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** How long the request that claimed a key owns it; past this, a retry may take over an unfinished one. */
const LOCK_MS = 60_000;

/** An answer to remember and replay. */
export interface IdempotentResponse<T> {
  status: number;
  body: T;
}

interface Claim {
  apiKeyId: string;
  key: string;
  lockedUntil: string;
}

/** The claim of the request being served, for the listener that runs inside the booking's transaction. */
const currentClaim = new AsyncLocalStorage<Claim>();

/**
 * `onAppointmentChange` listener: records which appointment a claimed key
 * booked, in the booking's own transaction. So a booking is committed if and
 * only if its key points at it, and a retry after a crash replays it instead
 * of booking again. The update is conditional on the claim's lock: when a
 * retry has taken the key over meanwhile, this throws and the booking rolls
 * back — the database decides who books.
 */
export async function linkIdempotentBooking(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  const claim = currentClaim.getStore();
  if (!claim || change.type !== 'booked') return;
  const res = await trx
    .updateTable('api_idempotency_keys')
    .set({ appointment_id: change.appointment.id })
    .where('api_key_id', '=', claim.apiKeyId)
    .where('idempotency_key', '=', claim.key)
    .where('locked_until', '=', claim.lockedUntil)
    .where('appointment_id', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw errors.conflict('idempotency_key_in_progress', { retryAfterSeconds: 1 });
}

/** JSON with object keys sorted at every level, so equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fingerprint of a request: the same key may only be reused for the same request. */
export function requestHash(method: string, path: string, body: unknown): string {
  return sha256Hex(`${method} ${path}\n${canonicalJson(body)}`);
}

/** What an idempotent call needs. */
export interface IdempotentCall<T> {
  apiKeyId: string;
  organisationId: string;
  /** The `Idempotency-Key` header; without it the call simply runs. */
  key: string | undefined;
  hash: string;
  /** Does the work (books) and answers. */
  run: () => Promise<IdempotentResponse<T>>;
  /** Answers for an appointment a crashed earlier attempt booked but could not answer. */
  rebuild: (appointmentId: string) => Promise<IdempotentResponse<T>>;
}

/**
 * Runs `run` at most once per (API key, Idempotency-Key) within 24 h
 * (draft-ietf-httpapi-idempotency-key-header §2): the first request inserts
 * the key — the primary key lets exactly one of concurrent duplicates do so —
 * and stores its answer; later ones with the same body get that answer
 * again (`replayed`), with another body 422 `idempotency_key_reused`, and
 * while the first is still running 409 `idempotency_key_in_progress`. A
 * request that fails without booking frees the key, so it can be retried.
 */
export async function idempotent<T>(ctx: AppContext, call: IdempotentCall<T>): Promise<IdempotentResponse<T> & { replayed: boolean }> {
  if (call.key === undefined) return { ...(await call.run()), replayed: false };
  const { db } = ctx;
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const lockedUntil = new Date(now.getTime() + LOCK_MS).toISOString();
  const claim: Claim = { apiKeyId: call.apiKeyId, key: call.key, lockedUntil };

  await integrationRepo.deleteExpiredKeys(db, call.apiKeyId, nowIso);
  let owned = true;
  try {
    await integrationRepo.insertKey(db, {
      api_key_id: call.apiKeyId,
      idempotency_key: call.key,
      organisation_id: call.organisationId,
      request_hash: call.hash,
      appointment_id: null,
      response_status: null,
      response_body: null,
      locked_until: lockedUntil,
      created_at: nowIso,
      expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    owned = false;
  }

  if (!owned) {
    const existing = await integrationRepo.key(db, call.apiKeyId, call.key);
    if (!existing) throw errors.conflict('idempotency_key_in_progress', { retryAfterSeconds: 1 });
    if (existing.request_hash !== call.hash) throw errors.unprocessable('idempotency_key_reused');
    if (existing.response_status !== null && existing.response_body !== null) {
      // Stored by this function from a `T`, so it parses back to one.
      return { status: existing.response_status, body: JSON.parse(existing.response_body) as T, replayed: true };
    }
    if (existing.locked_until > nowIso) throw errors.conflict('idempotency_key_in_progress', { retryAfterSeconds: 1 });
    if (existing.appointment_id) {
      // The first attempt booked, then ended before answering (a crash): answer from the booking.
      const rebuilt = await call.rebuild(existing.appointment_id);
      await integrationRepo.saveResponse(db, call.apiKeyId, call.key, rebuilt.status, JSON.stringify(rebuilt.body));
      return { ...rebuilt, replayed: true };
    }
    // The first attempt ended before booking: take the key over, unless another retry just did.
    if (!(await integrationRepo.relock(db, existing, lockedUntil))) {
      throw errors.conflict('idempotency_key_in_progress', { retryAfterSeconds: 1 });
    }
  }

  try {
    const result = await currentClaim.run(claim, call.run);
    await integrationRepo.saveResponse(db, call.apiKeyId, call.key, result.status, JSON.stringify(result.body));
    return { ...result, replayed: false };
  } catch (error) {
    await integrationRepo.releaseUnused(db, call.apiKeyId, call.key, lockedUntil).catch(() => undefined);
    throw error;
  }
}
