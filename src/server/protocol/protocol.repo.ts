import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { ProtocolStep } from '../../shared/protocol.ts';
import type { ProtocolFormRow, StepRow } from './protocol.tables.ts';

type Executor = Db | Transaction<Database>;

/** All SQL of the protocol; every query is scoped to the organisation. */
export const protocolRepo = {
  /** A procedure's form definition (JSON), if it has one. */
  async formDefinition(db: Executor, organisationId: string, procedureId: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('procedure_forms')
      .select('definition')
      .where('organisation_id', '=', organisationId)
      .where('procedure_id', '=', procedureId)
      .executeTakeFirst();
    return row?.definition;
  },

  /** Sets (or replaces) a procedure's form definition. */
  async putFormDefinition(db: Executor, organisationId: string, procedureId: string, definition: string, nowIso: string): Promise<void> {
    await db
      .insertInto('procedure_forms')
      .values({ procedure_id: procedureId, organisation_id: organisationId, definition, updated_at: nowIso })
      .onConflict((oc) => oc.column('procedure_id').doUpdateSet({ definition, updated_at: nowIso }))
      .execute();
  },

  /** The steps of an appointment done or skipped so far. */
  steps(db: Executor, organisationId: string, appointmentId: string): Promise<StepRow[]> {
    return db.selectFrom('protocol_steps').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).execute();
  },

  /** Records a step; false when it had been recorded already (two clicks, two tabs: the first one counts). */
  async insertStep(trx: Executor, row: StepRow): Promise<boolean> {
    // ON CONFLICT rather than catching the violation: on PostgreSQL a failed statement aborts the transaction.
    const res = await trx
      .insertInto('protocol_steps')
      .values(row)
      .onConflict((oc) => oc.columns(['appointment_id', 'step']).doNothing())
      .returning('step')
      .executeTakeFirst();
    return res !== undefined;
  },

  /** One step's row. */
  step(db: Executor, organisationId: string, appointmentId: string, step: ProtocolStep): Promise<StepRow | undefined> {
    return db
      .selectFrom('protocol_steps')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('step', '=', step)
      .executeTakeFirst();
  },

  /** The form data of an appointment's protocol. */
  form(db: Executor, organisationId: string, appointmentId: string): Promise<ProtocolFormRow | undefined> {
    return db.selectFrom('protocol_forms').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).executeTakeFirst();
  },

  /** Saves the form data (a new save forgets a "read aloud" mark and a pending code: they were about other data). */
  async saveForm(trx: Executor, row: { organisationId: string; appointmentId: string; data: string; sha256: string; savedBy: string; savedAt: string }): Promise<void> {
    const values = { data: row.data, sha256: row.sha256, saved_by: row.savedBy, saved_at: row.savedAt, read_aloud_at: null, otp_hash: null, otp_expires_at: null, otp_attempts: 0 };
    await trx
      .insertInto('protocol_forms')
      .values({ appointment_id: row.appointmentId, organisation_id: row.organisationId, ...values })
      .onConflict((oc) => oc.column('appointment_id').doUpdateSet(values).where('protocol_forms.organisation_id', '=', row.organisationId))
      .execute();
  },

  async markReadAloud(trx: Executor, organisationId: string, appointmentId: string, nowIso: string): Promise<void> {
    await trx.updateTable('protocol_forms').set({ read_aloud_at: nowIso }).where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).execute();
  },

  /** Stores a new one-time code's hash (replacing any earlier one). */
  async setOtp(trx: Executor, organisationId: string, appointmentId: string, hash: string, expiresAt: string): Promise<void> {
    await trx
      .updateTable('protocol_forms')
      .set({ otp_hash: hash, otp_expires_at: expiresAt, otp_attempts: 0 })
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .execute();
  },

  /**
   * Spends one attempt of the pending code, if `attempts` is still the count
   * (compare-and-set); false when another attempt was counted meanwhile.
   * Every typed code spends one before it is checked, so parallel guesses
   * cannot get more than the attempts allowed.
   */
  async spendOtpAttempt(trx: Executor, organisationId: string, appointmentId: string, attempts: number): Promise<boolean> {
    const res = await trx
      .updateTable('protocol_forms')
      .set({ otp_attempts: attempts + 1 })
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('otp_attempts', '=', attempts)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Spends the code (it cannot be used twice). */
  async clearOtp(trx: Executor, organisationId: string, appointmentId: string): Promise<void> {
    await trx.updateTable('protocol_forms').set({ otp_hash: null, otp_expires_at: null }).where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).execute();
  },
};
