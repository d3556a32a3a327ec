import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { createStaff } from '../staff/staff.service.ts';

/**
 * Legal holds through the staff API: supervisors (on their offices'
 * appointments) and administrators place one with a reason, see the
 * organisation's active holds and release them; agents are refused; each
 * placement and release is in the appointment's history and the audit
 * trail; bad input is a translated 400.
 */
describe.each(DIALECTS)('legal holds (%s)', (dialect) => {
  let t: TestApp;
  let appointmentId = '';
  let reference = '';
  let supervisor: Session;
  let outsider: Session;
  let agent: Session;
  let admin: Session;

  const call = (who: Session | null, method: 'GET' | 'POST', url: string, payload?: object, lang = 'ca', host = 'alfa.test') =>
    t.app.http.inject({
      method,
      url,
      headers: { host, 'accept-language': lang, ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}) },
      ...(method === 'POST' ? { payload: payload ?? {} } : {}),
    });
  const place = (who: Session | null, reason: unknown, lang = 'ca') => call(who, 'POST', `/api/staff/appointments/${appointmentId}/legal-holds`, { reason }, lang);

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const padro = await procedureId(t, t.orgA.id);
    const booked = await book(t, { procedureId: padro, startsAt: '2026-03-03T09:00:00.000Z', citizen: { email: 'bloqueig@example.org' } });
    expect(booked.statusCode, booked.body).toBe(201);
    reference = booked.json<{ data: { reference: string } }>().data.reference;
    appointmentId = (await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id;
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    const sup = await createStaff(t.ctx.db, t.orgA.id, { email: 'supervisora@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a supervisor password 1' }, DEFAULT_NOW);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: sup.id, office_id: office.id }).execute();
    // A supervisor of another office (with no agents of this one): the appointment is not theirs to see.
    const otherOffice = crypto.randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: otherOffice, organisation_id: t.orgA.id, name: 'Altra oficina', created_at: DEFAULT_NOW.toISOString() }).execute();
    const out = await createStaff(t.ctx.db, t.orgA.id, { email: 'altra@alfa.test', role: 'supervisor', displayName: 'Altra', password: 'a supervisor password 2' }, DEFAULT_NOW);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: out.id, office_id: otherOffice }).execute();
    supervisor = await staffSession(t, 'supervisora@alfa.test', 'a supervisor password 1');
    outsider = await staffSession(t, 'altra@alfa.test', 'a supervisor password 2');
    const agentAccount = t.orgA.accounts.find((a) => a.role === 'agent');
    const adminAccount = t.orgA.accounts.find((a) => a.role === 'admin');
    agent = await staffSession(t, agentAccount?.email ?? '', agentAccount?.password ?? '');
    admin = await staffSession(t, adminAccount?.email ?? '', adminAccount?.password ?? '');
  }, 60_000);

  afterAll(async () => t.close());

  it('refuses without a session (401), agents (403), another office’s supervisor (404) and another organisation (401)', async () => {
    expect((await place(null, 'Ordre judicial')).statusCode).toBe(401);
    const asAgent = await place(agent, 'Ordre judicial');
    expect(asAgent.statusCode).toBe(403);
    expect(asAgent.json().error.id).toBe('forbidden');
    expect((await call(agent, 'GET', '/api/staff/legal-holds')).statusCode).toBe(403);
    expect((await call(agent, 'GET', `/api/staff/appointments/${appointmentId}/legal-holds`)).statusCode).toBe(403);
    expect((await place(outsider, 'Ordre judicial')).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/api/staff/appointments/${appointmentId}/legal-holds`)).statusCode).toBe(404);
    expect((await call(supervisor, 'POST', `/api/staff/appointments/${appointmentId}/legal-holds`, { reason: 'Ordre judicial' }, 'ca', 'beta.test')).statusCode).toBe(401);
    // Without the CSRF token.
    const noCsrf = await t.app.http.inject({ method: 'POST', url: `/api/staff/appointments/${appointmentId}/legal-holds`, headers: { host: 'alfa.test', cookie: supervisor.cookie }, payload: { reason: 'Ordre judicial' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(await t.ctx.db.selectFrom('legal_holds').select('id').execute()).toEqual([]);
  });

  it('answers 400 with a translated message and the field’s code for a missing, too short or too long reason', async () => {
    for (const [reason, code] of [
      [undefined, 'reason_required'],
      ['  ab ', 'reason_too_short'],
      ['x'.repeat(501), 'reason_too_long'],
    ] as const) {
      const res = await place(supervisor, reason, 'es');
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ id: 'validation_failed', message: expect.stringMatching(/\S/), details: { issues: [{ path: 'reason', code }] } });
    }
    const en = await place(supervisor, 'ab', 'en');
    const ca = await place(supervisor, 'ab', 'ca');
    expect(en.json().error.message).not.toBe(ca.json().error.message);
  });

  it('lets a supervisor place a hold, refuses a second one, lists it, and releases it once; each in the history and the audit trail', async () => {
    const placed = await place(supervisor, '  Diligències prèvies 45/2026 del jutjat núm. 2  ');
    expect(placed.statusCode, placed.body).toBe(201);
    const hold = placed.json<{ data: { hold: { id: string; reason: string; active: boolean; placedBy: { displayName: string } } } }>().data.hold;
    expect(hold).toMatchObject({ reason: 'Diligències prèvies 45/2026 del jutjat núm. 2', active: true, placedBy: { displayName: 'Supervisora' }, appointment: { id: appointmentId, reference } });

    const again = await place(admin, 'Una altra ordre');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.id).toBe('legal_hold_exists');

    for (const who of [supervisor, admin]) {
      const list = await call(who, 'GET', '/api/staff/legal-holds');
      expect(list.statusCode).toBe(200);
      expect(list.json().data.holds.map((h: { id: string }) => h.id)).toEqual([hold.id]);
    }
    expect((await call(outsider, 'GET', '/api/staff/legal-holds')).json().data.holds).toEqual([]);
    expect((await call(supervisor, 'GET', `/api/staff/appointments/${appointmentId}/legal-holds`)).json().data.holds).toHaveLength(1);

    // Releasing: another appointment's or an unknown hold is 404; twice is a conflict.
    expect((await call(supervisor, 'POST', `/api/staff/appointments/${appointmentId}/legal-holds/${crypto.randomUUID()}/release`)).statusCode).toBe(404);
    expect((await call(agent, 'POST', `/api/staff/appointments/${appointmentId}/legal-holds/${hold.id}/release`)).statusCode).toBe(403);
    const released = await call(admin, 'POST', `/api/staff/appointments/${appointmentId}/legal-holds/${hold.id}/release`);
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().data.hold).toMatchObject({ active: false, releasedBy: { displayName: 'Administració' }, releasedAt: expect.any(String) });
    const twice = await call(supervisor, 'POST', `/api/staff/appointments/${appointmentId}/legal-holds/${hold.id}/release`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.id).toBe('legal_hold_released');
    expect((await call(admin, 'GET', '/api/staff/legal-holds')).json().data.holds).toEqual([]);

    // A new hold can be placed once the first is released.
    expect((await place(supervisor, 'Nova ordre del jutjat')).statusCode).toBe(201);

    const events = await t.ctx.db.selectFrom('appointment_events').select(['type', 'data']).where('appointment_id', '=', appointmentId).where('type', 'like', 'legal_hold.%').orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['legal_hold.placed', 'legal_hold.released', 'legal_hold.placed']);
    // The reason may name a case or a person: neither the history nor the audit trail carries it.
    expect(events.map((e) => e.data).join()).not.toContain('jutjat');
    await expect
      .poll(async () => (await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('appointment_id', '=', appointmentId).where('action', 'like', 'legal_hold.%').orderBy('seq').execute()).map((r) => r.action))
      .toEqual(['legal_hold.placed', 'legal_hold.released', 'legal_hold.placed']);
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').where('appointment_id', '=', appointmentId).execute();
    expect(audit.map((r) => r.details).join()).not.toContain('jutjat');
  });
});
