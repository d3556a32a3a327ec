import type { AppContext } from '../context.ts';
import { ZoneClock } from '../availability/zone-clock.ts';
import { indicatorsRepo, type IndicatorRows, type IndicatorScope, type MonthBound } from './indicators.repo.ts';
import { decodeRollup, encodeRollup, type HandlingSink } from './indicators.rollup.ts';

/**
 * Where the indicators' rows come from: closed months and the current
 * month's closed days from their rollups (counted once, refreshed in the
 * background), today counted live, the days ahead by status only.
 */

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

export const EMPTY_ROWS = (): IndicatorRows => ({ statuses: [], handling: [], wrapups: [], surveys: [] });

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
export async function rowsFor(ctx: AppContext, scope: IndicatorScope, timeZone: string, byProcedure = false, handlingSink?: HandlingSink): Promise<IndicatorRows> {
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

