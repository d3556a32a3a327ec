import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { cancelAppointment, rescheduleAppointment } from '../booking/changes.service.ts';
import { jobsRepo } from '../jobs/jobs.repo.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { noShowKey } from './no-show.service.ts';
import { greetedSocket, nif } from './realtime.fixture.ts';

// Monday 2 March 2026 at 11:00 in Madrid; no-show after 10 minutes (the default).
const STARTS = '2026-03-02T10:00:00.000Z';
const NO_SHOW_AT = '2026-03-02T10:10:00.000Z';

describe.each(DIALECTS)('no-show (%s)', (dialect) => {
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
  beforeEach(() => {
    t.clock.set(DEFAULT_NOW);
    t.mail.sent.length = 0;
  });

  async function booked(startsAt = STARTS) {
    n++;
    return citizenWithAppointment(t, { procedureId: padro, startsAt, email: `absent${n}@example.org`, idNumber: nif(33_000_000 + n) });
  }
  const appointment = (id: string) => t.ctx.db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const desistedMail = (to: string) => t.mail.sent.filter((m) => m.to === to && /no us hi vau connectar/.test(m.subject));

  it('schedules the check with the booking, at the start plus the organisation’s minutes', async () => {
    const c = await booked();
    const job = await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, STARTS));
    expect(job).toMatchObject({ kind: 'no_show', run_at: NO_SHOW_AT, status: 'pending' });
  });

  it('marks a citizen who never came as desisted, emails them, and updates the agent’s queue and the citizen’s page', async () => {
    const c = await booked();
    t.clock.set(new Date('2026-03-02T09:55:00.000Z'));
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'watch_queue', date: '2026-03-02' });
    await tab.next('queue');
    // The citizen's page is open (the device check) but they never enter the waiting room.
    const page = await greetedSocket(t.app.http, 'citizen', c);

    t.clock.set(new Date('2026-03-02T10:09:59.000Z'));
    await t.app.jobs.runDue();
    expect((await appointment(c.appointmentId)).status).toBe('booked');

    t.clock.set(new Date(NO_SHOW_AT));
    await t.app.jobs.runDue();
    expect((await appointment(c.appointmentId)).status).toBe('desisted');
    expect(await tab.next('queue_entry', (m) => m.entry.appointmentId === c.appointmentId)).toMatchObject({ entry: { presence: 'left' } });
    expect(await page.next('call_ended')).toEqual({ type: 'call_ended', appointmentId: c.appointmentId, reason: 'desisted' });

    const events = await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'data']).where('appointment_id', '=', c.appointmentId).where('type', '=', 'appointment.desisted').execute();
    expect(events.map((e) => [e.actor, JSON.parse(e.data) as unknown])).toEqual([['system', { reason: 'no_show' }]]);
    const email = `absent${n}@example.org`;
    const mail = desistedMail(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text).toContain('desistida');
    // The agent's time is free again.
    expect(await t.ctx.db.selectFrom('agent_busy').select('unit').where('appointment_id', '=', c.appointmentId).execute()).toEqual([]);
    expect(await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, STARTS))).toMatchObject({ status: 'done' });
    // The town's systems hear of it (webhook event, with the appointment as closed), and no reminder is left to go out.
    const hook = await t.ctx.db.selectFrom('webhook_events').select(['type', 'payload']).where('appointment_id', '=', c.appointmentId).where('type', '=', 'appointment.desisted').execute();
    expect(hook).toHaveLength(1);
    expect(JSON.parse(hook[0]?.payload ?? '{}')).toMatchObject({ type: 'appointment.desisted', data: { appointment: { status: 'desisted' } } });
    const reminders = await t.ctx.db.selectFrom('jobs').select('status').where('key', 'like', `reminder:%:${c.appointmentId}:%`).where('status', '=', 'pending').execute();
    expect(reminders).toEqual([]);

    // A second run changes nothing and sends nothing more.
    await t.app.jobs.runDue();
    await t.app.mailer.runDue();
    expect(desistedMail(email)).toHaveLength(1);
    tab.close();
    page.close();
  });

  it('leaves alone a citizen who came (waiting, or come and gone)', async () => {
    const c = await booked();
    t.clock.set(new Date('2026-03-02T09:58:00.000Z'));
    const page = await greetedSocket(t.app.http, 'citizen', c);
    page.send({ type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: false } });
    await page.next('waiting_status', (m) => m.presence === 'waiting');
    page.send({ type: 'leave_waiting_room' });
    await page.next('waiting_status', (m) => m.presence === 'left');
    t.clock.set(new Date('2026-03-02T10:30:00.000Z'));
    await t.app.jobs.runDue();
    expect((await appointment(c.appointmentId)).status).toBe('booked');
    expect(await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, STARTS))).toMatchObject({ status: 'cancelled' });
    page.close();
  });

  it('moves the check with a reschedule and drops it with a cancellation', async () => {
    const c = await booked();
    const org = await organisationRepo.byId(t.ctx.db, t.orgA.id);
    if (!org) throw new Error('no organisation');
    const moved = await rescheduleAppointment(t.ctx, org, await appointment(c.appointmentId), '2026-03-03T10:00:00.000Z', 'citizen');
    expect(await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, STARTS))).toMatchObject({ status: 'cancelled' });
    expect(await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, '2026-03-03T10:00:00.000Z'))).toMatchObject({ status: 'pending', run_at: '2026-03-03T10:10:00.000Z' });
    await cancelAppointment(t.ctx, org, moved.appointment, 'citizen');
    expect(await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, '2026-03-03T10:00:00.000Z'))).toMatchObject({ status: 'cancelled' });
  });

  it('lets the agent mark a no-show, once the appointment has started', async () => {
    const c = await booked();
    t.clock.set(new Date('2026-03-02T09:59:00.000Z'));
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'mark_no_show', appointmentId: c.appointmentId });
    expect(await tab.next('error')).toMatchObject({ id: 'too_early' });
    t.clock.set(new Date('2026-03-02T10:03:00.000Z'));
    tab.send({ type: 'watch_queue' });
    await tab.next('queue');
    tab.send({ type: 'mark_no_show', appointmentId: c.appointmentId });
    expect(await tab.next('queue_entry', (m) => m.entry.appointmentId === c.appointmentId)).toMatchObject({ entry: { presence: 'left' } });
    expect((await appointment(c.appointmentId)).status).toBe('desisted');
    const events = await t.ctx.db.selectFrom('appointment_events').select(['actor', 'data']).where('appointment_id', '=', c.appointmentId).where('type', '=', 'appointment.desisted').execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toMatch(/^staff:/);
    expect(desistedMail(`absent${n}@example.org`)).toHaveLength(1);
    // The job finds nothing left to do.
    t.clock.set(new Date(NO_SHOW_AT));
    await t.app.jobs.runDue();
    expect(await jobsRepo.byKey(t.ctx.db, noShowKey(c.appointmentId, STARTS))).toMatchObject({ status: 'cancelled' });
    tab.close();
  });
});
