import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFrom } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { citizen, createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { createStaff } from '../staff/staff.service.ts';

const PASSWORD = 'a long test password';
// Tuesday 3 March 2026 in Madrid.
const TUE = (hhmm: string) => new Date(Date.parse(`2026-03-03T${hhmm}:00+01:00`)).toISOString();

describe.each(DIALECTS)('staff workspace (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let otherOfficeAgent = '';
  const sessions: Record<string, { cookie: string; csrf: string }> = {};

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
    const now = t.clock.now();
    // A supervisor in the seeded office, and a second office with its own agent.
    const officeA = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    const sup = await createStaff(t.ctx.db, t.orgA.id, { email: 'sup@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: PASSWORD }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: sup.id, office_id: officeA.id }).execute();
    const office2 = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: office2, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far@alfa.test', role: 'agent', displayName: 'Agent del barri', password: PASSWORD }, now);
    otherOfficeAgent = far.id;
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: office2 }).execute();
    await t.ctx.db
      .insertInto('agent_schedules')
      .values({ id: randomUUID(), organisation_id: t.orgA.id, staff_id: far.id, weekday: 2, start_time: '09:00', end_time: '14:00', valid_from: null, valid_to: null })
      .execute();
    const agent = t.orgA.accounts.find((a) => a.role === 'agent');
    const admin = t.orgA.accounts.find((a) => a.role === 'admin');
    for (const [name, email, password] of [
      ['agent', agent?.email, agent?.password],
      ['admin', admin?.email, admin?.password],
      ['sup', 'sup@alfa.test', PASSWORD],
      ['far', 'far@alfa.test', PASSWORD],
    ] as const) {
      const res = await t.app.http.inject({ method: 'POST', url: '/api/staff/session', headers: { host: 'alfa.test' }, payload: { email, password } });
      sessions[name] = { cookie: `fin_staff=${res.cookies.find((c) => c.name === 'fin_staff')?.value ?? ''}`, csrf: res.json().data.csrfToken as string };
    }
  });
  afterAll(async () => t.close());

  const as = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const s = sessions[who];
    return t.app.http.inject({
      method,
      url,
      headers: { host: 'alfa.test', ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}) },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  };
  const createFor = (who: string, startsAt: string, channel: 'video' | 'in_person', c: Record<string, unknown>) =>
    as(who, 'POST', '/api/staff/appointments', { procedureId: padro, startsAt, channel, citizen: citizen(c) });

  it('books on behalf of a citizen: in person without email, by video with the confirmation email', async () => {
    const desk = await createFor('agent', TUE('09:00'), 'in_person', { email: 'desk@example.org', idNumber: '20000000M' });
    expect(desk.statusCode).toBe(201);
    expect(t.mail.lastTo('desk@example.org')).toBeUndefined();
    const video = await createFor('agent', TUE('09:15'), 'video', { email: 'phone@example.org', idNumber: '20000001Y' });
    expect(video.statusCode).toBe(201);
    expect(credentialsFrom(t.mail.lastTo('phone@example.org')).password).toBeTruthy();
    const bad = await createFor('agent', TUE('09:30'), 'video', { idNumber: '20000001A' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues).toContainEqual({ path: 'citizen.idNumber', code: 'invalid_nif' });
  });

  it('shows the agenda of one’s own offices only; administrators see everything', async () => {
    const far = await createFor('far', TUE('10:00'), 'in_person', { email: 'far-citizen@example.org', idNumber: '20000002F' });
    expect(far.statusCode).toBe(201);
    const q = '/api/staff/agenda?from=2026-03-03&to=2026-03-03';
    const emails = async (who: string) =>
      ((await as(who, 'GET', q)).json().data.appointments as { citizen: { name: string }; agent: { id: string } }[]).map((a) => a.agent.id);
    expect(await emails('agent')).not.toContain(otherOfficeAgent);
    expect((await emails('agent')).length).toBeGreaterThanOrEqual(2);
    expect(await emails('far')).toEqual([otherOfficeAgent]);
    expect(await emails('admin')).toContain(otherOfficeAgent);
    const adminView = (await as('admin', 'GET', q)).json().data;
    expect(adminView.offices.map((o: { name: string }) => o.name).sort()).toEqual(['Oficina del barri', 'Oficina d’Atenció Ciutadana']);
    const barri = adminView.offices.find((o: { name: string }) => o.name === 'Oficina del barri').id as string;
    const byOffice = await as('admin', 'GET', `${q}&officeId=${barri}`);
    expect(byOffice.json().data.appointments.map((a: { agent: { id: string } }) => a.agent.id)).toEqual([otherOfficeAgent]);
    expect(byOffice.json().data.agents.map((a: { id: string }) => a.id)).toEqual([otherOfficeAgent]);
    // An agent asking for another office's agenda sees nothing, and only their own office is offered.
    const peek = (await as('agent', 'GET', `${q}&officeId=${barri}`)).json().data;
    expect(peek.appointments).toEqual([]);
    expect(peek.offices.map((o: { name: string }) => o.name)).toEqual(['Oficina d’Atenció Ciutadana']);
    const one = await as('admin', 'GET', `${q}&agentId=${otherOfficeAgent}`);
    expect(one.json().data.appointments).toHaveLength(1);
    expect(one.json().data.appointments[0]).toMatchObject({ channel: 'in_person', status: 'booked', procedure: { name: 'Certificat d’empadronament' } });
  });

  it('answers 401 without a session, 404 for another office’s or organisation’s appointment, 400 for bad dates', async () => {
    expect((await as('nobody', 'GET', '/api/staff/agenda?from=2026-03-03&to=2026-03-03')).statusCode).toBe(401);
    const farId = (await as('far', 'GET', '/api/staff/agenda?from=2026-03-03&to=2026-03-03')).json().data.appointments[0].id as string;
    expect((await as('agent', 'GET', `/api/staff/appointments/${farId}`)).statusCode).toBe(404);
    for (const action of ['offer-video', 'cancel']) {
      expect((await as('agent', 'POST', `/api/staff/appointments/${farId}/${action}`, {})).statusCode).toBe(404);
    }
    expect((await as('sup', 'POST', `/api/staff/appointments/${farId}/reassign`, { agentId: otherOfficeAgent })).statusCode).toBe(404);
    expect((await as('far', 'GET', `/api/staff/appointments/${farId}`)).statusCode).toBe(200);
    const bAppointment = await t.ctx.db.selectFrom('appointments').select('id').where('organisation_id', '=', t.orgB.id).executeTakeFirst();
    expect((await as('admin', 'GET', `/api/staff/appointments/${bAppointment?.id ?? randomUUID()}`)).statusCode).toBe(404);
    expect((await as('admin', 'GET', '/api/staff/agenda?from=03-03-2026&to=2026-03-03')).statusCode).toBe(400);
  });

  it('offers video for an in-person appointment: the citizen gets link and password, once', async () => {
    const desk = await createFor('agent', TUE('11:00'), 'in_person', { email: 'offer@example.org', idNumber: '20000003P' });
    const id = desk.json().data.id as string;
    const before = await as('agent', 'GET', `/api/staff/appointments/${id}`);
    expect(before.json().data.canOfferVideo).toBe(true);
    expect(before.json().data.canReassign).toBe(false);
    const offered = await as('agent', 'POST', `/api/staff/appointments/${id}/offer-video`, {});
    expect(offered.statusCode).toBe(200);
    expect(offered.json().data.appointment.channel).toBe('video');
    expect(offered.json().data.history.map((h: { type: string }) => h.type)).toEqual(['appointment.booked', 'appointment.video_offered']);
    const mail = t.mail.lastTo('offer@example.org');
    expect(credentialsFrom(mail).token).toBeTruthy();
    expect(mail?.calendar?.content).toContain('METHOD:REQUEST');
    const again = await as('agent', 'POST', `/api/staff/appointments/${id}/offer-video`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.id).toBe('already_video');
  });

  it('lets supervisors reassign to a free agent of their office, and refuses a busy or foreign one', async () => {
    const agents = t.orgA.accounts.filter((a) => a.role === 'agent');
    const ids = await t.ctx.db.selectFrom('staff').select(['id', 'email']).where('email', 'in', agents.map((a) => a.email)).execute();
    const at = TUE('12:00');
    const first = await createFor('sup', at, 'video', { email: 'r1@example.org', idNumber: '20000004D' });
    const id = first.json().data.id as string;
    const holder = (await as('sup', 'GET', `/api/staff/appointments/${id}`)).json().data.appointment.agent.id as string;
    const other = ids.find((s) => s.id !== holder)?.id ?? '';
    expect((await as('agent', 'POST', `/api/staff/appointments/${id}/reassign`, { agentId: other })).statusCode).toBe(403);
    expect((await as('sup', 'POST', `/api/staff/appointments/${id}/reassign`, { agentId: otherOfficeAgent })).json().error.id).toBe('unknown_agent');
    const moved = await as('sup', 'POST', `/api/staff/appointments/${id}/reassign`, { agentId: other });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().data.appointment.agent.id).toBe(other);
    const reassigned = moved.json().data.history.at(-1);
    expect(reassigned).toMatchObject({ type: 'appointment.reassigned', actorName: 'Supervisora', data: { from: holder, to: other } });
    expect(moved.json().data.agents.map((g: { id: string }) => g.id)).toContain(holder);
    expect(moved.json().data.agents.map((g: { id: string }) => g.id)).not.toContain(otherOfficeAgent);
    // Now both agents hold 12:00: the first holder gets a second appointment, and moving it onto `other` is refused.
    const second = await createFor('sup', at, 'video', { email: 'r2@example.org', idNumber: '20000005X' });
    const secondId = second.json().data.id as string;
    const busy = await as('sup', 'POST', `/api/staff/appointments/${secondId}/reassign`, { agentId: other });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.id).toBe('agent_busy');
  });

  it('cancels as staff whatever the citizens’ notice, and tells the citizen', async () => {
    const res = await createFor('agent', TUE('13:00'), 'video', { email: 'staffcancel@example.org', idNumber: '20000006B' });
    const id = res.json().data.id as string;
    const cancelled = await as('agent', 'POST', `/api/staff/appointments/${id}/cancel`, {});
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().data.appointment.status).toBe('cancelled');
    expect(cancelled.json().data.canCancel).toBe(false);
    expect(t.mail.lastTo('staffcancel@example.org')?.calendar?.method).toBe('CANCEL');
  });
});
