import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { canonicalJson, requestHash } from './idempotency.service.ts';
import { apiBooking, apiKeyFor, v1 } from './integration.fixture.ts';
import { createAppointmentRequest } from './integration.schema.ts';

// March 2026 is CET (UTC+1): 09:00 local is 08:00Z.
const at = (day: number, hourUtc: number) => `2026-03-${String(day).padStart(2, '0')}T${String(hourUtc).padStart(2, '0')}:00:00.000Z`;

describe('request fingerprints', () => {
  it('ignore key order but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash('POST', '/x', { a: 1, b: 2 })).toBe(requestHash('POST', '/x', { b: 2, a: 1 }));
    expect(requestHash('POST', '/x', { a: 1 })).not.toBe(requestHash('POST', '/x', { a: 2 }));
  });
});

describe.each(DIALECTS)('Idempotency-Key on POST /api/v1/appointments (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let key: { id: string; authorization: string };
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
    key = await apiKeyFor(t, t.orgA.id);
  });
  afterAll(async () => t.close());

  const post = (body: unknown, idempotencyKey: string | undefined, authorization = key.authorization) =>
    v1(t, 'POST', '/api/v1/appointments', { authorization, payload: body, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });
  const appointmentsOf = async (email: string) =>
    (await t.ctx.db.selectFrom('appointments').select('id').where('citizen_email', '=', email).execute()).length;

  it('replays the first 201 for the same key and body, and books once', async () => {
    const body = apiBooking(padro, at(3, 8), 1);
    const first = await post(body, 'order-1');
    expect(first.statusCode).toBe(201);
    const mails = t.mail.sent.length;
    const second = await post(body, 'order-1');
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await appointmentsOf('citizen1@example.org')).toBe(1);
    expect(t.mail.sent.length).toBe(mails);
  });

  it('treats the same body written differently as the same request', async () => {
    const body = apiBooking(padro, at(3, 9), 2);
    const first = await post(body, 'order-2');
    const reordered = { citizen: { ...body.citizen, email: ' Citizen2@Example.org ' }, startsAt: body.startsAt, procedureId: body.procedureId };
    const second = await post(reordered, 'order-2');
    expect(second.statusCode).toBe(201);
    expect(second.json().data.id).toBe(first.json().data.id);
  });

  it('refuses the same key with another body: 422 idempotency_key_reused', async () => {
    await post(apiBooking(padro, at(3, 10), 3), 'order-3');
    const res = await post(apiBooking(padro, at(3, 11), 3), 'order-3');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ id: 'idempotency_key_reused', message: expect.stringContaining('different request') });
    expect(await appointmentsOf('citizen3@example.org')).toBe(1);
  });

  it('keeps keys per API key', async () => {
    const other = await apiKeyFor(t, t.orgA.id);
    const a = await post(apiBooking(padro, at(4, 8), 4), 'shared-key');
    const b = await post(apiBooking(padro, at(4, 8), 5), 'shared-key', other.authorization);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().data.id).not.toBe(a.json().data.id);
  });

  it('frees the key when nothing was booked, so the caller can correct and retry', async () => {
    const night = await post(apiBooking(padro, at(4, 2), 6), 'order-6');
    expect(night.statusCode).toBe(422);
    expect(night.json().error.id).toBe('slot_unavailable');
    const fixed = await post(apiBooking(padro, at(4, 9), 6), 'order-6');
    expect(fixed.statusCode).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers 409 idempotency_key_in_progress while the first request runs', async () => {
    const body = apiBooking(padro, at(4, 10), 7);
    const now = t.clock.now();
    await t.ctx.db
      .insertInto('api_idempotency_keys')
      .values({
        api_key_id: key.id,
        idempotency_key: 'order-7',
        organisation_id: t.orgA.id,
        request_hash: requestHash('POST', '/api/v1/appointments', createAppointmentRequest.parse(body)),
        appointment_id: null,
        response_status: null,
        response_body: null,
        locked_until: new Date(now.getTime() + 30_000).toISOString(),
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
      })
      .execute();
    const res = await post(body, 'order-7');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ id: 'idempotency_key_in_progress', details: { retryAfterSeconds: 1 } });
    // The first request died before booking: once its lock ends, a retry books.
    t.clock.advance(31_000);
    const retry = await post(body, 'order-7');
    expect(retry.statusCode).toBe(201);
    expect(await appointmentsOf('citizen7@example.org')).toBe(1);
  });

  it('answers from the booking when the first request booked but died before answering', async () => {
    const body = apiBooking(padro, at(4, 11), 8);
    const first = await post(body, 'order-8');
    await t.ctx.db
      .updateTable('api_idempotency_keys')
      .set({ response_status: null, response_body: null })
      .where('idempotency_key', '=', 'order-8')
      .execute();
    const stillLocked = await post(body, 'order-8');
    expect(stillLocked.statusCode).toBe(409);
    t.clock.advance(61_000);
    const retry = await post(body, 'order-8');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().data.id).toBe(first.json().data.id);
    expect(await appointmentsOf('citizen8@example.org')).toBe(1);
  });

  it('forgets keys after 24 hours', async () => {
    const body = apiBooking(padro, at(5, 8), 9);
    const first = await post(body, 'order-9');
    t.clock.advance(24 * 3_600_000 + 1_000);
    const later = await post(apiBooking(padro, at(5, 9), 9), 'order-9');
    expect(later.statusCode).toBe(201);
    expect(later.json().data.id).not.toBe(first.json().data.id);
  });

  it('books once when 10 identical requests race', async () => {
    const body = apiBooking(padro, at(6, 8), 10);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(body, 'race-1')));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 201 || s === 409), statuses.join(',')).toBe(true);
    const created = answers.filter((r) => r.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json().data.id as string)).size).toBe(1);
    for (const r of answers.filter((x) => x.statusCode === 409)) expect(r.json().error.id).toBe('idempotency_key_in_progress');
    expect(await appointmentsOf('citizen10@example.org')).toBe(1);
    // Once the first has answered, every retry gets its answer.
    const after = await post(body, 'race-1');
    expect(after.statusCode).toBe(201);
    expect(after.json()).toEqual(created[0]?.json());
  });
});
