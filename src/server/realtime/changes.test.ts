import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { greetedSocket, nif } from './realtime.fixture.ts';

// Changes made over HTTP reach the pages open on them, once committed.
describe.each(DIALECTS)('appointment changes pushed to open pages (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let supervisor: Session;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10 });
    padro = await procedureId(t, t.orgA.id);
    const account = t.orgA.accounts.find((a) => a.role === 'supervisor') ?? t.orgA.accounts.find((a) => a.role === 'admin');
    supervisor = await staffSession(t, account?.email ?? '', account?.password ?? '');
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.set(DEFAULT_NOW));

  async function booked(startsAt: string) {
    n++;
    return citizenWithAppointment(t, { procedureId: padro, startsAt, email: `change${n}@example.org`, idNumber: nif(41_000_000 + n) });
  }

  async function agentOf(appointmentId: string): Promise<Session> {
    const row = await t.ctx.db.selectFrom('appointments').innerJoin('staff', 'staff.id', 'appointments.agent_id').select('staff.email').where('appointments.id', '=', appointmentId).executeTakeFirstOrThrow();
    const account = t.orgA.accounts.find((a) => a.email === row.email);
    return staffSession(t, row.email, account?.password ?? '');
  }

  it('a cancellation by the office takes the appointment out of the queue and tells the waiting citizen', async () => {
    const c = await booked('2026-03-02T10:00:00.000Z');
    const agent = await agentOf(c.appointmentId);
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'watch_queue' });
    const queue = await tab.next('queue');
    expect(queue.entries.some((e) => e.appointmentId === c.appointmentId)).toBe(true);
    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    await citizen.next('waiting_status');

    const res = await t.app.http.inject({
      method: 'POST',
      url: `/api/staff/appointments/${c.appointmentId}/cancel`,
      headers: { host: 'alfa.test', cookie: agent.cookie, 'x-csrf-token': agent.csrf },
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    expect(await tab.next('queue_removed')).toMatchObject({ appointmentId: c.appointmentId });
    expect(await citizen.next('call_ended')).toMatchObject({ appointmentId: c.appointmentId, reason: 'cancelled' });
    tab.close();
    citizen.close();
  });

  it('a citizen moving the appointment to another day leaves the old day’s queue and their open page says so', async () => {
    const c = await booked('2026-03-04T09:00:00.000Z');
    const agent = await agentOf(c.appointmentId);
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'watch_queue', date: '2026-03-04' });
    expect((await tab.next('queue')).entries.some((e) => e.appointmentId === c.appointmentId)).toBe(true);
    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    await citizen.next('waiting_status');

    const moved = await t.app.http.inject({
      method: 'POST',
      url: '/api/citizen/appointment/reschedule',
      headers: { host: 'alfa.test', cookie: c.cookie, 'x-csrf-token': c.csrf },
      payload: { startsAt: '2026-03-05T09:00:00.000Z' },
    });
    expect(moved.statusCode).toBe(200);
    expect(await tab.next('queue_removed')).toMatchObject({ appointmentId: c.appointmentId });
    expect(await citizen.next('call_ended')).toMatchObject({ reason: 'rescheduled' });

    // The agent watching the new day sees it there (whoever got it).
    const newAgent = await agentOf(c.appointmentId);
    const next = await greetedSocket(t.app.http, 'agent', newAgent);
    next.send({ type: 'watch_queue', date: '2026-03-05' });
    expect((await next.next('queue')).entries.find((e) => e.appointmentId === c.appointmentId)).toMatchObject({ startsAt: '2026-03-05T09:00:00.000Z' });
    tab.close();
    citizen.close();
    next.close();
  });

  it('a supervisor giving the appointment to another agent updates the queues showing it, live', async () => {
    const c = await booked('2026-03-02T11:00:00.000Z');
    const before = await agentOf(c.appointmentId);
    const row = await t.ctx.db.selectFrom('appointments').select('agent_id').where('id', '=', c.appointmentId).executeTakeFirstOrThrow();
    const other = await t.ctx.db
      .selectFrom('staff')
      .select(['id', 'email'])
      .where('organisation_id', '=', t.orgA.id)
      .where('role', '=', 'agent')
      .where('id', '!=', row.agent_id)
      .executeTakeFirstOrThrow();
    const tab = await greetedSocket(t.app.http, 'agent', before);
    tab.send({ type: 'watch_queue' });
    expect((await tab.next('queue')).entries.find((e) => e.appointmentId === c.appointmentId)?.agentId).toBe(row.agent_id);

    const res = await t.app.http.inject({
      method: 'POST',
      url: `/api/staff/appointments/${c.appointmentId}/reassign`,
      headers: { host: 'alfa.test', cookie: supervisor.cookie, 'x-csrf-token': supervisor.csrf },
      payload: { agentId: other.id },
    });
    expect(res.statusCode).toBe(200);
    // The office's queue (this agent sees their colleagues' too) now shows whose it is.
    expect((await tab.next('queue_entry', (m) => m.entry.appointmentId === c.appointmentId)).entry.agentId).toBe(other.id);
    tab.close();
  });
});
