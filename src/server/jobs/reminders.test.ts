import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { createContext, closeContext } from '../bootstrap.ts';
import { cancelAppointment, rescheduleAppointment } from '../booking/changes.service.ts';
import type { Appointment, Organisation } from '../db/schema.ts';
import { MailDispatcher } from '../mail/mail.queue.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { JobRunner } from './job-runner.ts';
import { jobsRepo } from './jobs.repo.ts';
import { reminderHandlers } from './reminders.service.ts';

// Booked on Monday 2 March 2026 at 08:00 Madrid (the test clock) for Thursday 5 March at 10:00 Madrid (CET, UTC+1).
const THU_1000 = '2026-03-05T09:00:00.000Z';
// Documents are due 48 h before (Tuesday 10:00); their reminder is 24 h before that.
const DOCUMENTS_AT = '2026-03-02T09:00:00.000Z';
// 18:00 Madrid on Wednesday.
const DAY_BEFORE_AT = '2026-03-04T17:00:00.000Z';
// The demo organisation opens the waiting room 15 minutes before.
const JOIN_NOW_AT = '2026-03-05T08:45:00.000Z';

describe.each(DIALECTS)('appointment reminders (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let org: Organisation;
  let n = 0;

  beforeAll(async () => {
    // Enough agents for every test to book the same Thursday slot.
    t = await createTestApp({ dialect, agents: 10 });
    padro = await procedureId(t, t.orgA.id);
    const found = await organisationRepo.byId(t.ctx.db, t.orgA.id);
    if (!found) throw new Error('no organisation');
    org = found;
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    t.clock.set(DEFAULT_NOW);
    t.mail.sent.length = 0;
  });

  /** Books as a new citizen (each test its own, so the per-citizen limit never interferes). */
  async function bookAt(startsAt: string, language = 'es'): Promise<Appointment> {
    n++;
    const res = await book(t, {
      procedureId: padro,
      startsAt,
      citizen: { email: `rem${n}@example.org`, idNumber: `${String(10_000_000 + n)}${'TRWAGMYFPDXBNJZSQVHLCKE'[(10_000_000 + n) % 23] ?? ''}`, language },
    });
    expect(res.statusCode, res.body).toBe(201);
    return t.ctx.db.selectFrom('appointments').selectAll().where('reference', '=', res.json().data.reference).executeTakeFirstOrThrow();
  }

  const jobsOf = (appointmentId: string) =>
    t.ctx.db.selectFrom('jobs').selectAll().where('key', 'like', `%:${appointmentId}:%`).orderBy('run_at').execute();
  const reminderMailTo = (email: string) => t.mail.sent.filter((m) => m.to === email && !m.calendar);

  it('schedules the three reminders with the booking, at the right times', async () => {
    const a = await bookAt(THU_1000);
    const jobs = await jobsOf(a.id);
    expect(jobs.map((j) => [j.kind, j.run_at, j.status])).toEqual([
      ['reminder_documents', DOCUMENTS_AT, 'pending'],
      ['reminder_day_before', DAY_BEFORE_AT, 'pending'],
      ['reminder_join_now', JOIN_NOW_AT, 'pending'],
    ]);
    expect(jobs.map((j) => j.key)).toContain(`reminder:day_before:${a.id}:${THU_1000}`);
    expect(jobs.every((j) => j.organisation_id === t.orgA.id)).toBe(true);
  });

  it('does not schedule reminders whose time has already passed', async () => {
    // Monday 11:00 Madrid, booked at 08:00: only the waiting-room one (10:45) is still ahead.
    const a = await bookAt('2026-03-02T10:00:00.000Z');
    expect((await jobsOf(a.id)).map((j) => [j.kind, j.run_at])).toEqual([['reminder_join_now', '2026-03-02T09:45:00.000Z']]);
  });

  it('moves the reminders when the appointment is rescheduled, and cancels them when it is cancelled', async () => {
    const a = await bookAt(THU_1000);
    // Tuesday 10 March, 10:00 Madrid.
    const moved = await rescheduleAppointment(t.ctx, org, a, '2026-03-10T09:00:00.000Z', 'citizen');
    const jobs = await jobsOf(a.id);
    expect(jobs.filter((j) => j.status === 'cancelled').map((j) => j.run_at)).toEqual([DOCUMENTS_AT, DAY_BEFORE_AT, JOIN_NOW_AT]);
    expect(jobs.filter((j) => j.status === 'pending').map((j) => [j.kind, j.run_at])).toEqual([
      ['reminder_documents', '2026-03-07T09:00:00.000Z'],
      ['reminder_day_before', '2026-03-09T17:00:00.000Z'],
      ['reminder_join_now', '2026-03-10T08:45:00.000Z'],
    ]);

    // Moved back: the first time's reminders, never sent, are armed again.
    const back = await rescheduleAppointment(t.ctx, org, moved.appointment, THU_1000, 'citizen');
    expect((await jobsOf(a.id)).filter((j) => j.status === 'pending').map((j) => j.run_at)).toEqual([DOCUMENTS_AT, DAY_BEFORE_AT, JOIN_NOW_AT]);

    await cancelAppointment(t.ctx, org, back.appointment, 'citizen');
    expect((await jobsOf(a.id)).every((j) => j.status === 'cancelled')).toBe(true);
    // Nothing goes out, whenever the runner looks.
    t.clock.set(new Date('2026-03-10T08:50:00Z'));
    t.mail.sent.length = 0;
    await t.app.jobs.runDue();
    await t.app.mailer.runDue();
    expect(reminderMailTo(a.citizen_email)).toEqual([]);
  });

  it('queues exactly one email when a reminder is due, in the citizen’s language, and marks the job done', async () => {
    const a = await bookAt(THU_1000, 'es');
    t.clock.set(new Date(Date.parse(DOCUMENTS_AT) + 1_000));
    await t.app.jobs.runDue();
    await t.app.jobs.runDue();
    await t.app.mailer.runDue();

    const sent = reminderMailTo(a.citizen_email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toMatch(/^Documentación pendiente para su cita: Certificado de empadronamiento/);
    expect(sent[0]?.language).toBe('es');
    // Every mandatory document counts as missing until the document space exists.
    expect(sent[0]?.text).toContain('- DNI, NIE o pasaporte');
    expect(sent[0]?.text).not.toContain('/a/');

    const queued = await t.ctx.db.selectFrom('mail_queue').selectAll().where('appointment_id', '=', a.id).where('kind', '=', 'reminder_documents').execute();
    expect(queued.map((q) => [q.status, q.dedupe_key])).toEqual([['sent', `reminder:documents:${a.id}:${THU_1000}`]]);
    const job = await jobsRepo.byKey(t.ctx.db, `reminder:documents:${a.id}:${THU_1000}`);
    expect(job).toMatchObject({ status: 'done', attempts: 1, lease_until: null, lease_owner: t.app.jobs.owner });
  });

  it('sends one email when two nodes race for the same due reminder', async () => {
    const a = await bookAt(THU_1000, 'en');
    t.clock.set(new Date(Date.parse(DAY_BEFORE_AT) + 1_000));
    // A second node: its own runner and dispatcher, same clock and transport, and on PostgreSQL its own
    // connection pool. (Two SQLite connections in one process would block each other's event loop:
    // better-sqlite3 waits for a lock synchronously, so there the second node shares the connection.)
    const ctx2 = dialect === 'postgres' ? await createContext(t.ctx.config, { clock: t.clock, mail: t.mail, migrate: false }) : t.ctx;
    const mailer2 = new MailDispatcher(ctx2);
    const runner2 = new JobRunner(ctx2, reminderHandlers(mailer2));
    try {
      const finished = await Promise.all([t.app.jobs.runDue(), runner2.runDue(), t.app.jobs.runDue(), runner2.runDue()]);
      await Promise.all([t.app.mailer.runDue(), mailer2.runDue()]);
      const dayBefore = reminderMailTo(a.citizen_email).filter((m) => m.subject.startsWith('Reminder of your appointment tomorrow'));
      expect(dayBefore).toHaveLength(1);
      const job = await jobsRepo.byKey(t.ctx.db, `reminder:day_before:${a.id}:${THU_1000}`);
      expect(job?.status).toBe('done');
      expect(job?.attempts).toBe(1);
      expect(finished.reduce((s, x) => s + x, 0)).toBeGreaterThanOrEqual(1);
    } finally {
      if (ctx2 !== t.ctx) await closeContext(ctx2);
    }
  });

  it('re-claims a reminder whose node died holding it, once its lease has run out', async () => {
    const a = await bookAt(THU_1000, 'ca');
    const key = `reminder:join_now:${a.id}:${THU_1000}`;
    const job = await jobsRepo.byKey(t.ctx.db, key);
    t.clock.set(new Date(Date.parse(JOIN_NOW_AT) + 1_000));
    // A node claims the job and is killed before it commits anything.
    const now = t.clock.now();
    expect(await jobsRepo.claim(t.ctx.db, job?.id ?? '', 'dead-node', now, new Date(now.getTime() + 120_000))).toBeDefined();

    await t.app.jobs.runDue();
    expect(reminderMailTo(a.citizen_email)).toHaveLength(0);

    t.clock.advance(120_000);
    await t.app.jobs.runDue();
    await t.app.mailer.runDue();
    const sent = reminderMailTo(a.citizen_email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toMatch(/^La sala d'espera ja és oberta/);
    expect(await jobsRepo.byKey(t.ctx.db, key)).toMatchObject({ status: 'done', attempts: 2, lease_owner: t.app.jobs.owner });
    // The dead node, were it to wake up, can no longer finish the job.
    expect(await jobsRepo.finish(t.ctx.db, job?.id ?? '', 'dead-node', 'done', t.clock.now())).toBe(false);
  });

  it('sends nothing for a reminder whose time passed while the servers were down past its use', async () => {
    const a = await bookAt(THU_1000, 'ca');
    // The day-before reminder only makes sense until the day itself begins.
    t.clock.set(new Date('2026-03-05T07:00:00Z'));
    await t.app.jobs.runDue();
    await t.app.mailer.runDue();
    expect(reminderMailTo(a.citizen_email).filter((m) => m.subject.startsWith('Recordatori'))).toEqual([]);
    expect((await jobsRepo.byKey(t.ctx.db, `reminder:day_before:${a.id}:${THU_1000}`))?.status).toBe('cancelled');
  });
});
