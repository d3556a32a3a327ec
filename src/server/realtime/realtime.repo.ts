import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AppointmentStatus, Database } from '../db/schema.ts';

type Executor = Db | Transaction<Database>;

/** Statuses of an appointment whose citizen has not come in yet (or left the waiting room). */
export const NOT_ARRIVED_STATUSES = ['booked', 'documents_pending', 'ready'] as const satisfies readonly AppointmentStatus[];

/** An appointment as the queue and the waiting room need it. */
export interface QueueRow {
  id: string;
  organisation_id: string;
  reference: string;
  agent_id: string;
  channel: 'video' | 'in_person';
  status: AppointmentStatus;
  starts_at: string;
  ends_at: string;
  citizen_name: string;
  citizen_surnames: string;
  language: string;
  procedure_id: string;
  /** The procedure's localised names (JSON). */
  procedure_name: string;
  arrived_at: string | null;
  waiting_since: string | null;
  consent_recording: number | null;
}

function queueQuery(db: Executor, organisationId: string) {
  return db
    .selectFrom('appointments')
    .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
    .leftJoin('appointment_presence', 'appointment_presence.appointment_id', 'appointments.id')
    .select([
      'appointments.id',
      'appointments.organisation_id',
      'appointments.reference',
      'appointments.agent_id',
      'appointments.channel',
      'appointments.status',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.citizen_name',
      'appointments.citizen_surnames',
      'appointments.language',
      'appointments.procedure_id',
      'procedures.name as procedure_name',
      'appointment_presence.arrived_at',
      'appointment_presence.waiting_since',
      'appointment_presence.consent_recording',
    ])
    .where('appointments.organisation_id', '=', organisationId);
}

/** All SQL of the waiting room and the call; every query is scoped to the organisation. */
export const realtimeRepo = {
  /** One appointment with what the queue shows of it. */
  one(db: Executor, organisationId: string, id: string): Promise<QueueRow | undefined> {
    return queueQuery(db, organisationId).where('appointments.id', '=', id).executeTakeFirst();
  },

  /** The video appointments of some agents starting in [from, to), cancelled ones left out. */
  day(db: Executor, organisationId: string, fromIso: string, toIso: string, agentIds: string[]): Promise<QueueRow[]> {
    return queueQuery(db, organisationId)
      .where('appointments.starts_at', '>=', fromIso)
      .where('appointments.starts_at', '<', toIso)
      .where('appointments.agent_id', 'in', agentIds.length ? agentIds : ['-'])
      .where('appointments.channel', '=', 'video')
      .where('appointments.status', '!=', 'cancelled')
      .orderBy('appointments.starts_at')
      .execute();
  },

  /** Active staff of the organisation (an administrator's queue covers them all). */
  async staffIds(db: Executor, organisationId: string): Promise<string[]> {
    return (await db.selectFrom('staff').select('id').where('organisation_id', '=', organisationId).where('active', '=', 1).execute()).map((r) => r.id);
  },

  /** Moves an appointment between statuses; false when it was not in one of `from` (someone else moved it first). */
  async setStatus(trx: Executor, organisationId: string, id: string, from: readonly AppointmentStatus[], to: AppointmentStatus, nowIso: string): Promise<boolean> {
    const res = await trx
      .updateTable('appointments')
      .set({ status: to, updated_at: nowIso })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Records an entry into the waiting room: the first arrival stays, waiting starts now unless it had, the consent is the latest. */
  async enter(trx: Executor, organisationId: string, appointmentId: string, recording: boolean, nowIso: string): Promise<void> {
    await trx
      .insertInto('appointment_presence')
      .values({
        appointment_id: appointmentId,
        organisation_id: organisationId,
        arrived_at: nowIso,
        waiting_since: nowIso,
        consent_recording: recording ? 1 : 0,
        consent_at: nowIso,
        updated_at: nowIso,
      })
      .onConflict((oc) =>
        oc.column('appointment_id').doUpdateSet((eb) => ({
          waiting_since: eb.fn.coalesce('appointment_presence.waiting_since', eb.ref('excluded.waiting_since')),
          consent_recording: eb.ref('excluded.consent_recording'),
          consent_at: eb.ref('excluded.consent_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  },

  /** Starts or stops the waiting clock (null: not waiting). */
  /** The call began (the first admission counts: a return to the waiting room does not restart the handling time). */
  async callStarted(trx: Executor, organisationId: string, appointmentId: string, atIso: string): Promise<void> {
    await trx
      .insertInto('call_times')
      .values({ appointment_id: appointmentId, organisation_id: organisationId, started_at: atIso, ended_at: null, seconds: null })
      .onConflict((oc) => oc.column('appointment_id').doNothing())
      .execute();
  },

  /** The call ended (the last end counts, after a readmission): the handling time from the first admission. */
  async callEnded(trx: Executor, organisationId: string, appointmentId: string, atIso: string): Promise<void> {
    const row = await trx.selectFrom('call_times').select('started_at').where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).executeTakeFirst();
    if (!row) return;
    const seconds = Math.max(0, Math.round((Date.parse(atIso) - Date.parse(row.started_at)) / 1000));
    await trx.updateTable('call_times').set({ ended_at: atIso, seconds }).where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).execute();
  },

  async setWaitingSince(trx: Executor, appointmentId: string, since: string | null, nowIso: string): Promise<void> {
    await trx.updateTable('appointment_presence').set({ waiting_since: since, updated_at: nowIso }).where('appointment_id', '=', appointmentId).execute();
  },

  /** The last quick message of the agent since an instant, if any (a citizen reconnecting sees it again). */
  async lastMessageSince(db: Executor, organisationId: string, appointmentId: string, sinceIso: string): Promise<string | null> {
    const row = await db
      .selectFrom('appointment_events')
      .select('data')
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('type', '=', 'agent.message')
      .where('at', '>=', sinceIso)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.data ?? null;
  },

  /** Whose an appointment is (for events that arrive with an id only). */
  owner(db: Executor, organisationId: string, appointmentId: string) {
    return db.selectFrom('appointments').select(['agent_id']).where('organisation_id', '=', organisationId).where('id', '=', appointmentId).executeTakeFirst();
  },
};
