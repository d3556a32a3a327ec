import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import type { Session } from '../../../test/documents-helpers.ts';
import type { TestApp } from '../../../test/test-app.ts';
import type { IndicatorsView } from '../../shared/indicators.ts';
import { march, NOW, setUpIndicators, viewAs } from './indicators.fixture.ts';
import { closedDays, monthBounds, rollupTimings } from './indicators.service.ts';

/**
 * The indicators' rollups: closed months read from monthly rollups, the
 * current month's days already over from daily ones, each counted again once
 * older than its lifetime, and the days cut at local midnight. The data set
 * is in indicators.fixture.ts.
 */

describe.each(DIALECTS)('service indicators (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agentId = '';
  let otherAgentId = '';
  let ids = new Map<string, string>();

  const view = (session: Session, query: string): Promise<IndicatorsView> => viewAs(t, session, query);

  beforeAll(async () => {
    ({ t, admin, agentId, otherAgentId, ids } = await setUpIndicators(dialect));
    // The range viewed once, as the first indicators test does: that stores the closed months' rollups
    // (January's and February's) that the monthly rollup test finds.
    await view(admin, 'from=2026-01&to=2026-03');
  }, 120_000);
  afterAll(async () => t.close());

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
});
