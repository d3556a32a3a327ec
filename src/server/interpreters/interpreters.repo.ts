import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AppointmentStatus, Database } from '../db/schema.ts';
import type { InterpreterInvitationsTable, InvitationRow } from './interpreters.tables.ts';

type Executor = Db | Transaction<Database>;

/** An invitation with what deciding its validity needs of its appointment. */
export interface InvitationWithAppointment extends InvitationRow {
  status: AppointmentStatus;
  channel: 'video' | 'in_person';
  starts_at: string;
  ends_at: string;
  citizen_name: string;
  agent_id: string;
}

function withAppointment(db: Executor, organisationId: string) {
  return db
    .selectFrom('interpreter_invitations')
    .innerJoin('appointments', 'appointments.id', 'interpreter_invitations.appointment_id')
    .selectAll('interpreter_invitations')
    .select(['appointments.status', 'appointments.channel', 'appointments.starts_at', 'appointments.ends_at', 'appointments.citizen_name', 'appointments.agent_id'])
    .where('interpreter_invitations.organisation_id', '=', organisationId)
    .where('appointments.organisation_id', '=', organisationId);
}

/** All SQL of interpreter invitations; every query is scoped to the organisation. */
export const interpretersRepo = {
  async insert(trx: Executor, row: InterpreterInvitationsTable): Promise<void> {
    await trx.insertInto('interpreter_invitations').values(row).execute();
  },

  /** An appointment's invitations, newest first. */
  list(db: Executor, organisationId: string, appointmentId: string): Promise<InvitationRow[]> {
    return db
      .selectFrom('interpreter_invitations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
  },

  /** The invitation a link's token hash names, in this organisation only. */
  byTokenHash(db: Executor, organisationId: string, tokenHash: string): Promise<InvitationWithAppointment | undefined> {
    return withAppointment(db, organisationId).where('interpreter_invitations.token_hash', '=', tokenHash).executeTakeFirst();
  },

  /** One invitation of one appointment. */
  one(db: Executor, organisationId: string, appointmentId: string, id: string): Promise<InvitationWithAppointment | undefined> {
    return withAppointment(db, organisationId)
      .where('interpreter_invitations.appointment_id', '=', appointmentId)
      .where('interpreter_invitations.id', '=', id)
      .executeTakeFirst();
  },

  /** Records the first consent (the link's first use); false when it had been given already. */
  async markConsented(trx: Executor, organisationId: string, id: string, nowIso: string): Promise<boolean> {
    const res = await trx
      .updateTable('interpreter_invitations')
      .set({ consented_at: nowIso })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('consented_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Revokes an invitation; false when it was revoked already. */
  async revoke(trx: Executor, organisationId: string, id: string, staffId: string, nowIso: string): Promise<boolean> {
    const res = await trx
      .updateTable('interpreter_invitations')
      .set({ revoked_at: nowIso, revoked_by: staffId })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
};
