import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { apiBooking, apiKeyFor, v1 } from './integration.fixture.ts';

// March 2026 is CET (UTC+1): 09:00 local is 08:00Z.
const TUE_0900 = '2026-03-03T08:00:00.000Z';
const TUE_1000 = '2026-03-03T09:00:00.000Z';
const WED_0900 = '2026-03-04T08:00:00.000Z';
const WED_1100 = '2026-03-04T10:00:00.000Z';
const THU_0900 = '2026-03-05T08:00:00.000Z';

describe.each(DIALECTS)('integration API v1 (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let padroB: string;
  let full: string;
  let readOnly: string;
  let catalogueOnly: string;
  let keyB: string;
  let keyId = '';
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
    padroB = await procedureId(t, t.orgB.id);
    const k = await apiKeyFor(t, t.orgA.id);
    full = k.authorization;
    keyId = k.id;
    readOnly = (await apiKeyFor(t, t.orgA.id, ['appointments:read'])).authorization;
    catalogueOnly = (await apiKeyFor(t, t.orgA.id, ['catalogue:read'])).authorization;
    keyB = (await apiKeyFor(t, t.orgB.id)).authorization;
  });
  afterAll(async () => t.close());

  describe('authentication', () => {
    it('answers 401 without a key, with the Bearer challenge of RFC 6750', async () => {
      const res = await v1(t, 'GET', '/api/v1/procedures');
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatchObject({ id: 'unauthenticated', message: 'You need to sign in.' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="finestreta"');
    });

    it('answers 401 invalid_api_key for a malformed, unknown or revoked key', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer fin_nope', `Bearer fin_abcdefgh_${'x'.repeat(43)}`]) {
        const res = await v1(t, 'GET', '/api/v1/procedures', { authorization });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.json().error.id).toBe('invalid_api_key');
        expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      }
      const revoked = await apiKeyFor(t, t.orgA.id);
      expect((await v1(t, 'GET', '/api/v1/procedures', { authorization: revoked.authorization })).statusCode).toBe(200);
      await t.ctx.db.updateTable('api_keys').set({ revoked_at: t.clock.now().toISOString() }).where('id', '=', revoked.id).execute();
      const res = await v1(t, 'GET', '/api/v1/procedures', { authorization: revoked.authorization });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.id).toBe('invalid_api_key');
    });

    it('answers 401 to a key of another organisation, by host and by path prefix', async () => {
      expect((await v1(t, 'GET', '/api/v1/procedures', { authorization: keyB })).statusCode).toBe(401);
      expect((await v1(t, 'GET', '/o/alfa/api/v1/procedures', { authorization: keyB, host: 'unknown.test' })).statusCode).toBe(401);
      expect((await v1(t, 'GET', '/o/beta/api/v1/procedures', { authorization: keyB, host: 'unknown.test' })).statusCode).toBe(200);
    });

    it('answers 403 insufficient_scope, naming the scope, before looking at the body', async () => {
      const res = await v1(t, 'POST', '/api/v1/appointments', { authorization: readOnly, payload: { nonsense: true } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ id: 'insufficient_scope', details: { scope: 'appointments:write' } });
      expect(res.json().error.message).toContain('appointments:write');
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope", scope="appointments:write"');
    });
  });

  describe('catalogue', () => {
    it('lists the procedures in the asked language', async () => {
      const res = await v1(t, 'GET', '/api/v1/procedures?lang=es', { authorization: catalogueOnly });
      expect(res.statusCode).toBe(200);
      const list = res.json().data as { id: string; name: string }[];
      expect(list.find((p) => p.id === padro)?.name).toBe('Certificado de empadronamiento');
      expect(list.some((p) => p.id === padroB)).toBe(false);
    });

    it('lists free slots from the availability service', async () => {
      const res = await v1(t, 'GET', `/api/v1/procedures/${padro}/slots?from=2026-03-03&to=2026-03-04`, { authorization: catalogueOnly });
      expect(res.statusCode).toBe(200);
      const data = res.json().data;
      expect(data.timeZone).toBe('Europe/Madrid');
      expect(data.days.map((d: { date: string }) => d.date)).toEqual(['2026-03-03', '2026-03-04']);
      expect(data.days[0].slots[0]).toEqual({ startsAt: TUE_0900, localTime: '09:00', capacity: 2 });
    });

    it('answers 404 for another organisation’s procedure and 400 with paths for bad dates', async () => {
      const other = await v1(t, 'GET', `/api/v1/procedures/${padroB}/slots?from=2026-03-03&to=2026-03-04`, { authorization: full });
      expect(other.statusCode).toBe(404);
      expect(other.json().error.id).toBe('not_found');
      const bad = await v1(t, 'GET', `/api/v1/procedures/${padro}/slots?from=03/03/2026&to=2026-03-01`, { authorization: full });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.id).toBe('validation_failed');
      expect(bad.json().error.details.issues).toContainEqual({ path: 'from', code: 'invalid_date' });
      const missing = await v1(t, 'GET', `/api/v1/procedures/${padro}/slots`, { authorization: full });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['from', 'to']);
    });
  });

  describe('appointments', () => {
    let bookedId = '';

    it('books a video appointment, emails the citizen and records the API key as the actor', async () => {
      const res = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padro, TUE_0900, 1) });
      expect(res.statusCode).toBe(201);
      const data = res.json().data;
      bookedId = data.id;
      expect(data).toEqual({
        id: expect.any(String),
        reference: expect.stringMatching(/^V-[A-Z2-9]{6}$/),
        status: 'booked',
        procedureId: padro,
        startsAt: TUE_0900,
        endsAt: '2026-03-03T08:15:00.000Z',
        channel: 'video',
        citizen: { name: 'Núria', surnames: 'Puig i Ferrer', email: 'citizen1@example.org', language: 'ca' },
        createdAt: t.clock.now().toISOString(),
        updatedAt: t.clock.now().toISOString(),
      });
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(t.mail.lastTo('citizen1@example.org')?.text).toContain(data.reference);
      const history = await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor']).where('appointment_id', '=', bookedId).execute();
      expect(history).toEqual([{ type: 'appointment.booked', actor: `api:${keyId}` }]);
    });

    it('reads an appointment: the machine view only, never hashes, ID numbers or phones', async () => {
      const res = await v1(t, 'GET', `/api/v1/appointments/${bookedId}`, { authorization: readOnly });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const data = res.json().data;
      expect(Object.keys(data).sort()).toEqual(['channel', 'citizen', 'createdAt', 'endsAt', 'id', 'procedureId', 'reference', 'startsAt', 'status', 'updatedAt']);
      expect(Object.keys(data.citizen).sort()).toEqual(['email', 'language', 'name', 'surnames']);
      // The confirmation email set the citizen's credentials; none of it shows.
      expect(res.body).not.toMatch(/hash|password|token|12345678|600000/i);
    });

    it('answers 404 for another organisation’s appointment, on every route', async () => {
      const theirs = await v1(t, 'POST', '/api/v1/appointments', { host: 'beta.test', authorization: keyB, payload: apiBooking(padroB, TUE_0900, 2) });
      expect(theirs.statusCode).toBe(201);
      const id = theirs.json().data.id as string;
      const read = await v1(t, 'GET', `/api/v1/appointments/${id}`, { authorization: full });
      expect(read.statusCode).toBe(404);
      expect(read.json().error.id).toBe('not_found');
      expect((await v1(t, 'POST', `/api/v1/appointments/${id}/cancel`, { authorization: full, payload: {} })).statusCode).toBe(404);
      expect((await v1(t, 'POST', `/api/v1/appointments/${id}/reschedule`, { authorization: full, payload: { startsAt: TUE_1000 } })).statusCode).toBe(404);
      expect((await v1(t, 'GET', `/api/v1/appointments/${id}`, { host: 'beta.test', authorization: keyB })).statusCode).toBe(200);
    });

    it('refuses bad input with validation_failed and the field paths', async () => {
      const res = await v1(t, 'POST', '/api/v1/appointments', {
        authorization: full,
        payload: { ...apiBooking(padro, TUE_1000, 3, { idNumber: '12345678A', email: 'not-an-email' }), startsAt: 'tomorrow' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.id).toBe('validation_failed');
      expect(res.json().error.details.issues).toEqual(
        expect.arrayContaining([
          { path: 'startsAt', code: expect.any(String) },
          { path: 'citizen.email', code: 'invalid_email' },
        ]),
      );
      const noCitizen = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: { procedureId: padro, startsAt: TUE_1000 } });
      expect(noCitizen.json().error.details.issues).toContainEqual({ path: 'citizen', code: expect.any(String) });
      const badKey = await v1(t, 'POST', '/api/v1/appointments', {
        authorization: full,
        headers: { 'idempotency-key': 'has spaces' },
        payload: apiBooking(padro, TUE_1000, 3),
      });
      expect(badKey.statusCode).toBe(400);
      expect(badKey.json().error.details.issues).toContainEqual({ path: 'idempotency-key', code: 'invalid_idempotency_key' });
      const longId = await v1(t, 'GET', `/api/v1/appointments/${'x'.repeat(65)}`, { authorization: full });
      expect(longId.statusCode).toBe(400);
      expect(longId.json().error.details.issues).toContainEqual({ path: 'id', code: expect.any(String) });
    });

    it('applies the booking rules: unknown procedure 404, time not offered 422, taken 409 with alternatives', async () => {
      const unknown = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padroB, TUE_1000, 4) });
      expect(unknown.statusCode).toBe(404);
      const night = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padro, '2026-03-03T02:00:00.000Z', 4) });
      expect(night.statusCode).toBe(422);
      expect(night.json().error.id).toBe('slot_unavailable');
      expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padro, TUE_0900, 5) })).statusCode).toBe(201);
      const taken = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padro, TUE_0900, 6) });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.id).toBe('slot_taken');
      expect(taken.json().error.details.alternatives.length).toBeGreaterThan(0);
    });

    it('reschedules to another offered time and tells the citizen', async () => {
      const before = t.mail.sent.length;
      const res = await v1(t, 'POST', `/api/v1/appointments/${bookedId}/reschedule`, { authorization: full, payload: { startsAt: WED_1100 } });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ id: bookedId, status: 'booked', startsAt: WED_1100, endsAt: '2026-03-04T10:15:00.000Z' });
      expect(t.mail.sent.length).toBe(before + 1);
      const read = await v1(t, 'GET', `/api/v1/appointments/${bookedId}`, { authorization: full });
      expect(read.json().data.startsAt).toBe(WED_1100);
    });

    it('refuses a bad or unavailable new time', async () => {
      const bad = await v1(t, 'POST', `/api/v1/appointments/${bookedId}/reschedule`, { authorization: full, payload: { startsAt: '4 March' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.issues[0].path).toBe('startsAt');
      const night = await v1(t, 'POST', `/api/v1/appointments/${bookedId}/reschedule`, { authorization: full, payload: { startsAt: '2026-03-04T22:00:00.000Z' } });
      expect(night.statusCode).toBe(422);
      expect(night.json().error.id).toBe('slot_unavailable');
    });

    it('cancels, with or without a body, tells the citizen, and refuses a second cancel', async () => {
      const other = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padro, THU_0900, 7) });
      const id = other.json().data.id as string;
      const res = await v1(t, 'POST', `/api/v1/appointments/${id}/cancel`, { authorization: full });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ id, status: 'cancelled' });
      expect(t.mail.lastTo('citizen7@example.org')?.subject).toBeTruthy();
      const again = await v1(t, 'POST', `/api/v1/appointments/${bookedId}/cancel`, { authorization: full, payload: {} });
      expect(again.statusCode).toBe(200);
      const twice = await v1(t, 'POST', `/api/v1/appointments/${bookedId}/cancel`, { authorization: full, payload: {} });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.id).toBe('appointment_closed');
      const notJson = await v1(t, 'POST', `/api/v1/appointments/${bookedId}/cancel`, {
        authorization: full,
        headers: { 'content-type': 'application/json' },
        payload: '{oops',
      });
      expect(notJson.statusCode).toBe(400);
    });

    it('refuses changes inside the notice period like for everyone else', async () => {
      const soon = await v1(t, 'POST', '/api/v1/appointments', { authorization: full, payload: apiBooking(padro, WED_0900, 8) });
      const id = soon.json().data.id as string;
      const clock = t.clock.now();
      t.clock.set(new Date(Date.parse(WED_0900) - 3_600_000));
      try {
        const res = await v1(t, 'POST', `/api/v1/appointments/${id}/cancel`, { authorization: full, payload: {} });
        expect(res.statusCode).toBe(422);
        expect(res.json().error).toMatchObject({ id: 'change_too_late', details: { hours: 2 } });
      } finally {
        t.clock.set(clock);
      }
    });
  });
});

describe.each(DIALECTS)('integration API v1 rate limits (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => t.close());

  it('limits each key, not each address, and counts failed authentications per address', async () => {
    const a = await apiKeyFor(t, t.orgA.id);
    const b = await apiKeyFor(t, t.orgA.id);
    const statuses = async (authorization: string | undefined, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await v1(t, 'GET', '/api/v1/procedures', authorization ? { authorization } : {})).statusCode);
      return out;
    };
    expect(await statuses(a.authorization, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    // Same address, another key: its own allowance.
    expect(await statuses(b.authorization, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await v1(t, 'GET', '/api/v1/procedures', { authorization: a.authorization });
    expect(limited.json().error).toMatchObject({ id: 'too_many_requests', details: { retryAfterSeconds: expect.any(Number) } });
    expect(await statuses('Bearer fin_guessing_0000000000000000000000', 6)).toEqual([401, 401, 401, 401, 401, 429]);
    // Once an address has failed too often it is refused before any lookup.
    expect(await statuses(undefined, 1)).toEqual([429]);
  });
});
