import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db/database.ts';
import type { BaselineRow } from './indicators.tables.ts';
import type { WrapupOutcome } from '../surveys/surveys.tables.ts';

/** One local month as an interval of UTC instants (ISO strings, which sort as the instants do). */
export interface MonthBound {
  month: string;
  start: string;
  end: string;
}

/** Which appointments the figures are about. */
export interface IndicatorScope {
  organisationId: string;
  months: readonly MonthBound[];
  procedureId?: string | undefined;
  /** Only these agents' appointments; undefined: everyone's. */
  agentIds?: readonly string[] | undefined;
}

/** The procedure and agent of a row counted by slice (for the monthly rollups); empty when not sliced. */
export interface Slice {
  procedureId: string;
  agentId: string;
}

/** Counts by status, whether a call took place, and whether the start has passed. */
export interface StatusCount extends Slice {
  month: string;
  status: string;
  held: boolean;
  past: boolean;
  n: number;
}

/** Calls of one length. */
export interface HandlingCount extends Slice {
  month: string;
  seconds: number;
  n: number;
}

/** Wrap-ups of one outcome. */
export interface WrapupCount extends Slice {
  month: string;
  outcome: WrapupOutcome;
  n: number;
  ratingSum: number;
}

/** Survey answers and their sums. */
export interface SurveyCount extends Slice {
  month: string;
  n: number;
  liked: number;
  easy: number;
  useAgain: number;
}

/** Everything the figures of some months are made from. */
export interface IndicatorRows {
  statuses: StatusCount[];
  handling: HandlingCount[];
  wrapups: WrapupCount[];
  surveys: SurveyCount[];
}

/** The columns a query groups by besides its own: the month, and the slice when asked. */
function groups(scope: IndicatorScope, slices: boolean) {
  return slices ? ([monthOf(scope.months).as('month'), 'a.procedure_id', 'a.agent_id'] as const) : ([monthOf(scope.months).as('month')] as const);
}
const sliceOf = (r: { procedure_id?: string; agent_id?: string }): Slice => ({ procedureId: r.procedure_id ?? '', agentId: r.agent_id ?? '' });
/** `GROUP BY 1, 2, …, n` (portable, and the month is an expression). */
const groupByFirst = (n: number) => sql.raw(Array.from({ length: n }, (_, i) => String(i + 1)).join(', ')) as unknown as 'a.status';

/**
 * All SQL of the indicators: a handful of GROUP BY queries over the month's
 * appointments (indexes `appointments_org_start`, `…_org_procedure_start`,
 * `…_org_agent_start`), never one query per appointment. The month of each
 * appointment is a CASE over the months' bounds, so the same SQL runs on
 * SQLite and PostgreSQL and the months are the organisation's local ones.
 */
export const indicatorsRepo = {
  /**
   * Counts by status. `ahead`: the appointments are all in days still to
   * come, none can have had a call yet — so no join with the calls (which
   * would make PostgreSQL hash the whole call table for a few thousand rows).
   */
  async statusCounts(db: Db, scope: IndicatorScope, nowIso: string, slices = false, ahead = false): Promise<StatusCount[]> {
    const g = groups(scope, slices);
    if (ahead) {
      const rows = await base(db, scope)
        .select([...g, 'a.status', sql<number>`case when a.starts_at < ${nowIso} then 1 else 0 end`.as('past'), sql<number | string>`count(*)`.as('n')])
        .groupBy(groupByFirst(g.length + 2))
        .execute();
      return rows.map((r) => ({ month: r.month, ...sliceOf(r), status: r.status, held: false, past: Number(r.past) === 1, n: Number(r.n) }));
    }
    const rows = await base(db, scope)
      .leftJoin('call_times as ct', 'ct.appointment_id', 'a.id')
      .select([
        ...g,
        'a.status',
        sql<number>`case when ct.appointment_id is null then 0 else 1 end`.as('held'),
        sql<number>`case when a.starts_at < ${nowIso} then 1 else 0 end`.as('past'),
        sql<number | string>`count(*)`.as('n'),
      ])
      .groupBy(groupByFirst(g.length + 3))
      .execute();
    return rows.map((r) => ({ month: r.month, ...sliceOf(r), status: r.status, held: Number(r.held) === 1, past: Number(r.past) === 1, n: Number(r.n) }));
  },

  /** How many calls lasted each number of seconds, by month: the mean and the exact median come from it. */
  async handlingDistribution(db: Db, scope: IndicatorScope, slices = false): Promise<HandlingCount[]> {
    const g = groups(scope, slices);
    const rows = await base(db, scope)
      .innerJoin('call_times as ct', 'ct.appointment_id', 'a.id')
      .where('ct.seconds', 'is not', null)
      .select([...g, 'ct.seconds', sql<number | string>`count(*)`.as('n')])
      .groupBy(groupByFirst(g.length + 1))
      .execute();
    return rows.map((r) => ({ month: r.month, ...sliceOf(r), seconds: Number(r.seconds), n: Number(r.n) }));
  },

  async wrapups(db: Db, scope: IndicatorScope, slices = false): Promise<WrapupCount[]> {
    const g = groups(scope, slices);
    const rows = await base(db, scope)
      .innerJoin('call_wrapups as w', 'w.appointment_id', 'a.id')
      .select([...g, 'w.outcome', sql<number | string>`count(*)`.as('n'), sql<number | string>`sum(w.rating)`.as('rating_sum')])
      .groupBy(groupByFirst(g.length + 1))
      .execute();
    return rows.map((r) => ({ month: r.month, ...sliceOf(r), outcome: r.outcome, n: Number(r.n), ratingSum: Number(r.rating_sum) }));
  },

  async surveys(db: Db, scope: IndicatorScope, slices = false): Promise<SurveyCount[]> {
    const g = groups(scope, slices);
    const rows = await base(db, scope)
      .innerJoin('citizen_surveys as s', 's.appointment_id', 'a.id')
      .select([
        ...g,
        sql<number | string>`count(*)`.as('n'),
        sql<number | string>`sum(s.liked)`.as('liked'),
        sql<number | string>`sum(s.easy)`.as('easy'),
        sql<number | string>`sum(s.use_again)`.as('use_again'),
      ])
      .groupBy(groupByFirst(g.length))
      .execute();
    return rows.map((r) => ({ month: r.month, ...sliceOf(r), n: Number(r.n), liked: Number(r.liked), easy: Number(r.easy), useAgain: Number(r.use_again) }));
  },

  /** The stored rollups of some months (closed months' rows by procedure and agent, as JSON). */
  rollups(db: Db, organisationId: string, months: readonly string[]): Promise<{ month: string; rows: string; computed_at: string }[]> {
    if (months.length === 0) return Promise.resolve([]);
    return db.selectFrom('indicator_rollups').select(['month', 'rows', 'computed_at']).where('organisation_id', '=', organisationId).where('month', 'in', [...months]).execute();
  },

  async putRollup(db: Db, row: { organisation_id: string; month: string; rows: string; computed_at: string }): Promise<void> {
    await db
      .insertInto('indicator_rollups')
      .values(row)
      .onConflict((oc) => oc.columns(['organisation_id', 'month']).doUpdateSet({ rows: row.rows, computed_at: row.computed_at }))
      .execute();
  },

  /** The survey comments of the scope, newest first: with the month and procedure only, never who wrote them. */
  async comments(db: Db, scope: IndicatorScope, limit: number): Promise<{ month: string; procedure_name: string; liked: number; easy: number; use_again: number; comment: string }[]> {
    return base(db, scope)
      .innerJoin('citizen_surveys as s', 's.appointment_id', 'a.id')
      .innerJoin('procedures as p', 'p.id', 'a.procedure_id')
      .where('s.comment', 'is not', null)
      .select([monthOf(scope.months).as('month'), 'p.name as procedure_name', 's.liked', 's.easy', 's.use_again', sql<string>`s.comment`.as('comment')])
      .orderBy('s.answered_at', 'desc')
      .limit(limit)
      .execute();
  },

  baselines(db: Db, organisationId: string): Promise<BaselineRow[]> {
    return db.selectFrom('indicator_baselines').selectAll().where('organisation_id', '=', organisationId).orderBy('metric').orderBy('month').execute();
  },

  async putBaseline(db: Db, row: BaselineRow): Promise<void> {
    await db
      .insertInto('indicator_baselines')
      .values(row)
      .onConflict((oc) => oc.columns(['organisation_id', 'metric', 'month']).doUpdateSet({ value: row.value, updated_by: row.updated_by, updated_at: row.updated_at }))
      .execute();
  },

  async deleteBaseline(db: Db, organisationId: string, metric: string, month: string): Promise<void> {
    await db.deleteFrom('indicator_baselines').where('organisation_id', '=', organisationId).where('metric', '=', metric).where('month', '=', month).execute();
  },

  procedures(db: Db, organisationId: string): Promise<{ id: string; name: string }[]> {
    return db.selectFrom('procedures').select(['id', 'name']).where('organisation_id', '=', organisationId).orderBy('code').execute();
  },
};

/** The video appointments of the scope. */
function base(db: Db, scope: IndicatorScope) {
  const first = scope.months[0];
  const last = scope.months.at(-1);
  if (!first || !last) throw new Error('an indicator scope needs at least one month');
  let q = db
    .selectFrom('appointments as a')
    .where('a.organisation_id', '=', scope.organisationId)
    .where('a.channel', '=', 'video')
    .where('a.starts_at', '>=', first.start)
    .where('a.starts_at', '<', last.end);
  if (scope.procedureId) q = q.where('a.procedure_id', '=', scope.procedureId);
  if (scope.agentIds) q = scope.agentIds.length ? q.where('a.agent_id', 'in', [...scope.agentIds]) : q.where(sql<SqlBool>`1 = 0` as Expression<SqlBool>);
  return q;
}

/** The local month of `a.starts_at`: the first of the (ascending) months it starts before the end of. */
function monthOf(months: readonly MonthBound[]) {
  return sql<string>`case ${sql.join(
    months.map((m) => sql`when a.starts_at < ${m.end} then ${m.month}`),
    sql` `,
  )} end`;
}
