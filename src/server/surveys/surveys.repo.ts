import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AppointmentStatus, Database } from '../db/schema.ts';
import type { CitizenSurveysTable, SurveyInvitationsTable, WrapupRow } from './surveys.tables.ts';
import './surveys.tables.ts';
import '../indicators/indicators.tables.ts';

type Executor = Db | Transaction<Database>;

/** All SQL of the wrap-ups, the citizen surveys and their emailed invitations. */
export const surveysRepo = {
  async wrapup(db: Executor, organisationId: string, appointmentId: string): Promise<WrapupRow | undefined> {
    return db.selectFrom('call_wrapups').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).executeTakeFirst();
  },

  /** Saves the wrap-up, replacing an earlier one of the same appointment (its creation time is kept). */
  async putWrapup(db: Executor, row: WrapupRow): Promise<void> {
    await db
      .insertInto('call_wrapups')
      .values(row)
      .onConflict((oc) =>
        oc.column('appointment_id').doUpdateSet((eb) => ({
          agent_id: eb.ref('excluded.agent_id'),
          outcome: eb.ref('excluded.outcome'),
          rating: eb.ref('excluded.rating'),
          note: eb.ref('excluded.note'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  },

  /** Whether the appointment's call began (its first admission was recorded). */
  async callHappened(db: Executor, organisationId: string, appointmentId: string): Promise<boolean> {
    const row = await db.selectFrom('call_times').select('appointment_id').where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).executeTakeFirst();
    return row !== undefined;
  },

  /** Moves the appointment's status from `from` to `to`; false when it was not in `from`. */
  async moveStatus(db: Executor, organisationId: string, appointmentId: string, from: AppointmentStatus, to: AppointmentStatus, nowIso: string): Promise<boolean> {
    const res = await db
      .updateTable('appointments')
      .set({ status: to, updated_at: nowIso })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', appointmentId)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  async surveyAnswered(db: Executor, organisationId: string, appointmentId: string): Promise<boolean> {
    const row = await db.selectFrom('citizen_surveys').select('appointment_id').where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).executeTakeFirst();
    return row !== undefined;
  },

  /** Stores the answer unless one exists (the primary key decides a race); false when it did. */
  async insertSurvey(db: Executor, row: CitizenSurveysTable): Promise<boolean> {
    // ON CONFLICT rather than catching the violation: on PostgreSQL a failed statement aborts the transaction.
    const res = await db.insertInto('citizen_surveys').values(row).onConflict((oc) => oc.column('appointment_id').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  },

  /** Stores (or replaces) the appointment's emailed invitation. */
  async putInvitation(db: Executor, row: SurveyInvitationsTable): Promise<void> {
    await db
      .insertInto('survey_invitations')
      .values(row)
      .onConflict((oc) =>
        oc.column('appointment_id').doUpdateSet((eb) => ({
          token_hash: eb.ref('excluded.token_hash'),
          expires_at: eb.ref('excluded.expires_at'),
          created_at: eb.ref('excluded.created_at'),
        })),
      )
      .execute();
  },

  async invitationByHash(db: Executor, organisationId: string, tokenHash: string) {
    return db
      .selectFrom('survey_invitations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  },
};
