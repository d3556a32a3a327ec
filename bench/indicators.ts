/**
 * bench/indicators — the dashboard's queries on 1 million synthetic
 * appointments in PostgreSQL (issue 8: goal < 300 ms each).
 *
 *   npm run bench:indicators                       (1,000,000 appointments)
 *   BENCH_APPOINTMENTS=200000 npm run bench:indicators
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (the default)
 *
 * A database of its own (dropped afterwards) gets the demo municipality
 * with 50 agents in two offices and its procedures, then — by SQL, in
 * bulk — appointments spread over 2025 and 2026 (90 % video; completed,
 * not conclusive, no-shows, cancelled and still booked in realistic
 * shares), the handling time of every call held, a wrap-up for four in
 * five of them and a survey for two in five. Then, for a year (2026) and
 * for each viewer the dashboard serves (an administrator for the whole
 * organisation, the same for one procedure, a supervisor for an office, an
 * agent for their own), it times the whole request, the breakdown by
 * procedure, and each query counted live (median and worst of 7 runs after
 * a warm-up): closed months come from monthly rollups, the current month's
 * days already over from daily ones (their one-off counting is timed
 * apart), today is counted live and the days ahead by status only.
 * The baseline measured in the same run is what a dashboard without rollups
 * could not avoid: counting the year's appointments of that scope.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { closeContext, createContext } from '../src/server/bootstrap.ts';
import { loadConfig } from '../src/server/config.ts';
import type { Staff } from '../src/server/db/schema.ts';
import { indicatorsRepo, type IndicatorScope } from '../src/server/indicators/indicators.repo.ts';
import { closedDays, indicators, indicatorsByProcedure, monthBounds, monthsBetween } from '../src/server/indicators/indicators.service.ts';
import { organisationRepo } from '../src/server/organisations/organisation.repo.ts';
import { seedOrganisation } from '../src/server/seed/demo.seed.ts';
import { TestClock } from '../test/clock.ts';
import { freshDatabase } from '../test/databases.ts';
import { MemoryMail } from '../test/memory-mail.ts';

const APPOINTMENTS = Number(process.env.BENCH_APPOINTMENTS ?? 1_000_000);
const RUNS = 7;
const NOW = new Date('2026-12-15T10:00:00Z');
const say = (line: string) => process.stdout.write(`${line}\n`);

async function time(fn: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? NaN, max: times.at(-1) ?? NaN };
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const fresh = await freshDatabase('postgres', adminUrl);
  const config = { ...loadConfig({ DATA_DIR: fresh.dataDir, LOG_LEVEL: 'silent' }), database: fresh.database };
  const ctx = await createContext(config, { clock: new TestClock(NOW), mail: new MemoryMail() });
  try {
    const seeded = await seedOrganisation(ctx.db, { slug: 'bench', now: NOW, agents: 50 });
    const org = await organisationRepo.bySlug(ctx.db, 'bench');
    if (!org) throw new Error('seed failed');
    const agents = await ctx.db.selectFrom('staff').selectAll().where('organisation_id', '=', org.id).where('role', '=', 'agent').orderBy('email').execute();
    const procedures = await ctx.db.selectFrom('procedures').select('id').where('organisation_id', '=', org.id).orderBy('code').execute();
    // A second office with half the agents: a supervisor's scope.
    const office2 = 'bench-office-2';
    await ctx.db.insertInto('offices').values({ id: office2, organisation_id: org.id, name: 'Oficina 2', created_at: NOW.toISOString() }).execute();
    const half = agents.slice(0, 25).map((a) => a.id);
    await ctx.db.deleteFrom('staff_offices').where('staff_id', 'in', half).execute();
    await ctx.db.insertInto('staff_offices').values(half.map((id) => ({ staff_id: id, office_id: office2 }))).execute();

    const filled = performance.now();
    const agentIds = agents.map((a) => a.id);
    const procedureIds = procedures.map((p) => p.id);
    // Bulk data by SQL: row i gets its agent, procedure, start and fate from i, so every run builds the same data.
    await sql`
      insert into appointments (id, organisation_id, reference, procedure_id, agent_id, channel, status, starts_at, ends_at,
        busy_start_unit, busy_end_unit, citizen_name, citizen_surnames, citizen_id_type, citizen_id_number, citizen_email, citizen_phone,
        language, needs, access_token_hash, password_hash, failed_logins, locked_until, upload_deadline, ics_sequence, cancelled_at, created_at, updated_at)
      select 'b' || i, ${org.id}, 'V-' || lpad(i::text, 8, '0'),
        (${sql.val(procedureIds)}::text[])[(1 + i % ${procedureIds.length})::int],
        (${sql.val(agentIds)}::text[])[(1 + (i / 7) % ${agentIds.length})::int],
        case when i % 10 = 0 then 'in_person' else 'video' end,
        case when i % 100 < 66 then 'completed' when i % 100 < 70 then 'not_conclusive' when i % 100 < 78 then 'desisted'
             when i % 100 < 88 then 'cancelled' else 'booked' end,
        to_char(s, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(s + interval '30 minutes', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        0, 6, 'Nom', 'Cognoms', 'nif', '00000000T', 'bench@example.org', '', 'ca', '{}', null, null, 0, null,
        to_char(s, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 0, null, to_char(s, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(s, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      from (select i, timestamp '2025-01-01 07:00' + ((i * 7919) % 730) * interval '1 day' + ((i * 104729) % 480) * interval '1 minute' as s
            from generate_series(1::bigint, ${APPOINTMENTS}::bigint) as i) g
      -- Stored roughly in the order of their dates, as bookings made a few weeks ahead are.
      order by s`.execute(ctx.db);
    await sql`
      insert into call_times (appointment_id, organisation_id, started_at, ended_at, seconds)
      select id, organisation_id, starts_at, starts_at, 240 + (abs(hashtext(id)) % 1500) from appointments
      where organisation_id = ${org.id} and status in ('completed', 'not_conclusive')`.execute(ctx.db);
    await sql`
      insert into call_wrapups (appointment_id, organisation_id, agent_id, outcome, rating, note, created_at, updated_at)
      select id, organisation_id, agent_id,
        case when status = 'not_conclusive' then (case when abs(hashtext(id)) % 3 = 0 then 'other_reason' else 'missing_documents' end)
             when abs(hashtext(id)) % 50 = 0 then 'technical_failure' else 'completed' end,
        1 + abs(hashtext(id || 'r')) % 5, null, starts_at, starts_at
      from appointments where organisation_id = ${org.id} and status in ('completed', 'not_conclusive') and abs(hashtext(id)) % 5 <> 0`.execute(ctx.db);
    await sql`
      insert into citizen_surveys (appointment_id, organisation_id, liked, easy, use_again, comment, language, answered_via, answered_at)
      select id, organisation_id, 6 + abs(hashtext(id)) % 5, 5 + abs(hashtext(id || 'e')) % 6, case when abs(hashtext(id)) % 20 = 0 then 0 else 1 end,
        case when abs(hashtext(id)) % 50 = 0 then 'Comentari de prova' else null end, 'ca', 'call', starts_at
      from appointments where organisation_id = ${org.id} and status in ('completed', 'not_conclusive') and abs(hashtext(id || 's')) % 5 < 2`.execute(ctx.db);
    await sql`analyze`.execute(ctx.db);
    const counts = await sql<{ a: string; c: string; w: string; s: string }>`select
      (select count(*) from appointments) a, (select count(*) from call_times) c, (select count(*) from call_wrapups) w, (select count(*) from citizen_surveys) s`.execute(ctx.db);
    const row = counts.rows[0];
    say(`data: ${row?.a ?? '?'} appointments, ${row?.c ?? '?'} calls timed, ${row?.w ?? '?'} wrap-ups, ${row?.s ?? '?'} surveys (built in ${((performance.now() - filled) / 1000).toFixed(1)} s)`);

    const supervisor = { ...agents[0], id: 'bench-supervisor', role: 'supervisor' } as Staff;
    await ctx.db
      .insertInto('staff')
      .values({ ...agents[0], id: supervisor.id, email: 'bench-supervisor@example.org', role: 'supervisor' } as never)
      .execute();
    await ctx.db.insertInto('staff_offices').values({ staff_id: supervisor.id, office_id: office2 }).execute();
    const admin = { ...agents[0], id: 'bench-admin', role: 'admin' } as Staff;
    const agent = agents[30] as Staff;
    const months = monthsBetween('2026-01', '2026-12');
    const bounds = monthBounds(months, org.time_zone);
    const q = { from: '2026-01', to: '2026-12' };
    const views: { name: string; viewer: Staff; query: typeof q & { procedureId?: string }; scope: IndicatorScope }[] = [
      { name: 'administrator, whole organisation', viewer: admin, query: q, scope: { organisationId: org.id, months: bounds } },
      { name: 'administrator, one procedure', viewer: admin, query: { ...q, procedureId: procedureIds[1] ?? '' }, scope: { organisationId: org.id, months: bounds, procedureId: procedureIds[1] } },
      { name: 'supervisor, one office (25 agents)', viewer: supervisor, query: q, scope: { organisationId: org.id, months: bounds, agentIds: half } },
      { name: 'agent, own figures', viewer: agent, query: q, scope: { organisationId: org.id, months: bounds, agentIds: [agent.id] } },
    ];
    const nowIso = NOW.toISOString();
    if (process.env.BENCH_EXPLAIN) {
      // The plan of the heaviest query (the statuses of the whole organisation), for whoever tunes it.
      const cases = bounds.map((b) => `when a.starts_at < '${b.end}' then '${b.month}'`).join(' ');
      const plan = await sql.raw<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) select case ${cases} end as month, a.status, case when ct.appointment_id is null then 0 else 1 end as held,
          case when a.starts_at < '${nowIso}' then 1 else 0 end as past, count(*) from appointments a left join call_times ct on ct.appointment_id = a.id
          where a.organisation_id = '${org.id}' and a.channel = 'video' and a.starts_at >= '${bounds[0]?.start ?? ''}' and a.starts_at < '${bounds.at(-1)?.end ?? ''}' group by 1, 2, 3, 4`,
      ).execute(ctx.db);
      say(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    let worst = 0;
    const fmt = (t: { median: number; max: number }) => `${t.median.toFixed(0)} / ${t.max.toFixed(0)}`;
    // Closed months come from their monthly rollups (counted once, then in the background every hour); in the
    // current month, the days already over from daily rollups; only today and the days to come are counted
    // live. The first request of a fresh database counts the eleven monthly and the month's daily rollups.
    await ctx.db.deleteFrom('indicator_rollups').execute();
    const coldStart = performance.now();
    await indicators(ctx, org, admin, q, 'ca');
    const cold = performance.now() - coldStart;
    say(`first request of the year (counts the 11 closed months' and ${String((bounds.at(-1) ? closedDays(bounds.at(-1) as (typeof bounds)[number], nowIso, org.time_zone) : []).length)} closed days' rollups, once): ${cold.toFixed(0)} ms`);
    // Today, counted live; the days still to come, by status only (what the service does).
    const current = bounds.find((b) => b.end > nowIso);
    const todayStart = current ? (closedDays(current, nowIso, org.time_zone).at(-1)?.end ?? current.start) : nowIso;
    const todayEnd = new Date(Date.parse(todayStart) + 24 * 3_600_000).toISOString();
    const today = current ? [{ month: current.month, start: todayStart, end: todayEnd }] : [];
    const ahead = current ? [{ month: current.month, start: todayEnd, end: current.end }] : [];
    say(`year 2026 (${months.length} months; live: today from ${todayStart}, then the month's days ahead by status), ${RUNS} runs each after a warm-up: median / worst (ms)`);
    for (const v of views) {
      const base = await time(async () => {
        let c = ctx.db
          .selectFrom('appointments')
          .select(sql<string>`count(*)`.as('n'))
          .where('organisation_id', '=', org.id)
          .where('starts_at', '>=', bounds[0]?.start ?? '')
          .where('starts_at', '<', bounds.at(-1)?.end ?? '');
        if (v.scope.procedureId) c = c.where('procedure_id', '=', v.scope.procedureId);
        if (v.scope.agentIds) c = c.where('agent_id', 'in', [...v.scope.agentIds]);
        await c.execute();
      });
      const live = { ...v.scope, months: today };
      const parts = {
        ahead: await time(() => indicatorsRepo.statusCounts(ctx.db, { ...v.scope, months: ahead }, nowIso, false, true)),
        statuses: await time(() => indicatorsRepo.statusCounts(ctx.db, live, nowIso)),
        handling: await time(() => indicatorsRepo.handlingDistribution(ctx.db, live)),
        wrapups: await time(() => indicatorsRepo.wrapups(ctx.db, live)),
        surveys: await time(() => indicatorsRepo.surveys(ctx.db, live)),
      };
      const whole = await time(() => indicators(ctx, org, v.viewer, v.query, 'ca'));
      const byProcedure = await time(() => indicatorsByProcedure(ctx, org, v.viewer, v.query, 'ca'));
      worst = Math.max(worst, ...Object.values(parts).map((p) => p.median), whole.median, byProcedure.median);
      say(`  ${v.name}:`);
      say(`    baseline: count(*) of the year's appointments in scope (a scan the rollups avoid) ${fmt(base)}`);
      for (const [name, t] of Object.entries(parts)) say(`    live part, ${name.padEnd(9)} ${fmt(t)}`);
      say(`    whole request ${fmt(whole)}   ratio ${(whole.median / base.median).toFixed(2)}x the baseline`);
      say(`    by procedure (the dashboard's second request) ${fmt(byProcedure)}`);
    }
    say(`slowest median: ${worst.toFixed(0)} ms (goal < 300 ms each): ${worst < 300 ? 'met' : 'NOT met'}`);
    void seeded;
  } finally {
    await closeContext(ctx);
    await fresh.drop();
  }
}

await main();
