import type { Db } from '../db/database.ts';
import type { AgentSchedule, ScheduleException } from '../db/schema.ts';
import type { WeeklyWindow } from '../availability/availability.engine.ts';
import './schedules.tables.ts';

/** The statuses of a booked appointment still to come that a schedule change must not strand (in_call is under way). */
export const PROTECTED_STATUSES = ['booked', 'documents_pending', 'ready', 'waiting'] as const;

/** A future appointment that a change might strand, with the names the refusal lists. */
export interface CandidateAppointment {
  id: string;
  reference: string;
  agent_id: string;
  agent_name: string;
  procedure_name: string;
  starts_at: string;
  ends_at: string;
}

/** A weekly window row as the engine reads it. */
export function toWeekly(r: Pick<AgentSchedule, 'staff_id' | 'weekday' | 'start_time' | 'end_time' | 'valid_from' | 'valid_to'>): WeeklyWindow {
  return { staffId: r.staff_id, weekday: r.weekday, start: r.start_time, end: r.end_time, validFrom: r.valid_from, validTo: r.valid_to };
}

/** All SQL of the offices-and-schedules section; every query is scoped to the organisation. */
export const schedulesRepo = {
  async offices(db: Db, organisationId: string) {
    return db
      .selectFrom('offices')
      .select((eb) => [
        'offices.id',
        'offices.name',
        eb.selectFrom('staff_offices').select(eb.fn.countAll<number>().as('n')).whereRef('staff_offices.office_id', '=', 'offices.id').as('staff'),
        eb.selectFrom('agent_schedules').select(eb.fn.countAll<number>().as('n')).whereRef('agent_schedules.office_id', '=', 'offices.id').as('windows'),
      ])
      .where('offices.organisation_id', '=', organisationId)
      .orderBy('offices.name')
      .execute();
  },

  office(db: Db, organisationId: string, id: string) {
    return db.selectFrom('offices').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  officeByName(db: Db, organisationId: string, name: string) {
    return db.selectFrom('offices').select('id').where('organisation_id', '=', organisationId).where('name', '=', name).executeTakeFirst();
  },

  async insertOffice(db: Db, row: { id: string; organisation_id: string; name: string; created_at: string }): Promise<void> {
    await db.insertInto('offices').values(row).execute();
  },

  async renameOffice(db: Db, organisationId: string, id: string, name: string): Promise<void> {
    await db.updateTable('offices').set({ name }).where('organisation_id', '=', organisationId).where('id', '=', id).execute();
  },

  async deleteOffice(db: Db, organisationId: string, id: string): Promise<void> {
    await db.deleteFrom('offices').where('organisation_id', '=', organisationId).where('id', '=', id).execute();
  },

  /** What still refers to an office: its staff and the weekly windows worked there. */
  async officeUse(db: Db, officeId: string): Promise<{ staff: number; windows: number }> {
    const [staff, windows] = await Promise.all([
      db.selectFrom('staff_offices').select((eb) => eb.fn.countAll<number>().as('n')).where('office_id', '=', officeId).executeTakeFirst(),
      db.selectFrom('agent_schedules').select((eb) => eb.fn.countAll<number>().as('n')).where('office_id', '=', officeId).executeTakeFirst(),
    ]);
    return { staff: Number(staff?.n ?? 0), windows: Number(windows?.n ?? 0) };
  },

  /** Every member of staff, with how many weekly windows each has. */
  staff(db: Db, organisationId: string) {
    return db
      .selectFrom('staff')
      .select((eb) => [
        'staff.id',
        'staff.display_name',
        'staff.email',
        'staff.role',
        'staff.active',
        eb.selectFrom('agent_schedules').select(eb.fn.countAll<number>().as('n')).whereRef('agent_schedules.staff_id', '=', 'staff.id').as('windows'),
      ])
      .where('staff.organisation_id', '=', organisationId)
      .orderBy('staff.display_name')
      .execute();
  },

  member(db: Db, organisationId: string, staffId: string) {
    return db.selectFrom('staff').select(['id', 'display_name', 'email', 'role', 'active']).where('organisation_id', '=', organisationId).where('id', '=', staffId).executeTakeFirst();
  },

  /** Which offices each member of staff belongs to. */
  memberships(db: Db, organisationId: string) {
    return db
      .selectFrom('staff_offices')
      .innerJoin('offices', 'offices.id', 'staff_offices.office_id')
      .select(['staff_offices.staff_id', 'offices.id', 'offices.name'])
      .where('offices.organisation_id', '=', organisationId)
      .orderBy('offices.name')
      .execute();
  },

  windows(db: Db, organisationId: string, staffId: string) {
    return db
      .selectFrom('agent_schedules')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('staff_id', '=', staffId)
      .orderBy('weekday')
      .orderBy('start_time')
      .orderBy('valid_from')
      .execute();
  },

  window(db: Db, organisationId: string, staffId: string, id: string) {
    return db.selectFrom('agent_schedules').selectAll().where('organisation_id', '=', organisationId).where('staff_id', '=', staffId).where('id', '=', id).executeTakeFirst();
  },

  async insertWindow(db: Db, row: AgentSchedule): Promise<void> {
    await db.insertInto('agent_schedules').values(row).execute();
  },

  async updateWindow(db: Db, row: AgentSchedule): Promise<void> {
    const { id, organisation_id, staff_id, ...fields } = row;
    await db.updateTable('agent_schedules').set(fields).where('organisation_id', '=', organisation_id).where('staff_id', '=', staff_id).where('id', '=', id).execute();
  },

  async deleteWindow(db: Db, organisationId: string, id: string): Promise<void> {
    await db.deleteFrom('agent_schedules').where('organisation_id', '=', organisationId).where('id', '=', id).execute();
  },

  /** The weekly windows of some agents (whether active or not), as the engine reads them. */
  async weeklyOf(db: Db, organisationId: string, staffIds: readonly string[]): Promise<WeeklyWindow[]> {
    if (staffIds.length === 0) return [];
    const rows = await db
      .selectFrom('agent_schedules')
      .select(['staff_id', 'weekday', 'start_time', 'end_time', 'valid_from', 'valid_to'])
      .where('organisation_id', '=', organisationId)
      .where('staff_id', 'in', [...staffIds])
      .execute();
    return rows.map(toWeekly);
  },

  /** Office of each weekly window (for the calendar's office filter). */
  windowOffices(db: Db, organisationId: string) {
    return db.selectFrom('agent_schedules').select(['staff_id', 'weekday', 'start_time', 'end_time', 'valid_from', 'valid_to', 'office_id']).where('organisation_id', '=', organisationId).execute();
  },

  closures(db: Db, organisationId: string, from: string, to: string) {
    return db
      .selectFrom('schedule_exceptions')
      .leftJoin('staff', 'staff.id', 'schedule_exceptions.staff_id')
      .select([
        'schedule_exceptions.id',
        'schedule_exceptions.date',
        'schedule_exceptions.staff_id',
        'schedule_exceptions.kind',
        'schedule_exceptions.start_time',
        'schedule_exceptions.end_time',
        'schedule_exceptions.reason',
        'staff.display_name as staff_name',
      ])
      .where('schedule_exceptions.organisation_id', '=', organisationId)
      .where('schedule_exceptions.date', '>=', from)
      .where('schedule_exceptions.date', '<=', to)
      .orderBy('schedule_exceptions.date')
      .orderBy('schedule_exceptions.start_time')
      .execute();
  },

  closure(db: Db, organisationId: string, id: string) {
    return db.selectFrom('schedule_exceptions').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  async insertClosures(db: Db, rows: ScheduleException[]): Promise<void> {
    // A few hundred rows at most (the import's cap); in chunks to stay under bind-parameter limits.
    for (let i = 0; i < rows.length; i += 100) await db.insertInto('schedule_exceptions').values(rows.slice(i, i + 100)).execute();
  },

  async deleteClosure(db: Db, organisationId: string, id: string): Promise<void> {
    await db.deleteFrom('schedule_exceptions').where('organisation_id', '=', organisationId).where('id', '=', id).execute();
  },

  /** Booked appointments still to come (optionally of some agents, between two instants), with the names a refusal lists. */
  candidates(db: Db, organisationId: string, q: { afterIso: string; beforeIso?: string | undefined; agentIds: readonly string[] | null }): Promise<CandidateAppointment[]> {
    let query = db
      .selectFrom('appointments')
      .innerJoin('staff', 'staff.id', 'appointments.agent_id')
      .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
      .select([
        'appointments.id',
        'appointments.reference',
        'appointments.agent_id',
        'staff.display_name as agent_name',
        'procedures.name as procedure_name',
        'appointments.starts_at',
        'appointments.ends_at',
      ])
      .where('appointments.organisation_id', '=', organisationId)
      .where('appointments.status', 'in', [...PROTECTED_STATUSES])
      .where('appointments.starts_at', '>', q.afterIso);
    if (q.beforeIso) query = query.where('appointments.starts_at', '<', q.beforeIso);
    if (q.agentIds) {
      if (q.agentIds.length === 0) return Promise.resolve([]);
      query = query.where('appointments.agent_id', 'in', [...q.agentIds]);
    }
    return query.orderBy('appointments.starts_at').execute();
  },

  /** Start and agent of every appointment (not cancelled) between two instants, for the calendar's counts. */
  appointmentStarts(db: Db, organisationId: string, fromIso: string, toIso: string) {
    return db
      .selectFrom('appointments')
      .select(['starts_at', 'agent_id'])
      .where('organisation_id', '=', organisationId)
      .where('starts_at', '>=', fromIso)
      .where('starts_at', '<', toIso)
      .where('status', '<>', 'cancelled')
      .execute();
  },
};
