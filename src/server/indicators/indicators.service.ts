import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { ZoneClock } from '../availability/zone-clock.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { errors } from '../http/errors.ts';
import { workspaceRepo } from '../workspace/workspace.repo.ts';
import { pickLocalised } from '../../shared/localised.ts';
import {
  BASELINE_METRICS,
  INDICATOR_TARGETS,
  INDICATORS_MAX_MONTHS,
  type BaselineMetric,
  type BaselineView,
  type IndicatorsQuery,
  type IndicatorsView,
  type MonthIndicators,
  type SurveyCommentView,
} from '../../shared/indicators.ts';
import { indicatorsRepo, type IndicatorRows, type IndicatorScope, type MonthBound } from './indicators.repo.ts';
import { decodeRollup, encodeRollup } from './indicators.rollup.ts';

/** The months from `from` to `to` (YYYY-MM), in order. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${String(y)}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** Each local month of `timeZone` as an interval of UTC instants. */
export function monthBounds(months: readonly string[], timeZone: string): MonthBound[] {
  const first = months[0];
  const last = months.at(-1);
  if (!first || !last) return [];
  const next = (month: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return m === 12 ? `${String(y + 1)}-01` : `${String(y)}-${String(m + 1).padStart(2, '0')}`;
  };
  const clock = new ZoneClock(timeZone, `${first}-01`, `${next(last)}-01`);
  const startOf = (month: string) => new Date(clock.localToMs(`${month}-01`, '00:00')).toISOString();
  return months.map((month) => ({ month, start: startOf(month), end: startOf(next(month)) }));
}

/** Mean and exact median of a distribution of values with counts. */
export function meanAndMedian(distribution: readonly { value: number; n: number }[]): { count: number; avg: number | null; median: number | null } {
  const sorted = [...distribution].filter((d) => d.n > 0).sort((a, b) => a.value - b.value);
  const count = sorted.reduce((s, d) => s + d.n, 0);
  if (count === 0) return { count: 0, avg: null, median: null };
  const avg = sorted.reduce((s, d) => s + d.value * d.n, 0) / count;
  // The median of an even count is the mean of the two middle values.
  const at = (index: number) => {
    let seen = 0;
    for (const d of sorted) {
      seen += d.n;
      if (index < seen) return d.value;
    }
    return sorted.at(-1)?.value ?? 0;
  };
  const median = count % 2 === 1 ? at((count - 1) / 2) : (at(count / 2 - 1) + at(count / 2)) / 2;
  return { count, avg, median };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function emptyMonth(month: string): MonthIndicators {
  return {
    month,
    requested: 0,
    held: 0,
    cancelled: 0,
    noShows: 0,
    unknown: 0,
    upcoming: 0,
    noShowRate: null,
    handling: { count: 0, avgSeconds: null, medianSeconds: null },
    wrapups: { count: 0, missing: 0, completed: 0, missingDocuments: 0, otherReason: 0, technicalFailure: 0, missingDocumentsShare: null, staffRatingAvg: null },
    survey: { count: 0, likedAvg: null, easyAvg: null, useAgainShare: null },
  };
}

/** Statuses of an appointment still to come or under way (not unknown even when its start has passed). */
const UNDER_WAY = new Set(['waiting', 'in_call']);

/**
 * Which agents' figures a viewer may see: an agent only their own (another
 * agent asked for: 403), a supervisor their offices' agents, an
 * administrator everyone's; narrowed by the office and agent filters
 * (another office's id shows nothing rather than telling it exists).
 */
async function agentScope(ctx: AppContext, org: Organisation, viewer: Staff, q: IndicatorsQuery): Promise<string[] | undefined> {
  if (viewer.role === 'agent') {
    if (q.agentId && q.agentId !== viewer.id) throw errors.forbiddenWith('indicators_own_only');
    return [viewer.id];
  }
  let ids: string[] | undefined = viewer.role === 'admin' ? undefined : await workspaceRepo.officeMates(ctx.db, org.id, viewer.id);
  if (q.officeId) {
    const offices = await workspaceRepo.offices(ctx.db, org.id, viewer.role === 'admin' ? undefined : viewer.id);
    const inOffice = offices.some((o) => o.id === q.officeId) ? await workspaceRepo.officeStaff(ctx.db, q.officeId) : [];
    ids = ids ? ids.filter((id) => inOffice.includes(id)) : inOffice;
  }
  if (q.agentId) ids = !ids || ids.includes(q.agentId) ? [q.agentId] : [];
  return ids;
}

/**
 * How long a closed month's rollup is used before it is counted again (in
 * the background, after answering): what changes a closed month — a late
 * wrap-up, a survey answered from the emailed link, a corrected status —
 * shows within this time. Tests shorten it.
 */
export const rollupTimings = { ttlMs: 60 * 60_000 };

/** Rollups being counted again on this node, so one refresh at a time per month. */
const refreshing = new Set<string>();

/** Counts the rows of some months, sliced by procedure and agent or not. */
async function countRows(ctx: AppContext, scope: IndicatorScope, nowIso: string, slices: boolean): Promise<IndicatorRows> {
  const [statuses, handling, wrapups, surveys] = await Promise.all([
    indicatorsRepo.statusCounts(ctx.db, scope, nowIso, slices),
    indicatorsRepo.handlingDistribution(ctx.db, scope, slices),
    indicatorsRepo.wrapups(ctx.db, scope, slices),
    indicatorsRepo.surveys(ctx.db, scope, slices),
  ]);
  return { statuses, handling, wrapups, surveys };
}

/** Counts a closed month of the whole organisation by procedure and agent, and stores it. */
async function computeRollup(ctx: AppContext, organisationId: string, bound: MonthBound): Promise<string> {
  const now = ctx.clock.now().toISOString();
  const text = encodeRollup(await countRows(ctx, { organisationId, months: [bound] }, now, true));
  await indicatorsRepo.putRollup(ctx.db, { organisation_id: organisationId, month: bound.month, rows: text, computed_at: now });
  return text;
}

/**
 * The rows of closed months from their rollups: counted now when missing,
 * refreshed in the background when older than `rollupTimings.ttlMs`.
 */
async function closedMonthRows(ctx: AppContext, organisationId: string, bounds: readonly MonthBound[], scope: Pick<IndicatorScope, 'procedureId' | 'agentIds'>): Promise<IndicatorRows> {
  const stored = new Map((await indicatorsRepo.rollups(ctx.db, organisationId, bounds.map((b) => b.month))).map((r) => [r.month, r]));
  const now = ctx.clock.now().getTime();
  const parts = await Promise.all(
    bounds.map(async (bound) => {
      const row = stored.get(bound.month);
      const decoded = row ? decodeRollup(row.rows, bound.month, scope) : null;
      if (!row || !decoded) return decodeRollup(await computeRollup(ctx, organisationId, bound), bound.month, scope) ?? { statuses: [], handling: [], wrapups: [], surveys: [] };
      const key = `${organisationId}/${bound.month}`;
      if (now - Date.parse(row.computed_at) > rollupTimings.ttlMs && !refreshing.has(key)) {
        refreshing.add(key);
        void computeRollup(ctx, organisationId, bound)
          .catch((error: unknown) => ctx.log.warn({ err: error, month: bound.month }, 'indicators: rollup not refreshed'))
          .finally(() => refreshing.delete(key));
      }
      return decoded;
    }),
  );
  return {
    statuses: parts.flatMap((p) => p.statuses),
    handling: parts.flatMap((p) => p.handling),
    wrapups: parts.flatMap((p) => p.wrapups),
    surveys: parts.flatMap((p) => p.surveys),
  };
}

/**
 * The rows of a range: closed months (ended before now) from their monthly
 * rollups, the current and later months counted live.
 */
async function rowsFor(ctx: AppContext, scope: IndicatorScope): Promise<IndicatorRows> {
  const nowIso = ctx.clock.now().toISOString();
  const closed = scope.months.filter((m) => m.end <= nowIso);
  const open = scope.months.filter((m) => m.end > nowIso);
  const [past, live] = await Promise.all([
    closed.length ? closedMonthRows(ctx, scope.organisationId, closed, scope) : null,
    open.length ? countRows(ctx, { ...scope, months: open }, nowIso, false) : null,
  ]);
  return {
    statuses: [...(past?.statuses ?? []), ...(live?.statuses ?? [])],
    handling: [...(past?.handling ?? []), ...(live?.handling ?? [])],
    wrapups: [...(past?.wrapups ?? []), ...(live?.wrapups ?? [])],
    surveys: [...(past?.surveys ?? []), ...(live?.surveys ?? [])],
  };
}

/** The indicators for a viewer, labels in `lang`. */
export async function indicators(ctx: AppContext, org: Organisation, viewer: Staff, q: IndicatorsQuery, lang: string): Promise<IndicatorsView> {
  const months = monthsBetween(q.from, q.to);
  if (months.length > INDICATORS_MAX_MONTHS) throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  const bounds = monthBounds(months, org.time_zone);
  const scope: IndicatorScope = { organisationId: org.id, months: bounds, procedureId: q.procedureId, agentIds: await agentScope(ctx, org, viewer, q) };
  const [{ statuses, handling, wrapups, surveys }, baselineRows, procedures, offices, agents] = await Promise.all([
    rowsFor(ctx, scope),
    indicatorsRepo.baselines(ctx.db, org.id),
    indicatorsRepo.procedures(ctx.db, org.id),
    viewer.role === 'agent' ? Promise.resolve([]) : workspaceRepo.offices(ctx.db, org.id, viewer.role === 'admin' ? undefined : viewer.id),
    viewer.role === 'agent' ? Promise.resolve([{ id: viewer.id, displayName: viewer.display_name }]) : workspaceRepo.agents(ctx.db, org.id, viewer.role === 'admin' ? undefined : await workspaceRepo.officeMates(ctx.db, org.id, viewer.id)),
  ]);

  const byMonth = new Map(months.map((m) => [m, emptyMonth(m)]));
  const total = emptyMonth(`${q.from}/${q.to}`);
  const both = (month: string, apply: (m: MonthIndicators) => void) => {
    const m = byMonth.get(month);
    if (m) apply(m);
    apply(total);
  };
  for (const s of statuses) {
    both(s.month, (m) => {
      m.requested += s.n;
      if (s.status === 'cancelled') m.cancelled += s.n;
      else if (s.held) m.held += s.n;
      else if (s.status === 'desisted') m.noShows += s.n;
      else if (s.past && !UNDER_WAY.has(s.status)) m.unknown += s.n;
      else m.upcoming += s.n;
    });
  }
  const distributions = new Map<string, { value: number; n: number }[]>();
  for (const h of handling) {
    for (const key of [h.month, total.month]) {
      const list = distributions.get(key);
      if (list) list.push({ value: h.seconds, n: h.n });
      else distributions.set(key, [{ value: h.seconds, n: h.n }]);
    }
  }
  const ratings = new Map<string, number>();
  for (const w of wrapups) {
    both(w.month, (m) => {
      m.wrapups.count += w.n;
      if (w.outcome === 'completed') m.wrapups.completed += w.n;
      else if (w.outcome === 'missing_documents') m.wrapups.missingDocuments += w.n;
      else if (w.outcome === 'other_reason') m.wrapups.otherReason += w.n;
      else m.wrapups.technicalFailure += w.n;
      ratings.set(m.month, (ratings.get(m.month) ?? 0) + w.ratingSum);
    });
  }
  const surveySums = new Map<string, { liked: number; easy: number; useAgain: number }>();
  for (const s of surveys) {
    both(s.month, (m) => {
      m.survey.count += s.n;
      const sums = surveySums.get(m.month) ?? { liked: 0, easy: 0, useAgain: 0 };
      surveySums.set(m.month, { liked: sums.liked + s.liked, easy: sums.easy + s.easy, useAgain: sums.useAgain + s.useAgain });
    });
  }
  for (const m of [...byMonth.values(), total]) {
    m.noShowRate = ratio(m.noShows, m.held + m.noShows);
    const h = meanAndMedian(distributions.get(m.month) ?? []);
    m.handling = { count: h.count, avgSeconds: h.avg, medianSeconds: h.median };
    m.wrapups.missing = Math.max(0, m.held - m.wrapups.count);
    m.wrapups.missingDocumentsShare = ratio(m.wrapups.missingDocuments, m.wrapups.count);
    m.wrapups.staffRatingAvg = ratio(ratings.get(m.month) ?? 0, m.wrapups.count);
    const sums = surveySums.get(m.month);
    m.survey.likedAvg = sums ? ratio(sums.liked, m.survey.count) : null;
    m.survey.easyAvg = sums ? ratio(sums.easy, m.survey.count) : null;
    m.survey.useAgainShare = sums ? ratio(sums.useAgain, m.survey.count) : null;
  }

  const baselineOf = (metric: BaselineMetric, month: string) =>
    baselineRows.find((b) => b.metric === metric && b.month === month)?.value ?? baselineRows.find((b) => b.metric === metric && b.month === '*')?.value ?? null;
  return {
    from: q.from,
    to: q.to,
    timeZone: org.time_zone,
    months: [...byMonth.values()],
    total,
    baselines: months.map((month) => ({ month, values: Object.fromEntries(BASELINE_METRICS.map((metric) => [metric, baselineOf(metric, month)])) })),
    targets: { ...INDICATOR_TARGETS },
    filters: {
      procedures: procedures.map((p) => ({ id: p.id, name: pickLocalised(localised(p.name), lang) })),
      offices: offices.map((o) => ({ id: o.id, name: o.name })),
      agents: agents.map((a) => ({ id: a.id, name: a.displayName })),
    },
  };
}

/** The anonymous survey comments of a scope (supervisors and administrators). */
export async function surveyComments(ctx: AppContext, org: Organisation, viewer: Staff, q: IndicatorsQuery, lang: string): Promise<SurveyCommentView[]> {
  if (viewer.role === 'agent') throw errors.forbiddenWith('indicators_own_only');
  const months = monthsBetween(q.from, q.to);
  if (months.length > INDICATORS_MAX_MONTHS) throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  const scope: IndicatorScope = { organisationId: org.id, months: monthBounds(months, org.time_zone), procedureId: q.procedureId, agentIds: await agentScope(ctx, org, viewer, q) };
  const rows = await indicatorsRepo.comments(ctx.db, scope, 200);
  return rows.map((r) => ({ month: r.month, procedure: pickLocalised(localised(r.procedure_name), lang), liked: r.liked, easy: r.easy, useAgain: r.use_again === 1, comment: r.comment }));
}

/** The stored in-person baselines. */
export async function listBaselines(ctx: AppContext, org: Organisation): Promise<BaselineView[]> {
  return (await indicatorsRepo.baselines(ctx.db, org.id)).map((b) => ({ metric: b.metric as BaselineMetric, month: b.month, value: b.value, updatedAt: b.updated_at }));
}

/** Sets or removes baselines (administrators). */
export async function putBaselines(ctx: AppContext, org: Organisation, viewer: Staff, values: readonly { metric: BaselineMetric; month: string; value: number | null }[]): Promise<BaselineView[]> {
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    for (const v of values) {
      if (v.value === null) await indicatorsRepo.deleteBaseline(trx, org.id, v.metric, v.month);
      else await indicatorsRepo.putBaseline(trx, { organisation_id: org.id, metric: v.metric, month: v.month, value: v.value, updated_by: `staff:${viewer.id}`, updated_at: now });
    }
  });
  return listBaselines(ctx, org);
}
