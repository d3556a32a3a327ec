import type { Db } from '../db/database.ts';
import type { Appointment } from '../db/schema.ts';

/** SQL for the staff workspace; every query is scoped to the organisation. */
export const workspaceRepo = {
  /** Staff who share at least one office with `staffId` (themselves included). */
  async officeMates(db: Db, organisationId: string, staffId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('staff_offices as mine')
      .innerJoin('staff_offices as theirs', 'theirs.office_id', 'mine.office_id')
      .innerJoin('staff', 'staff.id', 'theirs.staff_id')
      .select('theirs.staff_id')
      .distinct()
      .where('mine.staff_id', '=', staffId)
      .where('staff.organisation_id', '=', organisationId)
      .execute();
    return [...new Set([staffId, ...rows.map((r) => r.staff_id)])];
  },

  /** Offices of the organisation, or only those a member of staff belongs to. */
  offices(db: Db, organisationId: string, memberId?: string) {
    let q = db.selectFrom('offices').select(['offices.id', 'offices.name']).where('offices.organisation_id', '=', organisationId).orderBy('offices.name');
    if (memberId) {
      q = q.where((eb) =>
        eb.exists(eb.selectFrom('staff_offices').select('staff_offices.office_id').whereRef('staff_offices.office_id', '=', 'offices.id').where('staff_offices.staff_id', '=', memberId)),
      );
    }
    return q.execute();
  },

  /** Staff of one office. */
  async officeStaff(db: Db, officeId: string): Promise<string[]> {
    return (await db.selectFrom('staff_offices').select('staff_id').where('office_id', '=', officeId).execute()).map((r) => r.staff_id);
  },

  /** Active staff who attend citizens (have opening hours), optionally limited to some ids. */
  async agents(db: Db, organisationId: string, within?: string[]): Promise<{ id: string; displayName: string }[]> {
    let q = db
      .selectFrom('staff')
      .select(['id', 'display_name'])
      .where('organisation_id', '=', organisationId)
      .where('active', '=', 1)
      .where((eb) => eb.exists(eb.selectFrom('agent_schedules').select('id').whereRef('agent_schedules.staff_id', '=', 'staff.id')))
      .orderBy('display_name');
    if (within) q = q.where('id', 'in', within.length ? within : ['-']);
    return (await q.execute()).map((r) => ({ id: r.id, displayName: r.display_name }));
  },

  /** Appointments between two instants for some agents, with procedure and agent names. */
  agenda(db: Db, organisationId: string, fromIso: string, toIso: string, agentIds: string[]) {
    return db
      .selectFrom('appointments')
      .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
      .innerJoin('staff', 'staff.id', 'appointments.agent_id')
      .selectAll('appointments')
      .select(['procedures.name as procedure_name', 'staff.display_name as agent_name'])
      .where('appointments.organisation_id', '=', organisationId)
      .where('appointments.starts_at', '>=', fromIso)
      .where('appointments.starts_at', '<', toIso)
      .where('appointments.agent_id', 'in', agentIds.length ? agentIds : ['-'])
      .orderBy('appointments.starts_at')
      .execute();
  },

  one(db: Db, organisationId: string, id: string) {
    return db
      .selectFrom('appointments')
      .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
      .innerJoin('staff', 'staff.id', 'appointments.agent_id')
      .selectAll('appointments')
      .select(['procedures.name as procedure_name', 'staff.display_name as agent_name'])
      .where('appointments.organisation_id', '=', organisationId)
      .where('appointments.id', '=', id)
      .executeTakeFirst();
  },

  /** Display names of some staff of the organisation. */
  names(db: Db, organisationId: string, ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('staff').select(['id', 'display_name']).where('organisation_id', '=', organisationId).where('id', 'in', ids).execute();
  },

  history(db: Db, organisationId: string, appointmentId: string) {
    return db
      .selectFrom('appointment_events')
      .select(['type', 'actor', 'at', 'data'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .orderBy('id')
      .execute();
  },
};

/** An appointment row with the names the workspace shows. */
export type AppointmentWithNames = Appointment & { procedure_name: string; agent_name: string };
