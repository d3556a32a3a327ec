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
import type { HandlingSink } from './indicators.rollup.ts';
import { EMPTY_ROWS, rowsFor } from './indicators.rows.ts';

export { closedDays, rollupTimings } from './indicators.rows.ts';

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
