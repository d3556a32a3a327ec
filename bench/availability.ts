/**
 * bench/availability — how fast a month of availability is computed for a
 * procedure with 50 agents, and how booking throughput compares with raw
 * inserts of the same rows, both measured in this run on this machine.
 *
 *   npm run bench:availability            (SQLite, the embedded default)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:availability
 *
 * Goals (issue "Foundation and citizen booking"): month availability p99 < 20 ms
 * on SQLite; booking throughput ≥ 50 % of the raw-insert baseline.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { buildApp } from '../src/server/app.ts';
import { createContext, closeContext } from '../src/server/bootstrap.ts';
import { loadConfig } from '../src/server/config.ts';
import type { AppContext } from '../src/server/context.ts';
import { availabilityFor } from '../src/server/availability/availability.service.ts';
import { bookAppointment } from '../src/server/booking/booking.service.ts';
import { issueChallenge } from '../src/server/booking/captcha.ts';
import { bookingRepo } from '../src/server/booking/booking.repo.ts';
import { busyUnits } from '../src/server/availability/availability.engine.ts';
import { organisationRepo } from '../src/server/organisations/organisation.repo.ts';
import { seedOrganisation } from '../src/server/seed/demo.seed.ts';
import type { Organisation, Procedure } from '../src/server/db/schema.ts';
import { TestClock } from '../test/clock.ts';
import { MemoryMail } from '../test/memory-mail.ts';
import { freshDatabase } from '../test/databases.ts';

const AGENTS = 50;
const AVAILABILITY_RUNS = Number(process.env.BENCH_RUNS ?? 300);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 400);
const PRE_BOOKED_SHARE = 0.3;
// Wednesday 25 February 2026: the measured month (March) includes the DST change.
const NOW = new Date('2026-02-25T08:00:00Z');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function setup(): Promise<{ ctx: AppContext; org: Organisation; procedure: Procedure; cleanup: () => Promise<void> }> {
  // A database of its own, dropped afterwards, whichever the engine.
  const adminUrl = process.env.BENCH_DATABASE_URL;
  const fresh = await freshDatabase(adminUrl ? 'postgres' : 'sqlite', adminUrl);
  const config = {
    ...loadConfig({ DATA_DIR: fresh.dataDir, LOG_LEVEL: 'silent', CAPTCHA_MAX_NUMBER: '20', MAX_OPEN_APPOINTMENTS: '100' }),
    database: fresh.database,
  };
  const ctx = await createContext(config, { clock: new TestClock(NOW), mail: new MemoryMail() });
  const slug = `bench${Date.now()}`;
  await seedOrganisation(ctx.db, { slug, now: NOW, agents: AGENTS });
  const org = await organisationRepo.bySlug(ctx.db, slug);
  const procedure = await ctx.db
    .selectFrom('procedures')
    .selectAll()
    .where('organisation_id', '=', org?.id ?? '')
    .where('code', '=', 'padro-canvi-domicili')
    .executeTakeFirstOrThrow();
  if (!org) throw new Error('seed failed');
  return {
    ctx,
    org,
    procedure,
    cleanup: async () => {
      await closeContext(ctx);
      await fresh.drop();
    },
  };
}

/**
 * Inserts every row a video booking writes — the appointment, its occupancy,
 * its history entry, the confirmation email, the three reminder jobs and the
 * no-show check, the
 * webhook event and the spent proof of work — with no checks and no lookups:
 * the cost of persisting a booking, against which the booking path is compared.
 */
async function rawInsert(ctx: AppContext, org: Organisation, procedure: Procedure, agentId: string, startMs: number, n: number) {
  const endMs = startMs + procedure.duration_minutes * 60_000;
  const id = randomUUID();
  const nowIso = NOW.toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await bookingRepo.insertAppointment(trx, {
      id,
      organisation_id: org.id,
      reference: `R-${n}-${id.slice(0, 6)}`,
      procedure_id: procedure.id,
      agent_id: agentId,
      channel: 'video',
      status: 'booked',
      starts_at: new Date(startMs).toISOString(),
      ends_at: new Date(endMs).toISOString(),
      ...busyUnits(startMs, endMs + procedure.buffer_minutes * 60_000),
      citizen_name: 'Bench',
      citizen_surnames: 'Mark',
      citizen_id_type: 'passport',
      citizen_id_number: `BENCH${n}`,
      citizen_email: `raw${n}@bench.test`,
      citizen_phone: '600000000',
      language: 'ca',
      needs: '{}',
      access_token_hash: null,
      password_hash: null,
      failed_logins: 0,
      locked_until: null,
      upload_deadline: nowIso,
      ics_sequence: 0,
      cancelled_at: null,
      created_at: nowIso,
      updated_at: nowIso,
    });
    await bookingRepo.claimUnits(trx, org.id, agentId, id, startMs, endMs + procedure.buffer_minutes * 60_000);
    await bookingRepo.addEvent(trx, org.id, id, 'appointment.booked', 'citizen', nowIso);
    await trx
      .insertInto('mail_queue')
      .values({ id: randomUUID(), organisation_id: org.id, appointment_id: id, kind: 'booking_confirmation', status: 'sent', attempts: 0, next_attempt_at: nowIso, last_error: null, created_at: nowIso, sent_at: null })
      .execute();
    // The three reminders and the no-show check, as a video booking schedules them.
    for (const kind of ['reminder_documents', 'reminder_day_before', 'reminder_join_now', 'no_show']) {
      await trx
        .insertInto('jobs')
        .values({ id: randomUUID(), organisation_id: org.id, kind, key: `${kind}:${id}`, run_at: new Date(startMs - 3_600_000).toISOString(), status: 'pending', attempts: 0, lease_until: null, lease_owner: null, last_error: null, payload: JSON.stringify({ appointmentId: id, startsAt: new Date(startMs).toISOString() }), created_at: nowIso, updated_at: nowIso })
        .execute();
    }
    await trx
      .insertInto('webhook_events')
      .values({ id: randomUUID(), organisation_id: org.id, type: 'appointment.booked', appointment_id: id, occurred_at: nowIso, payload: JSON.stringify({ id, type: 'appointment.booked' }) })
      .execute();
    await trx.insertInto('used_challenges').values({ signature: `raw-${id}`, expires_at: nowIso }).execute();
  });
}

async function main(): Promise<void> {
  const { ctx, org, procedure, cleanup } = await setup();
  const engine = ctx.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  try {
    // Occupy a share of the month so availability works against realistic data.
    const month = await availabilityFor(ctx, org, procedure, { fromDate: '2026-03-01', toDate: '2026-03-31' });
    const pairs = month.flatMap((d) => d.slots.flatMap((s) => s.agentIds.map((a) => ({ a, s: s.startMs }))));
    const taken = new Set<string>();
    let pre = 0;
    const stepMs = (procedure.duration_minutes + procedure.buffer_minutes) * 60_000;
    for (const { a, s } of pairs) {
      // Keep appointments of one agent from overlapping: only slots aligned to the procedure's length.
      if ((s / 60_000) % ((stepMs / 60_000) * 2) !== 0 || taken.has(`${a}:${s}`) || Math.random() > PRE_BOOKED_SHARE * 2) continue;
      taken.add(`${a}:${s}`);
      await rawInsert(ctx, org, procedure, a, s, pre++);
    }

    // 1. Month availability: the service (queries + computation) and the HTTP endpoint.
    const app = await buildApp(ctx);
    await app.http.ready();
    const times: number[] = [];
    const httpTimes: number[] = [];
    for (let i = 0; i < 20; i++) await availabilityFor(ctx, org, procedure, { fromDate: '2026-03-01', toDate: '2026-03-31' });
    for (let i = 0; i < AVAILABILITY_RUNS; i++) {
      const t0 = performance.now();
      await availabilityFor(ctx, org, procedure, { fromDate: '2026-03-01', toDate: '2026-03-31' });
      times.push(performance.now() - t0);
      const t1 = performance.now();
      const res = await app.http.inject({
        url: `/o/${org.slug}/api/public/procedures/${procedure.id}/availability?from=2026-03-01&to=2026-03-31`,
      });
      httpTimes.push(performance.now() - t1);
      if (res.statusCode !== 200) throw new Error(`availability answered ${res.statusCode}`);
    }
    times.sort((a, b) => a - b);
    httpTimes.sort((a, b) => a - b);
    const p99 = percentile(times, 99);

    // 2. Booking throughput vs raw inserts of the same rows, interleaved in rounds so both see the same machine state.
    const free = (await availabilityFor(ctx, org, procedure, { fromDate: '2026-03-01', toDate: '2026-03-31' })).flatMap((d) =>
      d.slots.filter((s) => s.agentIds.length > 0).map((s) => s.startMs),
    );
    const captchas = [];
    for (let i = 0; i < BOOKINGS; i++) {
      const challenge = await issueChallenge(ctx);
      const solution = await solveChallenge({ challenge, deriveKey });
      if (!solution) throw new Error('unsolved');
      captchas.push({ challenge: { parameters: { ...challenge.parameters }, signature: challenge.signature ?? '' }, solution: { counter: solution.counter, derivedKey: solution.derivedKey } });
    }
    let bookingMs = 0;
    let rawMs = 0;
    const ROUNDS = 8;
    const perRound = BOOKINGS / ROUNDS;
    const agentIds = (await ctx.db.selectFrom('staff').select('id').where('organisation_id', '=', org.id).where('role', '=', 'agent').execute()).map((r) => r.id);
    let rawN = 100_000;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      for (let i = r * perRound; i < (r + 1) * perRound; i++) {
        const startMs = free[(i * 7) % free.length] ?? 0;
        await bookAppointment(ctx, org, {
          procedureId: procedure.id,
          startsAt: new Date(startMs).toISOString(),
          channel: 'video',
          citizen: {
            name: 'Bench',
            surnames: 'Mark',
            idType: 'passport',
            idNumber: `BOOK${i}`,
            email: `b${i}@bench.test`,
            phone: '600000000',
            language: 'ca',
            needs: { signLanguage: false, languageInterpreter: null, other: null },
          },
          captcha: captchas[i] as (typeof captchas)[number],
        }).catch((error: unknown) => {
          // A slot filled by earlier rounds still exercises the whole path; count it.
          if (!(error instanceof Error) || !('id' in error)) throw error;
        });
      }
      bookingMs += performance.now() - t0;
      const t1 = performance.now();
      for (let i = 0; i < perRound; i++) {
        // Far-future units so raw inserts never collide with bookings.
        const startMs = Date.parse('2027-01-04T08:00:00Z') + rawN * 3_600_000;
        await rawInsert(ctx, org, procedure, agentIds[rawN % agentIds.length] ?? '', startMs, rawN++);
      }
      rawMs += performance.now() - t1;
    }
    await app.http.close();
    const bookingRate = (BOOKINGS / bookingMs) * 1000;
    const rawRate = (BOOKINGS / rawMs) * 1000;
    const ratio = bookingRate / rawRate;

    const out = [
      `bench/availability on ${engine}, ${AGENTS} agents, ${pre} appointments pre-booked in the month`,
      `month availability (service): p50 ${percentile(times, 50).toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  (goal p99 < 20 ms)  ${p99 < 20 ? 'OK' : 'MISSED'}`,
      `month availability (HTTP):    p50 ${percentile(httpTimes, 50).toFixed(2)} ms  p99 ${percentile(httpTimes, 99).toFixed(2)} ms`,
      `booking throughput: ${bookingRate.toFixed(0)}/s vs raw insert baseline ${rawRate.toFixed(0)}/s = ${(ratio * 100).toFixed(0)} %  (goal ≥ 50 %)  ${ratio >= 0.5 ? 'OK' : 'MISSED'}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
