import type { Db } from '../db/database.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { UNIT_MS, unitOf, type BusyInterval, type DateException, type WeeklyWindow } from './availability.engine.ts';

/** SQL feeding the slot computation; every query is scoped to the organisation. */
export const availabilityRepo = {
  /** Weekly windows of active staff that attend citizens. */
  async weekly(db: Db, organisationId: string): Promise<{ agentIds: string[]; weekly: WeeklyWindow[] }> {
    const rows = await db
      .selectFrom('agent_schedules')
      .innerJoin('staff', 'staff.id', 'agent_schedules.staff_id')
      .select([
        'agent_schedules.staff_id',
        'agent_schedules.weekday',
        'agent_schedules.start_time',
        'agent_schedules.end_time',
        'agent_schedules.valid_from',
        'agent_schedules.valid_to',
      ])
      .where('agent_schedules.organisation_id', '=', organisationId)
      .where('staff.active', '=', 1)
      .orderBy('agent_schedules.staff_id')
      .execute();
    const weekly = rows.map((r) => ({
      staffId: r.staff_id,
      weekday: r.weekday,
      start: r.start_time,
      end: r.end_time,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    }));
    return { agentIds: [...new Set(weekly.map((w) => w.staffId))], weekly };
  },

  async exceptions(db: Db, organisationId: string, fromDate: string, toDate: string): Promise<DateException[]> {
    const rows = await db
      .selectFrom('schedule_exceptions')
      .select(['staff_id', 'date', 'kind', 'start_time', 'end_time'])
      .where('organisation_id', '=', organisationId)
      .where('date', '>=', fromDate)
      .where('date', '<=', toDate)
      .execute();
    return rows.map((r) => ({ staffId: r.staff_id, date: r.date, kind: r.kind, start: r.start_time, end: r.end_time }));
  },

  /**
   * Appointments that hold an agent between two instants (buffer included). `exceptAppointmentId` lets a citizen who reschedules
   * see their own time as free.
   */
  async busy(
    db: Db,
    organisationId: string,
    fromMs: number,
    toMs: number,
    exceptAppointmentId?: string,
  ): Promise<BusyInterval[]> {
    // Served by the covering index appointments_busy: no table lookups.
    // No appointment lasts a day, so a lower bound on the start keeps the
    // index range to the period instead of everything before it.
    const fromUnit = unitOf(fromMs);
    const toUnit = Math.ceil(toMs / UNIT_MS);
    let q = db
      .selectFrom('appointments')
      .select(['agent_id', 'busy_start_unit', 'busy_end_unit'])
      .where('organisation_id', '=', organisationId)
      .where('busy_start_unit', '>', fromUnit - 288)
      .where('busy_start_unit', '<', toUnit)
      .where('busy_end_unit', '>', fromUnit)
      .where('status', 'in', [...OPEN_STATUSES]);
    if (exceptAppointmentId) q = q.where('id', '<>', exceptAppointmentId);
    const rows = await q.execute();
    return rows.map((r) => ({ agentId: r.agent_id, startUnit: r.busy_start_unit, endUnit: r.busy_end_unit }));
  },
};
