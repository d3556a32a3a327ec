import type { IndicatorRows, IndicatorScope } from './indicators.repo.ts';
import type { WrapupOutcome } from '../surveys/surveys.tables.ts';

/**
 * The stored form of a closed month's rows (`indicator_rollups.rows`),
 * made to be read fast for any scope: small rows as arrays, and the
 * handling-time distribution — the only large part (a count per exact
 * number of seconds, per procedure and agent) — as one compact string per
 * procedure and agent, decoded only for those in the scope. Exact: the
 * figures from a rollup equal those counted live.
 */
interface StoredRollup {
  v: 2;
  /** [procedure, agent, status, held 0/1, past 0/1, n] */
  st: [string, string, string, number, number, number][];
  /** "procedure agent" → "seconds*n,seconds*n,…" */
  hd: Record<string, string>;
  /** [procedure, agent, outcome, n, rating sum] */
  wr: [string, string, WrapupOutcome, number, number][];
  /** [procedure, agent, n, liked sum, easy sum, would-use-again sum] */
  sv: [string, string, number, number, number, number][];
}

/** Where a decoder adds the handling-time counts of a procedure ('' when not by procedure): seconds → calls. */
export type HandlingSink = (procedureId: string) => Map<number, number>;

/** Encodes one month's rows (sliced by procedure and agent). */
export function encodeRollup(rows: IndicatorRows): string {
  const hd: Record<string, string[]> = {};
  for (const h of rows.handling) (hd[`${h.procedureId} ${h.agentId}`] ??= []).push(`${String(h.seconds)}*${String(h.n)}`);
  const stored: StoredRollup = {
    v: 2,
    st: rows.statuses.map((s) => [s.procedureId, s.agentId, s.status, s.held ? 1 : 0, s.past ? 1 : 0, s.n]),
    hd: Object.fromEntries(Object.entries(hd).map(([k, v]) => [k, v.join(',')])),
    wr: rows.wrapups.map((w) => [w.procedureId, w.agentId, w.outcome, w.n, w.ratingSum]),
    sv: rows.surveys.map((s) => [s.procedureId, s.agentId, s.n, s.liked, s.easy, s.useAgain]),
  };
  return JSON.stringify(stored);
}

/**
 * Decodes the rows of `month` that are in the scope (a procedure, some
 * agents); null for another format. `byProcedure` keeps each procedure's
 * rows apart (the breakdown by procedure); otherwise they are merged.
 */
export function decodeRollup(
  text: string,
  month: string,
  scope: Pick<IndicatorScope, 'procedureId' | 'agentIds'>,
  byProcedure = false,
  /** Takes the handling-time counts instead of rows (a range's total by procedure needs no month apart). */
  handlingSink?: HandlingSink,
): IndicatorRows | null {
  const stored = JSON.parse(text) as StoredRollup | { v?: undefined };
  if (stored.v !== 2) return null;
  const agents = scope.agentIds ? new Set(scope.agentIds) : null;
  const keep = (procedureId: string, agentId: string) => (!scope.procedureId || procedureId === scope.procedureId) && (!agents || agents.has(agentId));
  const rows: IndicatorRows = { statuses: [], handling: [], wrapups: [], surveys: [] };
  // The scope's rows are merged as they are read (the figures need no slice once it is chosen): a year of a
  // large city decodes into a few thousand rows, not hundreds of thousands.
  const statuses = new Map<string, { procedureId: string; status: string; held: boolean; past: boolean; n: number }>();
  for (const [procedureId, agentId, status, held, past, n] of stored.st) {
    if (!keep(procedureId, agentId)) continue;
    const p = byProcedure ? procedureId : '';
    const key = `${p} ${status} ${String(held)} ${String(past)}`;
    const found = statuses.get(key);
    if (found) found.n += n;
    else statuses.set(key, { procedureId: p, status, held: held === 1, past: past === 1, n });
  }
  for (const s of statuses.values()) rows.statuses.push({ month, agentId: '', ...s });
  const handling = new Map<string, Map<number, number>>();
  for (const [slice, list] of Object.entries(stored.hd)) {
    const space = slice.indexOf(' ');
    const procedureId = slice.slice(0, space);
    if (!keep(procedureId, slice.slice(space + 1))) continue;
    const p = byProcedure ? procedureId : '';
    let counts = handlingSink ? handlingSink(p) : handling.get(p);
    if (!counts) handling.set(p, (counts = new Map<number, number>()));
    let from = 0;
    while (from < list.length) {
      const comma = list.indexOf(',', from);
      const end = comma < 0 ? list.length : comma;
      const star = list.indexOf('*', from);
      const seconds = Number(list.slice(from, star));
      counts.set(seconds, (counts.get(seconds) ?? 0) + Number(list.slice(star + 1, end)));
      from = end + 1;
    }
  }
  for (const [procedureId, counts] of handling) for (const [seconds, n] of counts) rows.handling.push({ month, procedureId, agentId: '', seconds, n });
  for (const [procedureId, agentId, outcome, n, ratingSum] of stored.wr) {
    if (keep(procedureId, agentId)) rows.wrapups.push({ month, procedureId, agentId, outcome, n, ratingSum });
  }
  for (const [procedureId, agentId, n, liked, easy, useAgain] of stored.sv) {
    if (keep(procedureId, agentId)) rows.surveys.push({ month, procedureId, agentId, n, liked, easy, useAgain });
  }
  return rows;
}
