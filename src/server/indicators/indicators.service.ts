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
  type ProcedureIndicators,
  type SurveyCommentView,
} from '../../shared/indicators.ts';
import { indicatorsRepo, type IndicatorRows, type IndicatorScope, type MonthBound } from './indicators.repo.ts';
import { decodeRollup, encodeRollup, type HandlingSink } from './indicators.rollup.ts';

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
 * How long a closed period's rollup is used before it is counted again (in
 * the background, after answering): what changes a closed period — a late
 * wrap-up, a survey answered from the emailed link, a corrected status —
 * shows within this time. A month closed is rarely changed (an hour); a
 * day of the current month often is, by the next day's wrap-ups and
 * surveys (five minutes). Tests shorten them.
 */
export const rollupTimings = { ttlMs: 60 * 60_000, dayTtlMs: 5 * 60_000 };

/** Rollups being counted again on this node, so one refresh at a time per period. */
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

/**
 * A closed stretch of time whose rows are kept as a rollup: a whole month
 * (key `YYYY-MM`) or, in the current month, a day (key `YYYY-MM-DD`); its
 * rows count in month `bound.month`.
 */
interface Period {
  key: string;
  bound: MonthBound;
  ttlMs: number;
}

/** Counts a closed period of the whole organisation by procedure and agent, and stores it. */
async function computeRollup(ctx: AppContext, organisationId: string, period: Period): Promise<string> {
  const now = ctx.clock.now().toISOString();
  const text = encodeRollup(await countRows(ctx, { organisationId, months: [period.bound] }, now, true));
  await indicatorsRepo.putRollup(ctx.db, { organisation_id: organisationId, month: period.key, rows: text, computed_at: now });
  return text;
}

const EMPTY_ROWS = (): IndicatorRows => ({ statuses: [], handling: [], wrapups: [], surveys: [] });

/**
 * The rows of closed periods from their rollups: counted now when missing,
 * refreshed in the background when older than their lifetime.
 */
async function closedRows(ctx: AppContext, organisationId: string, periods: readonly Period[], scope: Pick<IndicatorScope, 'procedureId' | 'agentIds'>, byProcedure: boolean, handlingSink?: HandlingSink): Promise<IndicatorRows> {
  const stored = new Map((await indicatorsRepo.rollups(ctx.db, organisationId, periods.map((p) => p.key))).map((r) => [r.month, r]));
  const now = ctx.clock.now().getTime();
  const parts = await Promise.all(
    periods.map(async (period) => {
      const row = stored.get(period.key);
      const decoded = row ? decodeRollup(row.rows, period.bound.month, scope, byProcedure, handlingSink) : null;
      if (!row || !decoded) return decodeRollup(await computeRollup(ctx, organisationId, period), period.bound.month, scope, byProcedure, handlingSink) ?? EMPTY_ROWS();
      const key = `${organisationId}/${period.key}`;
      if (now - Date.parse(row.computed_at) > period.ttlMs && !refreshing.has(key)) {
        refreshing.add(key);
        void computeRollup(ctx, organisationId, period)
          .catch((error: unknown) => ctx.log.warn({ err: error, period: period.key }, 'indicators: rollup not refreshed'))
          .finally(() => refreshing.delete(key));
      }
      return decoded;
    }),
  );
  return merge(parts);
}

function merge(parts: readonly (IndicatorRows | null)[]): IndicatorRows {
  const out = EMPTY_ROWS();
  for (const p of parts) {
    if (!p) continue;
    out.statuses.push(...p.statuses);
    out.handling.push(...p.handling);
    out.wrapups.push(...p.wrapups);
    out.surveys.push(...p.surveys);
  }
  return out;
}

/** The local days of `month` that ended before `nowIso`, as periods of that month. */
export function closedDays(month: MonthBound, nowIso: string, timeZone: string): MonthBound[] {
  const [y, m] = month.month.split('-').map(Number) as [number, number];
  const daysIn = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const date = (d: number) => `${month.month}-${String(d).padStart(2, '0')}`;
  const next = m === 12 ? `${String(y + 1)}-01-01` : `${String(y)}-${String(m + 1).padStart(2, '0')}-01`;
  const clock = new ZoneClock(timeZone, date(1), next);
  const out: MonthBound[] = [];
  for (let d = 1; d <= daysIn; d++) {
    const start = new Date(clock.localToMs(date(d), '00:00')).toISOString();
    const end = d === daysIn ? month.end : new Date(clock.localToMs(date(d + 1), '00:00')).toISOString();
    if (end > nowIso) break;
    out.push({ month: date(d), start, end });
  }
  return out;
}

/**
 * The rows of a range: closed months (ended before now) from their monthly
 * rollups; in the current month, the days already over from daily rollups,
 * today counted live, and the days still to come counted by status only
 * (no call can have taken place in them) — so the dashboard's cost does not
 * grow with the day of the month or the size of the call tables.
 */
async function rowsFor(ctx: AppContext, scope: IndicatorScope, timeZone: string, byProcedure = false, handlingSink?: HandlingSink): Promise<IndicatorRows> {
  const nowIso = ctx.clock.now().toISOString();
  const periods: Period[] = [];
  const today: MonthBound[] = [];
  const ahead: MonthBound[] = [];
  for (const bound of scope.months) {
    if (bound.end <= nowIso) {
      periods.push({ key: bound.month, bound, ttlMs: rollupTimings.ttlMs });
      continue;
    }
    if (bound.start > nowIso) {
      ahead.push(bound);
      continue;
    }
    const days = closedDays(bound, nowIso, timeZone);
    for (const day of days) periods.push({ key: day.month, bound: { month: bound.month, start: day.start, end: day.end }, ttlMs: rollupTimings.dayTtlMs });
    const todayStart = days.at(-1)?.end ?? bound.start;
    const todayEnd = endOfLocalDay(todayStart, timeZone);
    today.push({ month: bound.month, start: todayStart, end: todayEnd < bound.end ? todayEnd : bound.end });
    if (todayEnd < bound.end) ahead.push({ month: bound.month, start: todayEnd, end: bound.end });
  }
  const [past, counted, later] = await Promise.all([
    periods.length ? closedRows(ctx, scope.organisationId, periods, scope, byProcedure, handlingSink) : null,
    today.length ? countRows(ctx, { ...scope, months: today }, nowIso, byProcedure) : null,
    ahead.length ? indicatorsRepo.statusCounts(ctx.db, { ...scope, months: ahead }, nowIso, byProcedure, true) : null,
  ]);
  return merge([past, counted, later ? { statuses: later, handling: [], wrapups: [], surveys: [] } : null]);
}

/** The end of the local day that starts at `startIso` (a day is 23 to 25 hours long). */
function endOfLocalDay(startIso: string, timeZone: string): string {
  const probe = new Date(Date.parse(startIso) + 36 * 3_600_000);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(probe);
  return new Date(new ZoneClock(timeZone, date, date).localToMs(date, '00:00')).toISOString();
}

/** The figures of each month and of the whole range, from the counted rows. */
function summarise(months: readonly string[], totalLabel: string, { statuses, handling, wrapups, surveys }: IndicatorRows): { byMonth: Map<string, MonthIndicators>; total: MonthIndicators } {
  const byMonth = new Map(months.map((m) => [m, emptyMonth(m)]));
  const total = emptyMonth(totalLabel);
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

  return { byMonth, total };
}

/** The indicators for a viewer, labels in `lang`. */
export async function indicators(ctx: AppContext, org: Organisation, viewer: Staff, q: IndicatorsQuery, lang: string): Promise<IndicatorsView> {
  const months = monthsBetween(q.from, q.to);
  if (months.length > INDICATORS_MAX_MONTHS) throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  const bounds = monthBounds(months, org.time_zone);
  const scope: IndicatorScope = { organisationId: org.id, months: bounds, procedureId: q.procedureId, agentIds: await agentScope(ctx, org, viewer, q) };
  const [{ statuses, handling, wrapups, surveys }, baselineRows, procedures, offices, agents] = await Promise.all([
    rowsFor(ctx, scope, org.time_zone),
    indicatorsRepo.baselines(ctx.db, org.id),
    indicatorsRepo.procedures(ctx.db, org.id),
    viewer.role === 'agent' ? Promise.resolve([]) : workspaceRepo.offices(ctx.db, org.id, viewer.role === 'admin' ? undefined : viewer.id),
    viewer.role === 'agent' ? Promise.resolve([{ id: viewer.id, displayName: viewer.display_name }]) : workspaceRepo.agents(ctx.db, org.id, viewer.role === 'admin' ? undefined : await workspaceRepo.officeMates(ctx.db, org.id, viewer.id)),
  ]);

  const { byMonth, total } = summarise(months, `${q.from}/${q.to}`, { statuses, handling, wrapups, surveys });

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

/**
 * The figures of the whole range for each procedure the viewer's scope had
 * appointments of (most requested first): the breakdown by procedure.
 */
export async function indicatorsByProcedure(ctx: AppContext, org: Organisation, viewer: Staff, q: IndicatorsQuery, lang: string): Promise<ProcedureIndicators[]> {
  const months = monthsBetween(q.from, q.to);
  if (months.length > INDICATORS_MAX_MONTHS) throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  const scope: IndicatorScope = { organisationId: org.id, months: monthBounds(months, org.time_zone), agentIds: await agentScope(ctx, org, viewer, { ...q, procedureId: undefined }) };
  // The range's call lengths by procedure, merged across months as the rollups are read (the breakdown needs
  // no month apart): tens of thousands of counts instead of a row per month, procedure and length.
  const lengths = new Map<string, Map<number, number>>();
  const sink: HandlingSink = (procedureId) => {
    let m = lengths.get(procedureId);
    if (!m) lengths.set(procedureId, (m = new Map<number, number>()));
    return m;
  };
  const [rows, procedures] = await Promise.all([rowsFor(ctx, scope, org.time_zone, true, sink), indicatorsRepo.procedures(ctx.db, org.id)]);
  const first = months[0] ?? q.from;
  for (const [procedureId, counts] of lengths) for (const [seconds, n] of counts) rows.handling.push({ month: first, procedureId, agentId: '', seconds, n });
  const groups = new Map<string, IndicatorRows>();
  const group = (id: string) => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = EMPTY_ROWS()));
    return g;
  };
  for (const r of rows.statuses) group(r.procedureId).statuses.push(r);
  for (const r of rows.handling) group(r.procedureId).handling.push(r);
  for (const r of rows.wrapups) group(r.procedureId).wrapups.push(r);
  for (const r of rows.surveys) group(r.procedureId).surveys.push(r);
  const label = `${q.from}/${q.to}`;
  return procedures
    .filter((p) => groups.has(p.id))
    .map((p) => ({ id: p.id, name: pickLocalised(localised(p.name), lang), figures: summarise(months, label, groups.get(p.id) ?? EMPTY_ROWS()).total }))
    .filter((p) => p.figures.requested > 0)
    .sort((a, b) => b.figures.requested - a.figures.requested || a.name.localeCompare(b.name));
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
