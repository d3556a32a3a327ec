import { sql } from 'kysely';
import { precompiled, type Db } from '../db/database.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { UNIT_MS, unitOf, type BusyInterval, type DateException, type WeeklyWindow } from './availability.engine.ts';

/**
 * `slotHolders`' statement, compiled once (see `precompiled`); every bound
 * is computed by the caller. One row: the agents of the appointments that
 * overlap the slot, and of those that start in the load window, each as a
 * comma-separated list. Aggregating without GROUP BY spares SQLite sorting
 * the day's appointments by agent, which cost several times the scan.
 */
const holders = precompiled(
  (
    db,
    v: {
      organisationId: string;
      slotFrom: number;
      slotTo: number;
      loadFrom: number;
      loadTo: number;
      startAfter: number;
      startBefore: number;
      endAfter: number;
      exceptAppointmentId: string | undefined;
    },
  ) =>
    db
      .selectFrom('appointments')
      .select((eb) => [
        eb.fn
          .agg<string | null>('string_agg', [
            eb
              .case()
              .when(eb.and([eb('busy_start_unit', '<', v.slotTo), eb('busy_end_unit', '>', v.slotFrom)]))
              .then(eb.ref('agent_id'))
              .end(),
            sql.lit(','),
          ])
          .as('held'),
        eb.fn
          .agg<string | null>('string_agg', [
            eb
              .case()
              .when(eb.and([eb('busy_start_unit', '>=', v.loadFrom), eb('busy_start_unit', '<', v.loadTo)]))
              .then(eb.ref('agent_id'))
              .end(),
            sql.lit(','),
          ])
          .as('starting'),
      ])
      .where('organisation_id', '=', v.organisationId)
      .where('busy_start_unit', '>', v.startAfter)
      .where('busy_start_unit', '<', v.startBefore)
      .where('busy_end_unit', '>', v.endAfter)
      .where('status', 'in', [...OPEN_STATUSES])
      .$if(v.exceptAppointmentId !== undefined, (q) => q.where('id', '<>', v.exceptAppointmentId ?? '')),
);

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
      // Named as the engine wants them: a month is thousands of rows, not copied again.
      .select(['agent_id as agentId', 'busy_start_unit as startUnit', 'busy_end_unit as endUnit'])
      .where('organisation_id', '=', organisationId)
      .where('busy_start_unit', '>', fromUnit - 288)
      .where('busy_start_unit', '<', toUnit)
      .where('busy_end_unit', '>', fromUnit)
      .where('status', 'in', [...OPEN_STATUSES]);
    if (exceptAppointmentId) q = q.where('id', '<>', exceptAppointmentId);
    return q.execute();
  },

  /**
   * For one slot, units [slot.from, slot.to): the agents with an open
   * appointment overlapping it, and how many open appointments each agent
   * has starting within [load.from, load.to). Read in one aggregate over the
   * same covering index and bounds as `busy`, so a booking's check does not
   * bring every appointment of the day and a half around it back to
   * JavaScript — those rows were most of its cost.
   */
  async slotHolders(
    db: Db,
    organisationId: string,
    slot: { from: number; to: number },
    load: { from: number; to: number },
    exceptAppointmentId?: string,
  ): Promise<{ held: Set<string>; loadByAgent: Map<string, number> }> {
    const { rows } = await holders(db, {
      organisationId,
      slotFrom: slot.from,
      slotTo: slot.to,
      loadFrom: load.from,
      loadTo: load.to,
      startAfter: Math.min(slot.from - 288, load.from - 1),
      startBefore: Math.max(slot.to, load.to),
      endAfter: Math.min(slot.from, load.from),
      exceptAppointmentId,
    });
    const row = rows[0];
    // Agent ids are UUIDs: no commas inside. Counted in a plain dictionary,
    // which V8 fills faster than a Map from a few hundred fresh strings.
    const held = new Set(row?.held ? row.held.split(',') : []);
    const counts: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const agentId of row?.starting ? row.starting.split(',') : []) counts[agentId] = (counts[agentId] ?? 0) + 1;
    return { held, loadByAgent: new Map(Object.entries(counts)) };
  },
};
