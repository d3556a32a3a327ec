import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Satisfaction surveys and service indicators (issue 8).
 *
 * - `call_times`: when an appointment's call began (the agent first admitted
 *   the citizen) and ended, and its length: the handling time, kept as a
 *   fact so the indicators never scan the history.
 * - `call_wrapups`: the agent's wrap-up after the call: the outcome
 *   (completed; not conclusive for missing documents or another reason;
 *   technical failure) and how the call went for them (1–5).
 * - `citizen_surveys`: the citizen's answers, one per appointment: liked and
 *   easy (0–10), would use again (1/0), an optional comment. Reports never
 *   join them to the citizen's identity.
 * - `survey_invitations`: the emailed link for a citizen who left before
 *   answering (token stored as its SHA-256, expiry).
 * - `indicator_baselines`: the in-person figures the indicators are
 *   compared with, entered or imported by an administrator, per metric and
 *   month (`*`: every month).
 */
export const m0016SurveysIndicators: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('call_times')
      .addColumn('appointment_id', 'text', (c) => c.primaryKey().references('appointments.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      // Whole seconds from the first admission to the end; null while the call is on.
      .addColumn('seconds', 'integer')
      .execute();

    await db.schema
      .createTable('call_wrapups')
      .addColumn('appointment_id', 'text', (c) => c.primaryKey().references('appointments.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('rating', 'integer', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('citizen_surveys')
      .addColumn('appointment_id', 'text', (c) => c.primaryKey().references('appointments.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('liked', 'integer', (c) => c.notNull())
      .addColumn('easy', 'integer', (c) => c.notNull())
      .addColumn('use_again', 'integer', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('language', 'text', (c) => c.notNull())
      // `call`: on the page after the call; `email`: from the emailed link.
      .addColumn('answered_via', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('survey_invitations')
      .addColumn('appointment_id', 'text', (c) => c.primaryKey().references('appointments.id'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('indicator_baselines')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('metric', 'text', (c) => c.notNull())
      // `YYYY-MM`, or `*` for every month without its own value.
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('value', 'real', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('indicator_baselines_pk', ['organisation_id', 'metric', 'month'])
      .execute();

    // The indicators read appointments by organisation and month, filtered by procedure or agent.
    await db.schema.createIndex('appointments_org_procedure_start').on('appointments').columns(['organisation_id', 'procedure_id', 'starts_at']).execute();
    await db.schema.createIndex('appointments_org_agent_start').on('appointments').columns(['organisation_id', 'agent_id', 'starts_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop index if exists appointments_org_agent_start`.execute(db);
    await sql`drop index if exists appointments_org_procedure_start`.execute(db);
    for (const table of ['indicator_baselines', 'survey_invitations', 'citizen_surveys', 'call_wrapups', 'call_times']) await sql`drop table if exists ${sql.table(table)}`.execute(db);
  },
};
