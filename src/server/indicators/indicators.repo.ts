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

/** Counts by status, whether a call took place, and whether the start has passed. */
export interface StatusCount {
  month: string;
  status: string;
  held: boolean;
  past: boolean;
  n: number;
}

/**
 * All SQL of the indicators: a handful of GROUP BY queries over the month's
 * appointments (indexes `appointments_org_start`, `…_org_procedure_start`,
 * `…_org_agent_start`), never one query per appointment. The month of each
 * appointment is a CASE over the months' bounds, so the same SQL runs on
 * SQLite and PostgreSQL and the months are the organisation's local ones.
 */
export const indicatorsRepo = {
  async statusCounts(db: Db, scope: IndicatorScope, nowIso: string): Promise<StatusCount[]> {
    const rows = await base(db, scope)
      .leftJoin('call_times as ct', 'ct.appointment_id', 'a.id')
      .select([
        monthOf(scope.months).as('month'),
        'a.status',
        sql<number>`case when ct.appointment_id is null then 0 else 1 end`.as('held'),
        sql<number>`case when a.starts_at < ${nowIso} then 1 else 0 end`.as('past'),
        sql<number | string>`count(*)`.as('n'),
      ])
      .groupBy(sql.raw('1, 2, 3, 4') as unknown as 'a.status')
      .execute();
    return rows.map((r) => ({ month: r.month, status: r.status, held: Number(r.held) === 1, past: Number(r.past) === 1, n: Number(r.n) }));
  },

  /** How many calls lasted each number of seconds, by month: the mean and the exact median come from it. */
  async handlingDistribution(db: Db, scope: IndicatorScope): Promise<{ month: string; seconds: number; n: number }[]> {
    const rows = await base(db, scope)
      .innerJoin('call_times as ct', 'ct.appointment_id', 'a.id')
      .where('ct.seconds', 'is not', null)
      .select([monthOf(scope.months).as('month'), 'ct.seconds', sql<number | string>`count(*)`.as('n')])
      .groupBy(sql.raw('1, 2') as unknown as 'ct.seconds')
      .execute();
    return rows.map((r) => ({ month: r.month, seconds: Number(r.seconds), n: Number(r.n) }));
  },

  async wrapups(db: Db, scope: IndicatorScope): Promise<{ month: string; outcome: WrapupOutcome; n: number; ratingSum: number }[]> {
    const rows = await base(db, scope)
      .innerJoin('call_wrapups as w', 'w.appointment_id', 'a.id')
      .select([monthOf(scope.months).as('month'), 'w.outcome', sql<number | string>`count(*)`.as('n'), sql<number | string>`sum(w.rating)`.as('rating_sum')])
      .groupBy(sql.raw('1, 2') as unknown as 'w.outcome')
      .execute();
    return rows.map((r) => ({ month: r.month, outcome: r.outcome, n: Number(r.n), ratingSum: Number(r.rating_sum) }));
  },

  async surveys(db: Db, scope: IndicatorScope): Promise<{ month: string; n: number; liked: number; easy: number; useAgain: number }[]> {
    const rows = await base(db, scope)
      .innerJoin('citizen_surveys as s', 's.appointment_id', 'a.id')
      .select([
        monthOf(scope.months).as('month'),
        sql<number | string>`count(*)`.as('n'),
        sql<number | string>`sum(s.liked)`.as('liked'),
        sql<number | string>`sum(s.easy)`.as('easy'),
        sql<number | string>`sum(s.use_again)`.as('use_again'),
      ])
      .groupBy(sql.raw('1') as unknown as 's.liked')
      .execute();
    return rows.map((r) => ({ month: r.month, n: Number(r.n), liked: Number(r.liked), easy: Number(r.easy), useAgain: Number(r.use_again) }));
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
