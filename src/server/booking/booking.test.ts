import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { book } from '../../../test/booking-helpers.ts';
import { citizen, createTestApp, procedureId, solvedCaptcha, type TestApp } from '../../../test/test-app.ts';

// Tuesday 3 March 2026, 09:00 in Madrid (CET, UTC+1).
const TUE_0900 = '2026-03-03T08:00:00.000Z';

describe.each(DIALECTS)('booking a video appointment (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
  });
  afterAll(async () => t.close());

  const get = (url: string, host = 'alfa.test', lang?: string) =>
    t.app.http.inject({ method: 'GET', url, headers: { host, ...(lang ? { 'accept-language': lang } : {}) } });

  it('lists the organisation’s procedures in the asked language with their required documents', async () => {
    const res = await get('/api/public/procedures', 'alfa.test', 'es-ES,es;q=0.9');
    expect(res.statusCode).toBe(200);
    const list = res.json().data as { name: string; requiredDocuments: { name: string }[] }[];
    expect(list.length).toBeGreaterThanOrEqual(5);
    expect(list[0]?.name).toBe('Certificado de empadronamiento');
    expect(list[0]?.requiredDocuments[0]?.name).toBe('DNI, NIE o pasaporte');
  });

  it('answers 404 for a procedure of another organisation, by host and by path prefix', async () => {
    expect((await get(`/api/public/procedures/${padro}`)).statusCode).toBe(200);
    const byHost = await get(`/api/public/procedures/${padro}`, 'beta.test');
    expect(byHost.statusCode).toBe(404);
    expect(byHost.json().error.id).toBe('not_found');
    const byPath = await get(`/o/beta/api/public/procedures/${padro}`, 'unknown.test');
    expect(byPath.statusCode).toBe(404);
    expect((await get(`/o/alfa/api/public/procedures/${padro}`, 'unknown.test')).statusCode).toBe(200);
  });

  it('answers organisation_not_found for an unknown host when several organisations exist', async () => {
    const res = await get('/api/public/procedures', 'nowhere.test');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.id).toBe('organisation_not_found');
  });

  it('offers Tuesday from 09:00 local with both agents free', async () => {
    const res = await get(`/api/public/procedures/${padro}/availability?from=2026-03-03&to=2026-03-03`);
    expect(res.statusCode).toBe(200);
    const day = res.json().data.days[0];
    expect(day.slots[0]).toEqual({ startsAt: TUE_0900, localTime: '09:00', capacity: 2 });
  });

  it('refuses a malformed or too long availability range with a translated 400', async () => {
    const bad = await get(`/api/public/procedures/${padro}/availability?from=03/03/2026&to=2026-03-04`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ id: 'validation_failed', message: expect.stringContaining('dades') });
    const long = await get(`/api/public/procedures/${padro}/availability?from=2026-03-03&to=2026-07-03`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details.issues[0].code).toBe('range_too_long');
  });

  it('books, emails the confirmation and takes one place', async () => {
    const res = await book(t, { procedureId: padro, startsAt: TUE_0900, citizen: { email: 'booker@example.org' } });
    expect(res.statusCode).toBe(201);
    const data = res.json().data;
    expect(data.reference).toMatch(/^V-[A-Z2-9]{6}$/);
    expect(data.startsAt).toBe(TUE_0900);
    // 48 hours before is already past, so documents may come until the appointment starts.
    expect(data.uploadDeadline).toBe(TUE_0900);
    const mail = t.mail.lastTo('booker@example.org');
    expect(mail?.text).toContain(data.reference);
    const slots = (await get(`/api/public/procedures/${padro}/availability?from=2026-03-03&to=2026-03-03`)).json().data.days[0].slots;
    expect(slots[0]).toEqual({ startsAt: TUE_0900, localTime: '09:00', capacity: 1 });
  });

  it('tells the citizen which field is wrong: a NIF with the wrong letter', async () => {
    const res = await book(t, { procedureId: padro, startsAt: TUE_0900, citizen: { idNumber: '12345678A' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues).toContainEqual({ path: 'citizen.idNumber', code: 'invalid_nif' });
  });

  it('rejects a time the schedule does not offer, in the past or inside the notice period', async () => {
    const saturday = await book(t, { procedureId: padro, startsAt: '2026-03-07T08:00:00.000Z' });
    expect(saturday.statusCode).toBe(422);
    expect(saturday.json().error.id).toBe('slot_unavailable');
    const offGrid = await book(t, { procedureId: padro, startsAt: '2026-03-03T08:07:00.000Z' });
    expect(offGrid.json().error.id).toBe('slot_unavailable');
    // Now is Monday 08:00 local; 09:00 today is inside the 2-hour notice.
    const tooSoon = await book(t, { procedureId: padro, startsAt: '2026-03-02T08:00:00.000Z' });
    expect(tooSoon.json().error.id).toBe('slot_unavailable');
  });

  it('never books more than capacity and offers the nearest free times instead', async () => {
    const at = '2026-03-03T09:00:00.000Z'; // 10:00 local
    expect((await book(t, { procedureId: padro, startsAt: at, citizen: { email: 'c1@example.org', idNumber: '00000001R' } })).statusCode).toBe(201);
    expect((await book(t, { procedureId: padro, startsAt: at, citizen: { email: 'c2@example.org', idNumber: '00000002W' } })).statusCode).toBe(201);
    const third = await book(t, { procedureId: padro, startsAt: at, citizen: { email: 'c3@example.org', idNumber: '00000003A' } });
    expect(third.statusCode).toBe(409);
    const err = third.json().error;
    expect(err.id).toBe('slot_taken');
    expect(err.message).toBe('Aquesta hora s’acaba d’ocupar. Trieu-ne una altra.'.replace(/’/g, "'"));
    expect(err.details.alternatives.length).toBeGreaterThan(0);
    expect(err.details.alternatives.map((a: { startsAt: string }) => a.startsAt)).not.toContain(at);
  });

  it('gives a time to an agent free for all of it, the least busy that day first', async () => {
    // Friday 6 March 2026 (UTC+1); each appointment holds its agent 15 minutes plus a 5-minute buffer.
    let n = 0;
    const agentAt = async (startsAt: string) => {
      n++;
      const res = await book(t, { procedureId: padro, startsAt, citizen: { email: `spread${n}@example.org`, idType: 'passport', idNumber: `SPREAD${n}` } });
      expect(res.statusCode).toBe(201);
      const { reference } = res.json().data as { reference: string };
      const row = await t.ctx.db.selectFrom('appointments').select('agent_id').where('reference', '=', reference).executeTakeFirstOrThrow();
      return row.agent_id;
    };
    const first = await agentAt('2026-03-06T08:00:00.000Z'); // 09:00
    // Both free at 12:00: the one without an appointment that day gets it.
    const other = await agentAt('2026-03-06T11:00:00.000Z');
    expect(other).not.toBe(first);
    // 09:15 overlaps the first agent's 09:00–09:20; 09:30 overlaps the other's 09:15–09:35.
    expect(await agentAt('2026-03-06T08:15:00.000Z')).toBe(other);
    expect(await agentAt('2026-03-06T08:30:00.000Z')).toBe(first);
    const full = await book(t, { procedureId: padro, startsAt: '2026-03-06T08:30:00.000Z', citizen: { email: 'spread9@example.org', idType: 'passport', idNumber: 'SPREAD9' } });
    expect(full.json().error.id).toBe('slot_taken');
  });

  it('limits open appointments per email or ID number', async () => {
    const who = { email: 'many@example.org', idNumber: 'X1234567L', idType: 'nie' };
    const times = ['2026-03-04T08:00:00.000Z', '2026-03-04T08:15:00.000Z', '2026-03-04T08:30:00.000Z'];
    for (const startsAt of times) expect((await book(t, { procedureId: padro, startsAt, citizen: who })).statusCode).toBe(201);
    const fourth = await book(t, { procedureId: padro, startsAt: '2026-03-04T09:00:00.000Z', citizen: { ...who, email: 'other@example.org' } });
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().error).toMatchObject({ id: 'too_many_open_appointments', details: { max: 3 } });
  });

  it('refuses a missing, forged or replayed proof of work', async () => {
    const payload = (captcha: unknown) => ({
      method: 'POST' as const,
      url: '/api/public/appointments',
      headers: { host: 'alfa.test' },
      payload: { procedureId: padro, startsAt: '2026-03-05T08:00:00.000Z', channel: 'video', citizen: citizen({ email: 'pow@example.org', idNumber: '00000004G' }), captcha },
    });
    const solved = await solvedCaptcha(t);
    const forged = { ...solved, solution: { ...solved.solution, derivedKey: '00'.repeat(32) } };
    expect((await t.app.http.inject(payload(forged))).json().error.id).toBe('captcha_failed');
    // Easier work or a later expiry written into the challenge breaks its signature.
    const tampered = { ...solved, challenge: { ...solved.challenge, parameters: { ...solved.challenge.parameters, expiresAt: 4102444800 } } };
    expect((await t.app.http.inject(payload(tampered))).json().error.id).toBe('captcha_failed');
    expect((await t.app.http.inject(payload({ ...solved, challenge: { parameters: solved.challenge.parameters } }))).json().error.id).toBe('captcha_failed');
    expect((await t.app.http.inject(payload(solved))).statusCode).toBe(201);
    const replay = await t.app.http.inject(payload(solved));
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error.id).toBe('captcha_failed');
  });

  it('books once with a proof of work sent by ten requests at once', async () => {
    const captcha = await solvedCaptcha(t);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.app.http.inject({
          method: 'POST',
          url: '/api/public/appointments',
          headers: { host: 'alfa.test' },
          payload: {
            procedureId: padro,
            // Different times and citizens: only the proof of work is shared.
            startsAt: new Date(Date.parse('2026-03-09T08:00:00.000Z') + i * 15 * 60_000).toISOString(),
            channel: 'video',
            citizen: citizen({ email: `replay${i}@example.org`, idType: 'passport', idNumber: `REPLAY${i}` }),
            captcha,
          },
        }),
      ),
    );
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode !== 201).map((r) => r.json<{ error: { id: string } }>().error.id)).toEqual(Array(9).fill('captcha_failed'));
  });

  it('answers malformed JSON and unknown fields with a 4xx, never a 500', async () => {
    const broken = await t.app.http.inject({
      method: 'POST',
      url: '/api/public/appointments',
      headers: { host: 'alfa.test', 'content-type': 'application/json' },
      payload: '{"procedureId": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.id).toBe('bad_request');
    const empty = await t.app.http.inject({ method: 'POST', url: '/api/public/appointments', headers: { host: 'alfa.test' }, payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.id).toBe('validation_failed');
  });

  it('lets exactly one of 50 simultaneous requests take the last place', async () => {
    const at = '2026-03-05T10:00:00.000Z'; // Thursday 11:00 local, two agents
    expect((await book(t, { procedureId: padro, startsAt: at, citizen: { email: 'first@example.org', idNumber: '00000005M' } })).statusCode).toBe(201);
    const captchas = await Promise.all(Array.from({ length: 50 }, () => solvedCaptcha(t)));
    const responses = await Promise.all(
      captchas.map((captcha, i) =>
        t.app.http.inject({
          method: 'POST',
          url: '/api/public/appointments',
          headers: { host: 'alfa.test' },
          payload: {
            procedureId: padro,
            startsAt: at,
            channel: 'video',
            citizen: citizen({ email: `racer${i}@example.org`, idType: 'passport', idNumber: `RACE${1000 + i}` }),
            captcha,
          },
        }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    expect(responses.filter((r) => r.statusCode === 409).every((r) => r.json().error.id === 'slot_taken')).toBe(true);
    const held = await t.ctx.db
      .selectFrom('appointments')
      .select(['agent_id'])
      .where('starts_at', '=', at)
      .where('status', '=', 'booked')
      .execute();
    expect(held).toHaveLength(2);
    expect(new Set(held.map((h) => h.agent_id)).size).toBe(2);
  });
});
