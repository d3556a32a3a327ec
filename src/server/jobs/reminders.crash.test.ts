import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../db/database.ts';
import { seedOrganisation } from '../seed/demo.seed.ts';
import { freePort, ServerProcess, waitFor } from '../../../test/server-process.ts';

/**
 * Reminders survive kill -9. A real server process books appointments whose
 * waiting-room reminder falls due a few seconds later, is killed with
 * SIGKILL before its job runner looks (it polls hourly), and a new process
 * on the same data sends each reminder once; that one is killed in turn
 * right after sending, and a third process sends only what was still to
 * come. A real SMTP server counts what arrives.
 *
 * Nothing is faked: real time, real processes, real SMTP. Reminder times are
 * whole minutes (appointments start on whole minutes, the waiting room opens
 * whole minutes before), so the test waits for the next minute or two.
 */

const ZONE = 'Europe/Madrid';
/** The test organisation opens the waiting room this many minutes before. */
const WAITING_ROOM_MINUTES = 10;
const DURATION_MINUTES = 5;

/** The subject each language's waiting-room reminder starts with (mail.json). */
const JOIN_NOW_SUBJECT = { ca: "La sala d'espera ja és oberta", es: 'La sala de espera ya está abierta', en: 'The waiting room is now open' };

interface Received {
  to: string;
  subject: string;
  language: string;
  text: string;
}

/** An SMTP server on a free local port that keeps every message it accepts. */
async function startSmtp(): Promise<{ port: number; received: Received[]; stop: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const language = mail.headers.get('content-language');
          // Counted before the 250 goes back: what the sender may believe delivered.
          received.push({
            to: mail.to && !Array.isArray(mail.to) ? mail.to.text : '',
            subject: mail.subject ?? '',
            language: typeof language === 'string' ? language : '',
            text: mail.text ?? '',
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An organisation open every day, all day, with one-minute slots and no notice, so appointments can start minutes from now. */
async function prepareDatabase(file: string): Promise<void> {
  const { db } = openDatabase({ kind: 'sqlite', file });
  try {
    await migrateToLatest(db);
    const { organisationId } = await seedOrganisation(db, { now: new Date(), slug: 'crash', agents: 3 });
    await db
      .updateTable('organisations')
      .set({ slot_interval_minutes: 1, waiting_room_open_minutes: WAITING_ROOM_MINUTES })
      .where('id', '=', organisationId)
      .execute();
    await db
      .updateTable('procedures')
      .set({ min_notice_hours: 0, duration_minutes: DURATION_MINUTES, buffer_minutes: 0 })
      .where('organisation_id', '=', organisationId)
      .where('code', '=', 'padro-certificat')
      .execute();
    await db.deleteFrom('schedule_exceptions').where('organisation_id', '=', organisationId).execute();
    await db.deleteFrom('agent_schedules').where('organisation_id', '=', organisationId).execute();
    const agents = await db.selectFrom('staff').select('id').where('organisation_id', '=', organisationId).where('role', '=', 'agent').execute();
    for (const agent of agents) {
      for (let weekday = 1; weekday <= 7; weekday++) {
        await db
          .insertInto('agent_schedules')
          .values({ id: randomUUID(), organisation_id: organisationId, staff_id: agent.id, weekday, start_time: '00:00', end_time: '24:00', valid_from: null, valid_to: null })
          .execute();
      }
    }
  } finally {
    await db.destroy();
  }
}

/**
 * The first whole minute at least `marginMs` ahead at which a waiting-room
 * reminder can fall, such that the appointments (at it + the waiting room,
 * and one minute later) end before local midnight: slots do not span days.
 */
function nextReminderMinute(marginMs: number): number {
  let at = Math.ceil((Date.now() + marginMs) / 60_000) * 60_000;
  for (;;) {
    const lastEnd = DateTime.fromMillis(at + (WAITING_ROOM_MINUTES + 1 + DURATION_MINUTES) * 60_000, { zone: ZONE });
    if (lastEnd.hour * 60 + lastEnd.minute >= DURATION_MINUTES + 1) return at;
    at += 60_000;
  }
}

describe('reminders across kill -9', () => {
  let dataDir = '';
  let dbFile = '';
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let observer: Db;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-crash-'));
    dbFile = path.join(dataDir, 'finestreta.sqlite');
    await prepareDatabase(dbFile);
    smtp = await startSmtp();
    observer = openDatabase({ kind: 'sqlite', file: dbFile }).db;
  });
  afterAll(async () => {
    for (const s of servers) await s.kill9();
    await observer.destroy();
    await smtp.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startServer(pollSeconds: number): Promise<{ server: ServerProcess; baseUrl: string }> {
    const port = await freePort();
    const server = new ServerProcess({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      CAPTCHA_MAX_NUMBER: '10',
      JOBS_POLL_SECONDS: String(pollSeconds),
    });
    servers.push(server);
    const baseUrl = `http://127.0.0.1:${port}`;
    await server.ready(baseUrl);
    return { server, baseUrl };
  }

  async function bookVia(baseUrl: string, procedureId: string, startsAt: string, language: 'ca' | 'es' | 'en'): Promise<void> {
    const challenge = ((await (await fetch(`${baseUrl}/api/public/captcha`)).json()) as { data: Challenge }).data;
    const solution = await solveChallenge({ challenge, deriveKey });
    if (!solution) throw new Error('captcha not solved');
    const res = await fetch(`${baseUrl}/api/public/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        procedureId,
        startsAt,
        channel: 'video',
        captcha: { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } },
        citizen: {
          name: 'Persona',
          surnames: `Prova ${language}`,
          idType: 'passport',
          idNumber: `XK${language.toUpperCase()}12345`,
          email: `${language}@example.org`,
          phone: '+34 600 000 000',
          language,
          needs: { signLanguage: false, languageInterpreter: null, other: null },
        },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }

  const joinNowTo = (language: 'ca' | 'es' | 'en') =>
    smtp.received.filter((m) => m.to === `${language}@example.org` && m.subject.startsWith(JOIN_NOW_SUBJECT[language]));
  const confirmations = () => smtp.received.filter((m) => /^(Cita confirmada|Appointment confirmed)/.test(m.subject));
  const reminderRows = () =>
    observer.selectFrom('mail_queue').select(['kind', 'status', 'dedupe_key']).where('kind', '=', 'reminder_join_now').execute();
  // Reminders only: each booking also schedules its no-show check, which this test is not about.
  const jobs = () => observer.selectFrom('jobs').select(['kind', 'status', 'run_at']).where('kind', 'like', 'reminder_%').orderBy('run_at').execute();

  it('sends each reminder exactly once through two kill -9 restarts', { timeout: 300_000 }, async () => {
    // 1. A server that will not look for due jobs for an hour books three appointments:
    //    ca and es with the reminder at `first`, en with it one minute later.
    const a = await startServer(3600);
    const procedureId = (
      await observer.selectFrom('procedures').select('id').where('code', '=', 'padro-certificat').executeTakeFirstOrThrow()
    ).id;
    const first = nextReminderMinute(3_000);
    const second = first + 60_000;
    const startOf = (reminderAt: number) => new Date(reminderAt + WAITING_ROOM_MINUTES * 60_000).toISOString();
    await bookVia(a.baseUrl, procedureId, startOf(first), 'ca');
    await bookVia(a.baseUrl, procedureId, startOf(first), 'es');
    await bookVia(a.baseUrl, procedureId, startOf(second), 'en');
    // The other reminders' times had passed at booking: only the three waiting-room ones exist.
    expect((await jobs()).map((j) => [j.kind, j.status, j.run_at])).toEqual([
      ['reminder_join_now', 'pending', new Date(first).toISOString()],
      ['reminder_join_now', 'pending', new Date(first).toISOString()],
      ['reminder_join_now', 'pending', new Date(second).toISOString()],
    ]);
    expect(confirmations()).toHaveLength(3);

    // 2. kill -9 between scheduling and sending.
    await a.server.kill9();
    expect(Date.now()).toBeLessThan(first);
    expect(joinNowTo('ca').length + joinNowTo('es').length + joinNowTo('en').length).toBe(0);

    // 3. A new process sends the two reminders that fall due.
    const b = await startServer(1);
    await waitFor('the ca and es reminders', 120_000, () => joinNowTo('ca').length > 0 && joinNowTo('es').length > 0);
    // 4. kill -9 once they are recorded as sent (the queue's own at-least-once window is not what this tests).
    await waitFor('both recorded as sent', 30_000, async () => (await reminderRows()).filter((r) => r.status === 'sent').length === 2);
    await b.server.kill9();
    expect(Date.now()).toBeLessThan(second);

    // 5. A third process: it sends the en reminder when due, and nothing twice.
    const c = await startServer(1);
    await waitFor('the en reminder', 120_000, () => joinNowTo('en').length > 0);
    await waitFor('all recorded as sent', 30_000, async () => (await reminderRows()).every((r) => r.status === 'sent'));
    await c.server.kill9();

    expect(joinNowTo('ca')).toHaveLength(1);
    expect(joinNowTo('es')).toHaveLength(1);
    expect(joinNowTo('en')).toHaveLength(1);
    expect(confirmations()).toHaveLength(3);
    expect(smtp.received).toHaveLength(6);
    for (const language of ['ca', 'es', 'en'] as const) {
      const [reminder] = joinNowTo(language);
      expect(reminder?.language).toBe(language);
      // No credentials in a reminder: no personal link, no password.
      expect(reminder?.text).not.toContain('/a/');
      expect(reminder?.text).not.toMatch(/\b[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}\b/);
    }
    expect((await jobs()).map((j) => j.status)).toEqual(['done', 'done', 'done']);
    expect((await reminderRows()).map((r) => r.dedupe_key?.split(':')[1])).toEqual(['join_now', 'join_now', 'join_now']);
  });
});
