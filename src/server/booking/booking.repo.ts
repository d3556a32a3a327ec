import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Appointment, Database, NewAppointment } from '../db/schema.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { UNIT_MS, unitOf } from '../availability/availability.engine.ts';

type Trx = Transaction<Database>;

/** SQL for appointments and the agent occupancy that guards them. */
export const bookingRepo = {
  insertAppointment(trx: Trx, row: NewAppointment): Promise<unknown> {
    return trx.insertInto('appointments').values(row).execute();
  },

  /**
   * Claims every 5-minute unit of [startMs, endMs) for the agent. The
   * (agent_id, unit) primary key makes the database refuse a second claim:
   * the caller sees a unique violation and tries another agent.
   */
  claimUnits(trx: Trx, organisationId: string, agentId: string, appointmentId: string, startMs: number, endMs: number) {
    const rows = [];
    for (let u = unitOf(startMs); u * UNIT_MS < endMs; u++) {
      rows.push({ agent_id: agentId, unit: u, organisation_id: organisationId, appointment_id: appointmentId });
    }
    return trx.insertInto('agent_busy').values(rows).execute();
  },

  releaseUnits(trx: Trx, appointmentId: string) {
    return trx.deleteFrom('agent_busy').where('appointment_id', '=', appointmentId).execute();
  },

  addEvent(trx: Trx | Db, organisationId: string, appointmentId: string, type: string, actor: string, at: string, data: object = {}) {
    return trx
      .insertInto('appointment_events')
      .values({ organisation_id: organisationId, appointment_id: appointmentId, type, actor, at, data: JSON.stringify(data) })
      .execute();
  },

  /**
   * Open future appointments held by an email address or an ID number. Two
   * lookups joined by UNION so each uses its own index (an OR would scan
   * every future appointment of the organisation).
   */
  async countOpenFor(db: Db, organisationId: string, email: string, idNumber: string, nowIso: string): Promise<number> {
    const open = (column: 'citizen_email' | 'citizen_id_number', value: string) =>
      db
        .selectFrom('appointments')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where(column, '=', value)
        .where('status', 'in', [...OPEN_STATUSES])
        .where('starts_at', '>', nowIso);
    const rows = await open('citizen_email', email).union(open('citizen_id_number', idNumber)).execute();
    return rows.length;
  },


  byId(db: Db | Trx, organisationId: string, id: string): Promise<Appointment | undefined> {
    return db
      .selectFrom('appointments')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Marks a proof-of-work challenge spent; a replay violates the primary key. */
  spendChallenge(trx: Trx, signature: string, expiresAt: string) {
    return trx.insertInto('used_challenges').values({ signature, expires_at: expiresAt }).execute();
  },
};
