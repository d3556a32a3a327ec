import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import { greetedSocket, nif } from './realtime.fixture.ts';

// Monday 2 March 2026 at 11:00 in Madrid; the demo organisation opens the waiting room 15 minutes before.
const STARTS = '2026-03-02T10:00:00.000Z';
const OPEN = new Date('2026-03-02T09:50:00.000Z');
const JOIN = { type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } } as const;

describe.each(DIALECTS)('waiting room (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let agent: Session;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10 });
    padro = await procedureId(t, t.orgA.id);
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.set(DEFAULT_NOW));

  /** A citizen booked for 11:00 and signed in (each test its own). */
  async function bookedCitizen() {
    n++;
    t.clock.set(DEFAULT_NOW);
    const c = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `wait${n}@example.org`, idNumber: nif(31_000_000 + n) });
    t.clock.set(OPEN);
    return c;
  }

  const events = (appointmentId: string) =>
    t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'data']).where('appointment_id', '=', appointmentId).orderBy('id').execute();

  it('does not let the citizen in before the waiting room opens, and tells them when it does', async () => {
    const c = await bookedCitizen();
    t.clock.set(new Date('2026-03-02T09:40:00.000Z'));
    const socket = await greetedSocket(t.app.http, 'citizen', c);
    await socket.next('waiting_status');
    socket.send(JOIN);
    expect(await socket.next('error')).toMatchObject({ id: 'waiting_room_not_open', replyTo: 'join_waiting_room' });
    expect(await socket.next('waiting_status')).toMatchObject({ presence: 'not_arrived', opensAt: '2026-03-02T09:45:00.000Z' });
    const row = await t.ctx.db.selectFrom('appointments').select('status').where('id', '=', c.appointmentId).executeTakeFirstOrThrow();
    expect(row.status).toBe('booked');
    socket.close();
  });

  it('records the arrival and both consents, and alerts the agent in every open tab', async () => {
    const c = await bookedCitizen();
    const tab1 = await greetedSocket(t.app.http, 'agent', agent);
    const tab2 = await greetedSocket(t.app.http, 'agent', agent);
    for (const tab of [tab1, tab2]) {
      tab.send({ type: 'watch_queue' });
      const queue = await tab.next('queue');
      expect(queue.date).toBe('2026-03-02');
      expect(queue.entries.find((e) => e.appointmentId === c.appointmentId)).toMatchObject({ presence: 'not_arrived', waitingSince: null, recordingConsent: null });
    }

    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    expect(await citizen.next('waiting_status')).toMatchObject({ presence: 'not_arrived', opensAt: null });
    citizen.send({ ...JOIN, consents: { processing: true, recording: false } });

    for (const tab of [tab1, tab2]) {
      const alert = await tab.next('citizen_waiting', (m) => m.entry.appointmentId === c.appointmentId);
      expect(alert.entry).toMatchObject({
        presence: 'waiting',
        waitingSince: OPEN.toISOString(),
        recordingConsent: false,
        citizenName: 'Núria Puig i Ferrer',
        procedureName: expect.stringMatching(/\S/) as unknown,
        startsAt: STARTS,
      });
      await tab.next('queue_entry', (m) => m.entry.appointmentId === c.appointmentId && m.entry.presence === 'waiting');
    }
    // The citizen learns that the agent's screen shows them.
    expect(await citizen.next('waiting_status', (m) => m.presence === 'waiting' && m.agentKnows)).toMatchObject({ message: null });

    const row = await t.ctx.db.selectFrom('appointments').select('status').where('id', '=', c.appointmentId).executeTakeFirstOrThrow();
    expect(row.status).toBe('waiting');
    const presence = await t.ctx.db.selectFrom('appointment_presence').selectAll().where('appointment_id', '=', c.appointmentId).executeTakeFirstOrThrow();
    expect(presence).toMatchObject({ arrived_at: OPEN.toISOString(), waiting_since: OPEN.toISOString(), consent_recording: 0, consent_at: OPEN.toISOString() });
    const history = await events(c.appointmentId);
    expect(history.slice(-2).map((e) => [e.type, e.actor, JSON.parse(e.data) as unknown])).toEqual([
      ['citizen.consented', 'citizen', { processing: true, recording: false }],
      ['citizen.arrived', 'citizen', { first: true, devices: { camera: true, microphone: true } }],
    ]);

    // When the agent closes the queue, the citizen is told nobody sees them any more.
    tab1.close();
    tab2.close();
    await Promise.all([tab1.closed, tab2.closed]);
    await citizen.next('waiting_status', (m) => !m.agentKnows);
    citizen.close();
  });

  it('passes the agent’s quick messages to the waiting citizen, and gives them back on reconnection', async () => {
    const c = await bookedCitizen();
    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    citizen.send(JOIN);
    await citizen.next('waiting_status', (m) => m.presence === 'waiting');
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'send_message', appointmentId: c.appointmentId, message: { template: 'running_late', minutes: 5 } });
    expect(await citizen.next('waiting_status', (m) => m.message !== null)).toMatchObject({ presence: 'waiting', message: { template: 'running_late', minutes: 5 } });

    // The page reloads: a new socket of the same session gets its state back; the old one is closed as replaced.
    const again = await greetedSocket(t.app.http, 'citizen', c);
    expect(await again.next('waiting_status')).toMatchObject({ presence: 'waiting', message: { template: 'running_late', minutes: 5 } });
    expect((await citizen.closed).code).toBe(CLOSE_CODES.replaced);
    again.close();
    tab.close();
  });

  it('lets the citizen leave: the agent sees them as left, and they may come back', async () => {
    const c = await bookedCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'watch_queue', date: '2026-03-02' });
    await tab.next('queue');
    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    citizen.send(JOIN);
    await tab.next('citizen_waiting', (m) => m.entry.appointmentId === c.appointmentId);
    citizen.send({ type: 'leave_waiting_room' });
    await tab.next('queue_entry', (m) => m.entry.appointmentId === c.appointmentId && m.entry.presence === 'left');
    expect(await citizen.next('waiting_status', (m) => m.presence === 'left')).toBeTruthy();
    citizen.send(JOIN);
    const back = await tab.next('citizen_waiting', (m) => m.entry.appointmentId === c.appointmentId);
    expect(back.entry.presence).toBe('waiting');
    const history = (await events(c.appointmentId)).map((e) => e.type).filter((x) => x.startsWith('citizen.') && x !== 'citizen.signed_in');
    expect(history).toEqual(['citizen.consented', 'citizen.arrived', 'citizen.left', 'citizen.consented', 'citizen.arrived']);
    citizen.close();
    tab.close();
  });

  it('does not let the citizen in once the appointment’s time is over', async () => {
    const c = await bookedCitizen();
    t.clock.set(new Date('2026-03-02T10:45:00.000Z'));
    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    citizen.send(JOIN);
    expect(await citizen.next('error')).toMatchObject({ id: 'appointment_over' });
    citizen.close();
  });

  it('shows an agent only the queue of their offices, and another organisation nothing', async () => {
    const c = await bookedCitizen();
    const beta = t.orgB.accounts.find((a) => a.role === 'agent');
    const betaAgent = await staffSession(t, beta?.email ?? '', beta?.password ?? '', 'beta.test');
    const tab = await greetedSocket(t.app.http, 'agent', betaAgent, 'beta.test');
    tab.send({ type: 'watch_queue', date: '2026-03-02' });
    const queue = await tab.next('queue');
    expect(queue.entries.map((e) => e.appointmentId)).not.toContain(c.appointmentId);
    const citizen = await greetedSocket(t.app.http, 'citizen', c);
    citizen.send(JOIN);
    await citizen.next('waiting_status', (m) => m.presence === 'waiting');
    tab.send({ type: 'send_message', appointmentId: c.appointmentId, message: { template: 'coming_now' } });
    expect(await tab.next('error')).toMatchObject({ id: 'not_found', replyTo: 'send_message' });
    await tab.sync();
    expect(tab.all('citizen_waiting')).toEqual([]);
    citizen.close();
    tab.close();
  });
});
