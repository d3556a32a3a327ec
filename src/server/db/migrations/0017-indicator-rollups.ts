import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Monthly rollups of the service indicators: per organisation and closed
 * month, the grouped rows (by procedure and agent) the figures are made of,
 * as JSON. The dashboard reads them instead of scanning every appointment of
 * the months it shows (bench/indicators: a year of a large city).
 */
export const m0017IndicatorRollups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('indicator_rollups')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('rows', 'text', (c) => c.notNull())
      .addColumn('computed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('indicator_rollups_pk', ['organisation_id', 'month'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists indicator_rollups`.execute(db);
  },
};
