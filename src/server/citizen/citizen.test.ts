import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { book, credentialsFrom } from '../../../test/booking-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';

const WED_0900 = '2026-03-04T08:00:00.000Z';

describe.each(DIALECTS)('citizen access to their appointment (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
  });
  afterAll(async () => t.close());

  let next = 0;
  /** Books (by default the next free quarter on Wednesday) and returns the emailed credentials. */
  async function booked(email: string, idNumber: string, startsAt = new Date(Date.parse(WED_0900) + 15 * 60_000 * next++).toISOString()) {
    const res = await book(t, { procedureId: padro, startsAt, citizen: { email, idNumber } });
    expect(res.statusCode).toBe(201);
    return credentialsFrom(t.mail.lastTo(email));
  }

  const login = (token: string, password: string, host = 'alfa.test') =>
    t.app.http.inject({ method: 'POST', url: '/api/citizen/session', headers: { host }, payload: { token, password } });

  function cookieOf(res: { cookies: { name: string; value: string }[] }): string {
    const c = res.cookies.find((k) => k.name === 'fin_citizen');
    if (!c) throw new Error('no session cookie');
    return `fin_citizen=${c.value}`;
  }

  it('stores the link token and password only as hashes', async () => {
    const { token, password } = await booked('hash@example.org', '11111111H');
    const row = await t.ctx.db.selectFrom('appointments').selectAll().where('citizen_email', '=', 'hash@example.org').executeTakeFirstOrThrow();
    expect(row.access_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.access_token_hash).not.toContain(token);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(row)).not.toContain(password);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('signs in with link and password into an HttpOnly SameSite cookie and shows the appointment', async () => {
    const { token, password } = await booked('view@example.org', '22222222J');
    const res = await login(token, password);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = await t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment', headers: { host: 'alfa.test', cookie: cookieOf(res) } });
    expect(me.statusCode).toBe(200);
    const a = me.json().data.appointment;
    expect(a).toMatchObject({ status: 'booked', canChange: true, citizen: { email: 'view@example.org' } });
    expect(a.procedure.requiredDocuments.length).toBeGreaterThan(0);
    // The page says exactly when the waiting room opens: the organisation's minutes before the start.
    const org = await t.ctx.db.selectFrom('organisations').select('waiting_room_open_minutes').where('slug', '=', 'alfa').executeTakeFirstOrThrow();
    expect(Date.parse(a.startsAt) - Date.parse(a.waitingRoomOpensAt)).toBe(org.waiting_room_open_minutes * 60_000);
    expect(a).not.toHaveProperty('agent_id');
  });

  it('counts down wrong passwords and locks access for 15 minutes after the fifth', async () => {
    const { token, password } = await booked('lock@example.org', '33333333P');
    for (let remaining = 4; remaining >= 1; remaining--) {
      const res = await login(token, 'wrong-password');
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatchObject({ id: 'invalid_credentials', details: { remaining } });
    }
    const fifth = await login(token, 'wrong-password');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.id).toBe('access_locked');
    expect(fifth.json().error.details.until).toBe('2026-03-02T07:15:00.000Z');
    expect(fifth.json().error.message).toContain('08:15'); // 08:00 local now + 15 minutes
    expect(fifth.json().error.message).toContain('2/3/2026');
    // Even the right password is refused while locked…
    expect((await login(token, password)).statusCode).toBe(423);
    // …and accepted once the lock has expired.
    t.clock.advance(15 * 60_000 + 1000);
    expect((await login(token, password)).statusCode).toBe(200);
    t.clock.advance(-(15 * 60_000 + 1000));
  });

  it('does not let one organisation’s link open a session in another', async () => {
    const { token, password } = await booked('iso@example.org', '44444444A');
    const res = await login(token, password, 'beta.test');
    expect(res.statusCode).toBe(401);
    const ok = await login(token, password);
    const cross = await t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment', headers: { host: 'beta.test', cookie: cookieOf(ok) } });
    expect(cross.statusCode).toBe(401);
  });

  it('requires a session (401) and the CSRF token (403) to change anything', async () => {
    const { token, password } = await booked('csrf@example.org', '55555555K');
    const anon = await t.app.http.inject({ method: 'POST', url: '/api/citizen/appointment/cancel', headers: { host: 'alfa.test' }, payload: {} });
    expect(anon.statusCode).toBe(401);
    const session = await login(token, password);
    const noCsrf = await t.app.http.inject({
      method: 'POST',
      url: '/api/citizen/appointment/cancel',
      headers: { host: 'alfa.test', cookie: cookieOf(session) },
      payload: {},
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.id).toBe('csrf_failed');
  });

  it('reschedules to a free time, frees the old one and emails the change', async () => {
    const { token, password } = await booked('move@example.org', '66666666Q', '2026-03-05T09:00:00.000Z');
    const session = await login(token, password);
    const headers = { host: 'alfa.test', cookie: cookieOf(session), 'x-csrf-token': session.json().data.csrfToken as string };
    const taken = await t.app.http.inject({ method: 'POST', url: '/api/citizen/appointment/reschedule', headers, payload: { startsAt: '2026-03-07T09:00:00.000Z' } });
    expect(taken.statusCode).toBe(422);
    const moved = await t.app.http.inject({ method: 'POST', url: '/api/citizen/appointment/reschedule', headers, payload: { startsAt: '2026-03-06T09:00:00.000Z' } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().data.appointment.startsAt).toBe('2026-03-06T09:00:00.000Z');
    const mail = t.mail.lastTo('move@example.org');
    expect(mail?.calendar?.content).toContain('SEQUENCE:1');
    expect(mail?.text).not.toContain(password);
    const busy = await t.ctx.db.selectFrom('agent_busy').innerJoin('appointments', 'appointments.id', 'agent_busy.appointment_id').select('agent_busy.unit').where('appointments.citizen_email', '=', 'move@example.org').execute();
    const units = busy.map((b) => b.unit);
    expect(Math.min(...units) * 300_000).toBe(Date.parse('2026-03-06T09:00:00.000Z'));
  });

  it('cancels, frees the place and sends a calendar cancellation; a second cancel is refused', async () => {
    const at = '2026-03-05T12:00:00.000Z';
    const { token, password } = await booked('cancel@example.org', '77777777B', at);
    const session = await login(token, password);
    const headers = { host: 'alfa.test', cookie: cookieOf(session), 'x-csrf-token': session.json().data.csrfToken as string };
    const res = await t.app.http.inject({ method: 'POST', url: '/api/citizen/appointment/cancel', headers, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.appointment.status).toBe('cancelled');
    expect(t.mail.lastTo('cancel@example.org')?.calendar?.method).toBe('CANCEL');
    const again = await t.app.http.inject({ method: 'POST', url: '/api/citizen/appointment/cancel', headers, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.id).toBe('appointment_closed');
    const free = await t.app.http.inject({ method: 'GET', url: `/api/public/procedures/${padro}/availability?from=2026-03-05&to=2026-03-05`, headers: { host: 'alfa.test' } });
    expect(free.json().data.days[0].slots.find((s: { startsAt: string }) => s.startsAt === at)?.capacity).toBe(2);
  });

  it('refuses changes inside the notice period with the number of hours', async () => {
    const at = '2026-03-02T10:00:00.000Z'; // Monday 11:00 local, three hours from now
    const { token, password } = await booked('late@example.org', '88888888Y', at);
    t.clock.advance(2 * 3_600_000);
    const session = await login(token, password);
    expect(session.json().data.appointment.canChange).toBe(false);
    const headers = { host: 'alfa.test', cookie: cookieOf(session), 'x-csrf-token': session.json().data.csrfToken as string };
    const res = await t.app.http.inject({ method: 'POST', url: '/api/citizen/appointment/cancel', headers, payload: {} });
    t.clock.advance(-2 * 3_600_000);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ id: 'change_too_late', details: { hours: 2 } });
  });

  it('signs out', async () => {
    const { token, password } = await booked('out@example.org', '99999999R');
    const session = await login(token, password);
    const cookie = cookieOf(session);
    const csrf = session.json().data.csrfToken as string;
    expect((await t.app.http.inject({ method: 'DELETE', url: '/api/citizen/session', headers: { host: 'alfa.test', cookie } })).statusCode).toBe(403);
    expect((await t.app.http.inject({ method: 'DELETE', url: '/api/citizen/session', headers: { host: 'alfa.test', cookie, 'x-csrf-token': csrf } })).statusCode).toBe(204);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment', headers: { host: 'alfa.test', cookie } })).statusCode).toBe(401);
  });
});
