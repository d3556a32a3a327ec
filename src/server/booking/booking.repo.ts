import { sql, type Insertable, type Transaction } from 'kysely';
import { isPostgres, precompiled, type Db } from '../db/database.ts';
import type { Appointment, Database, NewAppointment } from '../db/schema.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { UNIT_MS, unitOf } from '../availability/availability.engine.ts';

type Trx = Transaction<Database>;

// The booking path's statements, compiled once (see `precompiled`).
const insertAppointment = precompiled((db, v: { row: NewAppointment }) => db.insertInto('appointments').values(v.row));
const insertUnits = precompiled((db, v: { rows: { agent_id: string; unit: number; organisation_id: string; appointment_id: string }[] }) =>
  db.insertInto('agent_busy').values(v.rows),
);
const insertEvent = precompiled(
  (db, v: { organisation_id: string; appointment_id: string; type: string; actor: string; at: string; data: string }) =>
    db.insertInto('appointment_events').values(v),
);
const openFor = precompiled((db, v: { organisationId: string; email: string; idNumber: string; nowIso: string }) => {
  const open = (column: 'citizen_email' | 'citizen_id_number', value: string) =>
    db
      .selectFrom('appointments')
      .select('id')
      .where('organisation_id', '=', v.organisationId)
      .where(column, '=', value)
      .where('status', 'in', [...OPEN_STATUSES])
      .where('starts_at', '>', v.nowIso);
  return open('citizen_email', v.email).union(open('citizen_id_number', v.idNumber));
});
const insertChallenge = precompiled((db, v: { signature: string; expires_at: string }) => db.insertInto('used_challenges').values(v));
const insertMail = precompiled((db, v: { row: MailRow }) => db.insertInto('mail_queue').values(v.row));

/** An occupancy row: one 5-minute unit of an agent held by an appointment. */
type UnitRow = { agent_id: string; unit: number; organisation_id: string; appointment_id: string };
/** An appointment history row, its data already JSON. */
type EventRow = { organisation_id: string; appointment_id: string; type: string; actor: string; at: string; data: string };
/** A queued email (see `enqueueMail`; a booking's confirmation has no de-duplication key). */
type MailRow = Insertable<Database['mail_queue']>;

/** What a new booking writes itself (its listeners write the rest). */
export interface BookingRows {
  appointment: NewAppointment;
  units: UnitRow[];
  event: EventRow;
  /** The proof of work, spent with the booking (public web only). */
  challenge?: { signature: string; expires_at: string };
  /** The confirmation email, queued with the booking (video appointments). */
  mail?: MailRow;
}

/**
 * PostgreSQL: all of a booking's own rows in one statement, each INSERT a
 * data-modifying WITH. The constraints are the same as one by one (the
 * foreign keys are checked at the end of the statement, when the
 * appointment exists), and a violation still names its constraint.
 */
const insertBookingRows = precompiled((db, v: BookingRows) => {
  const { challenge, mail } = v;
  const rows = db
    .with('appointment', (qc) => qc.insertInto('appointments').values(v.appointment))
    .with('units', (qc) => qc.insertInto('agent_busy').values(v.units))
    .with('event', (qc) => qc.insertInto('appointment_events').values(v.event));
  // Optional parts: each combination is its own compiled shape.
  const withChallenge = challenge ? rows.with('challenge', (qc) => qc.insertInto('used_challenges').values(challenge)) : rows;
  const withMail = mail ? withChallenge.with('mail', (qc) => qc.insertInto('mail_queue').values(mail)) : withChallenge;
  return withMail.selectNoFrom(sql.lit(1).as('done'));
});

/** SQL for appointments and the agent occupancy that guards them. */
export const bookingRepo = {
  insertAppointment(trx: Trx, row: NewAppointment): Promise<unknown> {
    return insertAppointment(trx, { row });
  },

  /**
   * Claims every 5-minute unit of [startMs, endMs) for the agent. The
   * (agent_id, unit) primary key makes the database refuse a second claim:
   * the caller sees a unique violation and tries another agent.
   */
  claimUnits(trx: Trx, organisationId: string, agentId: string, appointmentId: string, startMs: number, endMs: number) {
    return insertUnits(trx, { rows: bookingRepo.unitRows(organisationId, agentId, appointmentId, startMs, endMs) });
  },

  /** The occupancy rows of [startMs, endMs) for an agent: every 5-minute unit it touches. */
  unitRows(organisationId: string, agentId: string, appointmentId: string, startMs: number, endMs: number): UnitRow[] {
    const rows: UnitRow[] = [];
    for (let u = unitOf(startMs); u * UNIT_MS < endMs; u++) {
      rows.push({ agent_id: agentId, unit: u, organisation_id: organisationId, appointment_id: appointmentId });
    }
    return rows;
  },

  /**
   * Writes a new booking's own rows, and its confirmation email. On
   * PostgreSQL in one statement: four round trips fewer in every booking's
   * transaction. SQLite has no data-modifying WITH, and no round trips to
   * save: one by one. Either way a unique violation names what refused
   * it: the agent's units (agent_busy), the reference, or the proof of
   * work (used_challenges).
   */
  async insertBooking(trx: Trx, rows: BookingRows): Promise<void> {
    if (isPostgres(trx)) {
      await insertBookingRows(trx, rows);
      return;
    }
    await insertAppointment(trx, { row: rows.appointment });
    await insertUnits(trx, { rows: rows.units });
    await insertEvent(trx, rows.event);
    if (rows.challenge) await insertChallenge(trx, rows.challenge);
    if (rows.mail) await insertMail(trx, { row: rows.mail });
  },

  releaseUnits(trx: Trx, appointmentId: string) {
    return trx.deleteFrom('agent_busy').where('appointment_id', '=', appointmentId).execute();
  },

  addEvent(trx: Trx | Db, organisationId: string, appointmentId: string, type: string, actor: string, at: string, data: object = {}) {
    return insertEvent(trx, { organisation_id: organisationId, appointment_id: appointmentId, type, actor, at, data: JSON.stringify(data) });
  },

  /**
   * Open future appointments held by an email address or an ID number. Two
   * lookups joined by UNION so each uses its own index (an OR would scan
   * every future appointment of the organisation).
   */
  async countOpenFor(db: Db, organisationId: string, email: string, idNumber: string, nowIso: string): Promise<number> {
    const { rows } = await openFor(db, { organisationId, email, idNumber, nowIso });
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
    return insertChallenge(trx, { signature, expires_at: expiresAt });
  },
};
