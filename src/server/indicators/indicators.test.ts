import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import type { AppointmentStatus } from '../db/schema.ts';
import type { IndicatorsView, MonthIndicators } from '../../shared/indicators.ts';
import type { WrapupOutcome } from '../surveys/surveys.tables.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTool, runTool } from '../../../test/evidence-tools.ts';
import { closedDays, meanAndMedian, monthBounds, monthsBetween, rollupTimings } from './indicators.service.ts';

/**
 * The indicators from a hand-built set of appointments whose expected
 * figures are worked out here, by hand, from the definitions
 * (src/shared/indicators.ts) — not by the SQL under test. Edge cases: a
 * month without data, a cancelled appointment rebooked, a no-show after a
 * reschedule into another month, appointments at the edges of a local month
 * (Europe/Madrid), an in-person appointment (not in the video figures), an
 * appointment of another agent (not in an agent's own figures).
 */

interface Fixture {
  key: string;
  /** UTC start. */
  startsAt: string;
  status: AppointmentStatus;
  channel?: 'video' | 'in_person';
  other?: boolean;
  /** Of the second procedure (the change of address) rather than the certificate. */
  move?: boolean;
  seconds?: number;
  wrapup?: { outcome: WrapupOutcome; rating: number };
  survey?: { liked: number; easy: number; useAgain: boolean; comment?: string };
}

const FIXTURES: Fixture[] = [
  { key: 'j1', startsAt: '2026-01-12T09:00:00.000Z', status: 'completed', seconds: 600, wrapup: { outcome: 'completed', rating: 5 }, survey: { liked: 10, easy: 9, useAgain: true } },
  {
    key: 'j2',
    startsAt: '2026-01-12T10:00:00.000Z',
    status: 'not_conclusive',
    seconds: 300,
    wrapup: { outcome: 'missing_documents', rating: 3 },
    survey: { liked: 8, easy: 7, useAgain: false, comment: 'Em faltava el contracte de lloguer.' },
  },
  { key: 'j3', startsAt: '2026-01-13T09:00:00.000Z', status: 'completed', seconds: 900 },
  { key: 'j4', startsAt: '2026-01-14T09:00:00.000Z', status: 'desisted', move: true },
  // Cancelled, then booked again (j6): both were requested; one cancelled, one held.
  { key: 'j5', startsAt: '2026-01-15T09:00:00.000Z', status: 'cancelled' },
  { key: 'j6', startsAt: '2026-01-16T09:00:00.000Z', status: 'completed', seconds: 450, wrapup: { outcome: 'completed', rating: 4 }, move: true },
  // Past, no call, no cancellation, no no-show: unknown, never zero.
  { key: 'j7', startsAt: '2026-01-19T09:00:00.000Z', status: 'booked' },
  { key: 'j8', startsAt: '2026-01-20T09:00:00.000Z', status: 'completed', channel: 'in_person' },
  // 23:30 on 31 January in Madrid is still January.
  { key: 'j9', startsAt: '2026-01-31T22:30:00.000Z', status: 'desisted' },
  // February: nothing. 00:30 on 1 March in Madrid is March, although it is still February in UTC.
  { key: 'm1', startsAt: '2026-02-28T23:30:00.000Z', status: 'completed', seconds: 1200 },
  // Booked for January, rescheduled to March, then missed: a March no-show.
  { key: 'm2', startsAt: '2026-03-05T09:00:00.000Z', status: 'desisted' },
  { key: 'm3', startsAt: '2026-03-30T09:00:00.000Z', status: 'booked' },
  { key: 'm4', startsAt: '2026-03-06T09:00:00.000Z', status: 'completed', seconds: 200, other: true },
];
const NOW = new Date('2026-03-20T12:00:00.000Z');

describe('month bounds and medians', () => {
  it('cuts local months (Europe/Madrid) as UTC instants, across the change to summer time', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthBounds(['2026-03'], 'Europe/Madrid')).toEqual([{ month: '2026-03', start: '2026-02-28T23:00:00.000Z', end: '2026-03-31T22:00:00.000Z' }]);
  });

  it('takes the mean, and the exact median (the mean of the middle two for an even count), from counted values', () => {
    expect(meanAndMedian([])).toEqual({ count: 0, avg: null, median: null });
    expect(meanAndMedian([{ value: 600, n: 1 }, { value: 300, n: 1 }, { value: 900, n: 1 }])).toEqual({ count: 3, avg: 600, median: 600 });
    expect(meanAndMedian([{ value: 10, n: 3 }, { value: 100, n: 1 }])).toEqual({ count: 4, avg: 32.5, median: 10 });
    expect(meanAndMedian([{ value: 10, n: 2 }, { value: 20, n: 2 }])).toMatchObject({ median: 15 });
  });
});

describe.each(DIALECTS)('service indicators (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let supervisor: Session;
  let betaAdmin: Session;
  let agentId = '';
  let otherAgentId = '';
  const ids = new Map<string, string>();

  const get = (session: Session, url: string, host = 'alfa.test') => t.app.http.inject({ method: 'GET', url, headers: { host, cookie: session.cookie, 'accept-language': 'ca' } });
  const view = async (session: Session, query: string): Promise<IndicatorsView> => {
    const res = await get(session, `/api/staff/indicators?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ data: IndicatorsView }>().data;
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 2 });
    const padro = await procedureId(t, t.orgA.id);
    const moveId = await procedureId(t, t.orgA.id, 'padro-canvi-domicili');
    t.clock.set(DEFAULT_NOW);
    // One real booking gives a complete appointment row; the data set is made of copies of it.
    const booked = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-04T09:00:00.000Z', email: 'indicadors@example.org', idNumber: nif(51_000_001) });
    const template = await t.ctx.db.selectFrom('appointments').selectAll().where('id', '=', booked.appointmentId).executeTakeFirstOrThrow();
    // The booking itself leaves the video figures (other rows refer to it, so it stays).
    await t.ctx.db.updateTable('appointments').set({ channel: 'in_person' }).where('id', '=', template.id).execute();
    const agents = await t.ctx.db.selectFrom('staff').select(['id', 'email']).where('organisation_id', '=', t.orgA.id).where('role', '=', 'agent').orderBy('email').execute();
    const [first, second] = agents;
    if (!first || !second) throw new Error('two agents needed');
    agentId = first.id;
    otherAgentId = second.id;
    for (const [i, f] of FIXTURES.entries()) {
      const id = randomUUID();
      ids.set(f.key, id);
      const ends = new Date(Date.parse(f.startsAt) + 30 * 60_000).toISOString();
      await t.ctx.db
        .insertInto('appointments')
        .values({
          ...template,
          id,
          reference: `V-IND${String(i).padStart(3, '0')}`,
          agent_id: f.other ? otherAgentId : agentId,
          procedure_id: f.move ? moveId : template.procedure_id,
          channel: f.channel ?? 'video',
          status: f.status,
          starts_at: f.startsAt,
          ends_at: ends,
          access_token_hash: null,
          cancelled_at: f.status === 'cancelled' ? f.startsAt : null,
        })
        .execute();
      if (f.seconds !== undefined) {
        await t.ctx.db
          .insertInto('call_times')
          .values({ appointment_id: id, organisation_id: t.orgA.id, started_at: f.startsAt, ended_at: new Date(Date.parse(f.startsAt) + f.seconds * 1000).toISOString(), seconds: f.seconds })
          .execute();
      }
      if (f.wrapup) {
        await t.ctx.db
          .insertInto('call_wrapups')
          .values({ appointment_id: id, organisation_id: t.orgA.id, agent_id: agentId, outcome: f.wrapup.outcome, rating: f.wrapup.rating, note: null, created_at: f.startsAt, updated_at: f.startsAt })
          .execute();
      }
      if (f.survey) {
        await t.ctx.db
          .insertInto('citizen_surveys')
          .values({
            appointment_id: id,
            organisation_id: t.orgA.id,
            liked: f.survey.liked,
            easy: f.survey.easy,
            use_again: f.survey.useAgain ? 1 : 0,
            comment: f.survey.comment ?? null,
            language: 'ca',
            answered_via: 'call',
            answered_at: f.startsAt,
          })
          .execute();
      }
    }
    t.clock.set(NOW);
    const account = (role: string, org = t.orgA) => org.accounts.find((a) => a.role === role);
    admin = await staffSession(t, account('admin')?.email ?? '', account('admin')?.password ?? '');
    betaAdmin = await staffSession(t, account('admin', t.orgB)?.email ?? '', account('admin', t.orgB)?.password ?? '', 'beta.test');
    agent = await staffSession(t, first.email, t.orgA.accounts.find((a) => a.email === first.email)?.password ?? '');
    const { createStaff } = await import('../staff/staff.service.ts');
    const office = await t.ctx.db.selectFrom('staff_offices').select('office_id').where('staff_id', '=', agentId).executeTakeFirstOrThrow();
    const boss = await createStaff(t.ctx.db, t.orgA.id, { email: 'cap@alfa.finestreta.test', role: 'supervisor', displayName: 'Cap', password: 'a long enough password 2' }, DEFAULT_NOW);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: boss.id, office_id: office.office_id }).execute();
    supervisor = await staffSession(t, 'cap@alfa.finestreta.test', 'a long enough password 2');
  }, 120_000);
  afterAll(async () => t.close());

  // Worked out by hand from FIXTURES and the definitions.
  const january: Partial<MonthIndicators> = {
    month: '2026-01',
    requested: 8, // j1–j7 and j9 (j8 is in person)
    held: 4, // j1 j2 j3 j6
    cancelled: 1, // j5
    noShows: 2, // j4 j9
    unknown: 1, // j7
    upcoming: 0,
    noShowRate: 2 / 6,
    handling: { count: 4, avgSeconds: (600 + 300 + 900 + 450) / 4, medianSeconds: (450 + 600) / 2 },
    wrapups: { count: 3, missing: 1, completed: 2, missingDocuments: 1, otherReason: 0, technicalFailure: 0, missingDocumentsShare: 1 / 3, staffRatingAvg: (5 + 3 + 4) / 3 },
    survey: { count: 2, likedAvg: 9, easyAvg: 8, useAgainShare: 0.5 },
  };
  const february: Partial<MonthIndicators> = {
    month: '2026-02',
    requested: 0,
    held: 0,
    noShowRate: null,
    handling: { count: 0, avgSeconds: null, medianSeconds: null },
    wrapups: { count: 0, missing: 0, completed: 0, missingDocuments: 0, otherReason: 0, technicalFailure: 0, missingDocumentsShare: null, staffRatingAvg: null },
    survey: { count: 0, likedAvg: null, easyAvg: null, useAgainShare: null },
  };
  const march: Partial<MonthIndicators> = {
    month: '2026-03',
    requested: 4, // m1 (local 1 March) m2 m3 m4
    held: 2, // m1 m4
    cancelled: 0,
    noShows: 1, // m2, after its reschedule
    unknown: 0,
    upcoming: 1, // m3
    noShowRate: 1 / 3,
    handling: { count: 2, avgSeconds: 700, medianSeconds: 700 },
    wrapups: { count: 0, missing: 2, completed: 0, missingDocuments: 0, otherReason: 0, technicalFailure: 0, missingDocumentsShare: null, staffRatingAvg: null },
  };

  it('gives an administrator every month of the range, a month without data as zeros and unknown rates, and the whole range', async () => {
    const v = await view(admin, 'from=2026-01&to=2026-03');
    expect(v.months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(v.months[0]).toMatchObject(january);
    expect(v.months[1]).toMatchObject(february);
    expect(v.months[2]).toMatchObject(march);
    expect(v.total).toMatchObject({
      requested: 12,
      held: 6,
      cancelled: 1,
      noShows: 3,
      unknown: 1,
      upcoming: 1,
      noShowRate: 3 / 9,
      handling: { count: 6, avgSeconds: (600 + 300 + 900 + 450 + 1200 + 200) / 6, medianSeconds: (450 + 600) / 2 },
    });
    expect(v.targets).toEqual({ liked: 9.5, easy: 9.5, useAgain: 0.95 });
    expect(v.timeZone).toBe('Europe/Madrid');
  });

  it('narrows to an agent’s own figures for that agent, and refuses them another agent’s', async () => {
    const own = await view(agent, 'from=2026-03&to=2026-03');
    expect(own.months[0]).toMatchObject({ requested: 3, held: 1, handling: { count: 1, avgSeconds: 1200, medianSeconds: 1200 } });
    expect(own.filters.agents.map((a) => a.id)).toEqual([agentId]);
    const refused = await get(agent, `/api/staff/indicators?from=2026-03&to=2026-03&agentId=${otherAgentId}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ id: 'indicators_own_only', message: 'Només podeu veure els vostres indicadors.' });
    // An administrator may look at one agent.
    expect((await view(admin, `from=2026-03&to=2026-03&agentId=${otherAgentId}`)).months[0]).toMatchObject({ requested: 1, held: 1 });
  });

  it('shows a supervisor their office; another organisation sees none of it', async () => {
    const office = (await view(supervisor, 'from=2026-01&to=2026-03')).total;
    expect(office.requested).toBe(12);
    // Beta's administrator is not signed in on alfa's host.
    expect((await get(betaAdmin, '/api/staff/indicators?from=2026-01&to=2026-03')).statusCode).toBe(401);
    const betaRes = await get(betaAdmin, '/api/staff/indicators?from=2026-01&to=2026-03', 'beta.test');
    expect(betaRes.statusCode).toBe(200);
    expect(betaRes.json<{ data: IndicatorsView }>().data.total.requested).toBe(0);
    const foreignOffice = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgB.id).executeTakeFirstOrThrow();
    expect((await view(admin, `from=2026-01&to=2026-03&officeId=${foreignOffice.id}`)).total.requested).toBe(0);
  });

  it('exports the same table as CSV, unknown figures empty and never 0', async () => {
    const res = await get(admin, '/api/staff/indicators.csv?from=2026-01&to=2026-03');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="indicators-2026-01-2026-03.csv"');
    const [header = '', jan = '', feb = '', mar = '', total = ''] = res.body.trimEnd().split('\r\n');
    const columns = header.split(',');
    const row = (line: string): Record<string, string> => Object.fromEntries(line.split(',').map((v, i): [string, string] => [columns[i] ?? '', v]));
    expect(row(jan)).toMatchObject({ month: '2026-01', requested: '8', held: '4', no_shows: '2', unknown: '1', no_show_rate: '0.3333', handling_median_seconds: '525', missing_documents_share: '0.3333', liked_avg: '9', use_again_share: '0.5' });
    expect(row(feb)).toMatchObject({ month: '2026-02', requested: '0', no_show_rate: '', handling_avg_seconds: '', liked_avg: '' });
    expect(row(mar)).toMatchObject({ month: '2026-03', requested: '4', upcoming: '1' });
    expect(row(total)).toMatchObject({ month: '2026-01/2026-03', requested: '12' });
  });

  it('compares with in-person baselines set by an administrator, a month’s own value before the every-month one', async () => {
    const put = (session: Session, payload: unknown) =>
      t.app.http.inject({ method: 'PUT', url: '/api/staff/indicators/baselines', headers: { host: 'alfa.test', cookie: session.cookie, 'x-csrf-token': session.csrf }, payload: payload as Record<string, unknown> });
    const values = { values: [{ metric: 'no_show_rate', month: '*', value: 0.2 }, { metric: 'no_show_rate', month: '2026-01', value: 0.25 }, { metric: 'handling_avg_seconds', month: '*', value: 900 }] };
    expect((await put(supervisor, values)).statusCode).toBe(403);
    const refused = await put(admin, { values: [{ metric: 'no_show_rate', month: '2026-13', value: 0.2 }] });
    expect(refused.statusCode).toBe(400);
    expect((await t.ctx.db.selectFrom('indicator_baselines').selectAll().execute()).length).toBe(0);
    expect((await put(admin, values)).statusCode).toBe(200);
    const v = await view(agent, 'from=2026-01&to=2026-02');
    expect(v.baselines).toEqual([
      { month: '2026-01', values: { no_show_rate: 0.25, handling_avg_seconds: 900, handling_median_seconds: null, missing_documents_share: null, requested: null } },
      { month: '2026-02', values: { no_show_rate: 0.2, handling_avg_seconds: 900, handling_median_seconds: null, missing_documents_share: null, requested: null } },
    ]);
    const removed = await put(admin, { values: [{ metric: 'no_show_rate', month: '2026-01', value: null }] });
    expect(removed.json<{ data: { baselines: { metric: string; month: string }[] } }>().data.baselines.map((b) => `${b.metric}@${b.month}`)).toEqual(['handling_avg_seconds@*', 'no_show_rate@*']);
  });

  it('lists survey comments to supervisors without who wrote them, and not to agents', async () => {
    expect((await get(agent, '/api/staff/indicators/comments?from=2026-01&to=2026-03')).statusCode).toBe(403);
    const res = await get(supervisor, '/api/staff/indicators/comments?from=2026-01&to=2026-03');
    expect(res.statusCode).toBe(200);
    expect(res.json().data.comments).toEqual([{ month: '2026-01', procedure: expect.any(String) as string, liked: 8, easy: 7, useAgain: false, comment: 'Em faltava el contracte de lloguer.' }]);
    expect(res.body).not.toContain('indicadors@example.org');
    expect(res.body).not.toContain('V-IND');
    expect(res.body).not.toContain(nif(51_000_001));
  });

  it('reads closed months from their monthly rollups, and counts a late wrap-up once the rollup is older than its lifetime', async () => {
    const before = (await view(admin, 'from=2026-01&to=2026-01')).months[0];
    expect(before?.wrapups).toMatchObject({ count: 3, missing: 1 });
    const stored = await t.ctx.db.selectFrom('indicator_rollups').select(['month']).where('organisation_id', '=', t.orgA.id).orderBy('month').execute();
    expect(stored.map((r) => r.month).filter((m) => m.length === 7)).toEqual(['2026-01', '2026-02']);
    // j3's agent wraps it up late.
    await t.ctx.db
      .insertInto('call_wrapups')
      .values({ appointment_id: ids.get('j3') ?? '', organisation_id: t.orgA.id, agent_id: agentId, outcome: 'other_reason', rating: 2, note: null, created_at: NOW.toISOString(), updated_at: NOW.toISOString() })
      .execute();
    expect((await view(admin, 'from=2026-01&to=2026-01')).months[0]?.wrapups).toMatchObject({ count: 3, missing: 1 });
    // An hour later the rollup is counted again (after that answer, in the background), and the next answer has it.
    t.clock.set(new Date(NOW.getTime() + rollupTimings.ttlMs + 1000));
    await view(admin, 'from=2026-01&to=2026-01');
    await expect
      .poll(async () => (await view(admin, 'from=2026-01&to=2026-01')).months[0]?.wrapups)
      .toMatchObject({ count: 4, missing: 0, otherReason: 1, staffRatingAvg: (5 + 3 + 4 + 2) / 4 });
    t.clock.set(NOW);
    await t.ctx.db.deleteFrom('call_wrapups').where('appointment_id', '=', ids.get('j3') ?? '').execute();
    await t.ctx.db.deleteFrom('indicator_rollups').execute();
  });

  it('counts the current month’s days already over from daily rollups (the same figures), and a late wrap-up of one of them shows five minutes later', async () => {
    const live = (await view(admin, 'from=2026-03&to=2026-03')).months[0];
    expect(live).toMatchObject(march);
    // Today (20 March, Madrid) and the days to come are counted live; 1–19 March are stored, day by day.
    const days = (await t.ctx.db.selectFrom('indicator_rollups').select(['month']).where('organisation_id', '=', t.orgA.id).where('month', 'like', '2026-03-%').orderBy('month').execute()).map((r) => r.month);
    expect(days).toEqual(Array.from({ length: 19 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`));
    // m4 (6 March) is wrapped up late; the day's rollup is counted again once five minutes old.
    await t.ctx.db
      .insertInto('call_wrapups')
      .values({ appointment_id: ids.get('m4') ?? '', organisation_id: t.orgA.id, agent_id: otherAgentId, outcome: 'missing_documents', rating: 3, note: null, created_at: NOW.toISOString(), updated_at: NOW.toISOString() })
      .execute();
    expect((await view(admin, 'from=2026-03&to=2026-03')).months[0]?.wrapups).toMatchObject({ count: 0, missing: 2 });
    t.clock.set(new Date(NOW.getTime() + rollupTimings.dayTtlMs + 1000));
    await view(admin, 'from=2026-03&to=2026-03');
    await expect
      .poll(async () => (await view(admin, 'from=2026-03&to=2026-03')).months[0]?.wrapups)
      .toMatchObject({ count: 1, missing: 1, missingDocuments: 1, missingDocumentsShare: 1, staffRatingAvg: 3 });
    t.clock.set(NOW);
    await t.ctx.db.deleteFrom('call_wrapups').where('appointment_id', '=', ids.get('m4') ?? '').execute();
    await t.ctx.db.deleteFrom('indicator_rollups').execute();
  });

  it('cuts the current month’s days at local midnight, the day of the change to summer time 23 hours long', () => {
    const [march] = monthBounds(['2026-03'], 'Europe/Madrid');
    if (!march) throw new Error('no bound');
    const days = closedDays(march, '2026-03-30T12:00:00.000Z', 'Europe/Madrid');
    expect(days).toHaveLength(29);
    expect(days[0]).toEqual({ month: '2026-03-01', start: '2026-02-28T23:00:00.000Z', end: '2026-03-01T23:00:00.000Z' });
    expect(days[28]).toEqual({ month: '2026-03-29', start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z' });
    expect(closedDays(march, '2026-03-01T22:59:59.000Z', 'Europe/Madrid')).toEqual([]);
  });

  it('breaks the range down by procedure, most requested first, the same figures as filtering by each', async () => {
    const res = await get(admin, '/api/staff/indicators/by-procedure?from=2026-01&to=2026-03');
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json<{ data: { procedures: { id: string; name: string; figures: MonthIndicators }[] } }>().data.procedures;
    // January: j4 (no-show) and j6 (held) are changes of address; the rest, and March's four, certificates.
    expect(list.map((p) => p.figures.requested)).toEqual([10, 2]);
    const [certificate, move] = list;
    expect(move?.name).toBe('Canvi de domicili al padró');
    expect(move?.figures).toMatchObject({ requested: 2, held: 1, noShows: 1, noShowRate: 0.5, handling: { count: 1, avgSeconds: 450, medianSeconds: 450 } });
    expect(certificate?.figures).toMatchObject({ requested: 10, held: 5, cancelled: 1, noShows: 2, unknown: 1, upcoming: 1, noShowRate: 2 / 7 });
    for (const p of list) {
      const filtered = await view(admin, `from=2026-01&to=2026-03&procedureId=${p.id}`);
      expect(filtered.total).toEqual({ ...p.figures, month: filtered.total.month });
    }
    // An agent: their own appointments only (m4 is the other agent's).
    const own = await get(agent, '/api/staff/indicators/by-procedure?from=2026-01&to=2026-03');
    expect(own.json().data.procedures.map((p: { figures: MonthIndicators }) => p.figures.held)).toEqual([4, 1]);
  });

  it('prints the monthly report as a PDF: the month beside the one before, the baseline and the targets, and the twelve months’ trend', async () => {
    const res = await get(admin, '/api/staff/indicators/report.pdf?month=2026-01');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('indicators-report-2026-01.pdf');
    const dir = mkdtempSync(path.join(tmpdir(), 'report-'));
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, res.rawPayload);
    requireTool('pdftotext');
    const text = (await runTool('pdftotext', ['-layout', file, '-'])).stdout;
    rmSync(dir, { recursive: true, force: true });
    expect(text).toContain('Informe mensual de la cita per videotrucada');
    expect(text).toContain('gener del 2026');
    expect(text).toMatch(/Cites ateses\s+4\s+0/);
    expect(text).toMatch(/Taxa de no presentació\s+33,3\s?%/);
    expect(text).toMatch(/Temps d’atenció mitjà\s+9:23 min/);
    expect(text).toMatch(/Li ha agradat \(0–10\)\s+9\s+—\s+>= 9,5\s+No/);
    expect(text).toContain('«—»: sense dades');
    // The trend: twelve months, those without data as dashes.
    expect(text).toMatch(/febr\. del 25\s+0\s+0\s+—/);
    // An agent gets only their own figures, in their language.
    const own = await t.app.http.inject({ method: 'GET', url: '/api/staff/indicators/report.pdf?month=2026-01', headers: { host: 'alfa.test', cookie: agent.cookie, 'accept-language': 'en' } });
    expect(own.statusCode).toBe(200);
    const bad = await get(admin, '/api/staff/indicators/report.pdf?month=2026-13');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.id).toBe('validation_failed');
    // Both downloads are in the audit trail (written just after each answer has gone).
    await expect
      .poll(async () => (await t.ctx.db.selectFrom('audit_log').select('seq').where('organisation_id', '=', t.orgA.id).where('action', '=', 'indicators.report_exported').execute()).length)
      .toBe(2);
  });

  it('refuses a bad range with a translated message and answers nothing else', async () => {
    for (const query of ['from=2026-03&to=2026-01', 'from=2026-1&to=2026-03', 'from=2024-01&to=2026-03', 'from=2026-01&to=2026-03&extra=1']) {
      const res = await get(admin, `/api/staff/indicators?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.id, query).toBe('validation_failed');
    }
  });
});
