import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import type { Session } from '../../../test/documents-helpers.ts';
import type { TestApp } from '../../../test/test-app.ts';
import type { IndicatorsView, MonthIndicators } from '../../shared/indicators.ts';
import { february, getAs, january, march, setUpIndicators, viewAs } from './indicators.fixture.ts';
import { meanAndMedian, monthBounds, monthsBetween } from './indicators.service.ts';

/**
 * The indicators' figures and who sees which: every month of a range, an
 * agent's own, a supervisor's office, another organisation's nothing, the
 * breakdown by procedure, and a bad range refused. The data set and its
 * figures worked out by hand are in indicators.fixture.ts; the rollups are
 * tested in indicators.rollups.test.ts, the exports in
 * indicators.exports.test.ts.
 */

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

  const get = (session: Session, url: string, host?: string) => getAs(t, session, url, host);
  const view = (session: Session, query: string): Promise<IndicatorsView> => viewAs(t, session, query);

  beforeAll(async () => {
    ({ t, admin, agent, supervisor, betaAdmin, agentId, otherAgentId } = await setUpIndicators(dialect));
  }, 120_000);
  afterAll(async () => t.close());

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

  it('refuses a bad range with a translated message and answers nothing else', async () => {
    for (const query of ['from=2026-03&to=2026-01', 'from=2026-1&to=2026-03', 'from=2024-01&to=2026-03', 'from=2026-01&to=2026-03&extra=1']) {
      const res = await get(admin, `/api/staff/indicators?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.id, query).toBe('validation_failed');
    }
  });
});
