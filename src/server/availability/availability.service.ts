import type { AppContext } from '../context.ts';
import type { Organisation, Procedure } from '../db/schema.ts';
import { LIMITS } from '../../shared/limits.ts';
import { errors } from '../http/errors.ts';
import type { AvailabilityView } from '../booking/booking.schema.ts';
import { computeAvailability, UNIT_MS, unitOf, type BusyInterval, type DateException, type DaySlots } from './availability.engine.ts';
import { addDays, daysBetween, isCalendarDate, ZoneClock } from './zone-clock.ts';
import { availabilityRepo } from './availability.repo.ts';

/**
 * Weekly opening hours and dated exceptions change rarely (an
 * administrator's edit) and are read by every availability request, so each
 * node keeps them for a few seconds. Double booking does not depend on these
 * caches: the database refuses it.
 */
const SCHEDULE_TTL_MS = 5_000;
const scheduleCache = new Map<string, { at: number; value: Awaited<ReturnType<typeof availabilityRepo.weekly>> }>();
/** Per organisation, by "from:to" period. */
const exceptionCache = new Map<string, Map<string, { at: number; value: DateException[] }>>();
/** Bounds each organisation's exception entries (a period per month viewed, per day booked). */
const MAX_EXCEPTION_PERIODS = 500;

/** Forgets the cached opening hours and exceptions of an organisation (after they change). */
export function invalidateSchedules(organisationId: string): void {
  scheduleCache.delete(organisationId);
  exceptionCache.delete(organisationId);
}

async function weeklyHours(ctx: AppContext, organisationId: string) {
  const hit = scheduleCache.get(organisationId);
  if (hit && Date.now() - hit.at < SCHEDULE_TTL_MS) return hit.value;
  const value = await availabilityRepo.weekly(ctx.db, organisationId);
  scheduleCache.set(organisationId, { at: Date.now(), value });
  return value;
}

async function exceptionsBetween(ctx: AppContext, organisationId: string, fromDate: string, toDate: string): Promise<DateException[]> {
  const period = `${fromDate}:${toDate}`;
  let byPeriod = exceptionCache.get(organisationId);
  const hit = byPeriod?.get(period);
  if (hit && Date.now() - hit.at < SCHEDULE_TTL_MS) return hit.value;
  const value = await availabilityRepo.exceptions(ctx.db, organisationId, fromDate, toDate);
  // Looked up again: an invalidation while the query ran drops the map, and
  // what was just read may predate the change.
  byPeriod = exceptionCache.get(organisationId);
  if (!byPeriod) exceptionCache.set(organisationId, (byPeriod = new Map<string, { at: number; value: DateException[] }>()));
  if (byPeriod.size >= MAX_EXCEPTION_PERIODS) byPeriod.clear();
  byPeriod.set(period, { at: Date.now(), value });
  return value;
}

/**
 * Zone arithmetic depends only on the zone and the period, and building it
 * asks the time-zone database a dozen times (more around a DST change), as
 * much as the rest of a one-slot check; the same periods come back (the
 * month viewed, the days booked), so clocks are kept and reused.
 */
const clockCache = new Map<string, ZoneClock>();
const MAX_CLOCKS = 256;

function zoneClock(zone: string, fromDate: string, toDate: string): ZoneClock {
  const key = `${zone}:${fromDate}:${toDate}`;
  let clock = clockCache.get(key);
  if (!clock) {
    if (clockCache.size >= MAX_CLOCKS) clockCache.clear();
    clockCache.set(key, (clock = new ZoneClock(zone, fromDate, toDate)));
  }
  return clock;
}

/** Options for one availability computation. */
export interface AvailabilityRequest {
  fromDate: string;
  toDate: string;
  includeFull?: boolean;
  exceptAppointmentId?: string;
  /** Only this slot (a booking's check): reads only the appointments around it. */
  onlyStartMs?: number;
  /** Staff moving an existing appointment: the citizen's notice and advance limits do not apply. */
  ignoreNotice?: boolean;
  /**
   * With `onlyStartMs`: filled with each agent's number of appointments
   * starting within 12 hours either side, read in the same query, so a
   * booking can give the time to the least busy agent at no extra cost.
   */
  loadOut?: Map<string, number>;
}

/** Loads what a procedure's availability depends on and computes its slots. */
export async function availabilityFor(
  ctx: AppContext,
  org: Organisation,
  procedure: Procedure,
  req: AvailabilityRequest,
): Promise<DaySlots[]> {
  const zone = org.time_zone;
  if (!isCalendarDate(req.fromDate)) throw errors.validation([{ path: 'from', code: 'invalid_date' }]);
  if (!isCalendarDate(req.toDate)) throw errors.validation([{ path: 'to', code: 'invalid_date' }]);
  if (daysBetween(req.fromDate, req.toDate) > LIMITS.availabilityMaxDays) {
    throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  }
  const clock = zoneClock(zone, req.fromDate, req.toDate);
  const now = ctx.clock.now().getTime();
  const only = req.onlyStartMs;
  const [{ agentIds, weekly }, exceptions, busy] = await Promise.all([
    weeklyHours(ctx, org.id),
    exceptionsBetween(ctx, org.id, req.fromDate, req.toDate),
    only === undefined
      ? availabilityRepo.busy(
          ctx.db,
          org.id,
          clock.localToMs(req.fromDate, '00:00'),
          clock.localToMs(addDays(req.toDate, 1), '00:00'),
          req.exceptAppointmentId,
        )
      : slotBusy(ctx, org, procedure, only, req),
  ]);
  return computeAvailability({
    timeZone: zone,
    fromDate: req.fromDate,
    toDate: req.toDate,
    agentIds,
    weekly,
    exceptions,
    busy,
    durationMinutes: procedure.duration_minutes,
    bufferMinutes: procedure.buffer_minutes,
    intervalMinutes: org.slot_interval_minutes,
    earliestMs: req.ignoreNotice ? Number.NEGATIVE_INFINITY : now + procedure.min_notice_hours * 3_600_000,
    latestMs: req.ignoreNotice ? Number.POSITIVE_INFINITY : now + procedure.max_advance_days * 86_400_000,
    includeFull: req.includeFull ?? false,
    clock,
    ...(only !== undefined ? { onlyStartMs: only } : {}),
  });
}

/**
 * What a one-slot check needs of the appointments: the agents holding the
 * slot, as busy intervals covering exactly it (the engine then evaluates
 * only that slot), and with `loadOut` each agent's appointments starting
 * within 12 hours either side.
 */
async function slotBusy(ctx: AppContext, org: Organisation, procedure: Procedure, startMs: number, req: AvailabilityRequest): Promise<BusyInterval[]> {
  const HALF_DAY = 43_200_000;
  // The units the engine tests for this slot: unitOf(start) … unitOf(start + need − 1).
  const slot = { from: unitOf(startMs), to: Math.ceil((startMs + (procedure.duration_minutes + procedure.buffer_minutes) * 60_000) / UNIT_MS) };
  const load = req.loadOut ? { from: unitOf(startMs - HALF_DAY), to: unitOf(startMs + HALF_DAY) } : { from: slot.from, to: slot.from };
  const { held, loadByAgent } = await availabilityRepo.slotHolders(ctx.db, org.id, slot, load, req.exceptAppointmentId);
  if (req.loadOut) for (const [agentId, n] of loadByAgent) req.loadOut.set(agentId, n);
  return [...held].map((agentId) => ({ agentId, startUnit: slot.from, endUnit: slot.to }));
}

/** The public shape of computed days. */
export function presentAvailability(org: Organisation, days: DaySlots[]): AvailabilityView {
  return {
    timeZone: org.time_zone,
    days: days.map((d) => ({
      date: d.date,
      slots: d.slots
        .filter((s) => s.agentIds.length > 0)
        .map((s) => ({ startsAt: new Date(s.startMs).toISOString(), localTime: s.localTime, capacity: s.agentIds.length })),
    })),
  };
}

/**
 * A local date and "HH:MM" in a zone as a UTC instant, with the zone
 * arithmetic kept per day (as the one-slot check does): for callers that
 * would otherwise ask luxon, which consults Intl several times a call.
 */
export function localTimeToMs(zone: string, date: string, time: string): number {
  return zoneClock(zone, date, date).localToMs(date, time);
}

/** The local date of an instant in the organisation's zone. */
export function localDateOf(org: Pick<Organisation, 'time_zone'>, ms: number): string {
  // A clock for the instant's UTC date covers the days either side, so its
  // offsets are right for the instant; it is kept, unlike luxon's lookups.
  const utcDate = new Date(ms).toISOString().slice(0, 10);
  return zoneClock(org.time_zone, utcDate, utcDate).localDate(ms);
}
