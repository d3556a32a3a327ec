import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Organisation, Procedure } from '../db/schema.ts';
import { LIMITS } from '../../shared/limits.ts';
import { errors } from '../http/errors.ts';
import type { AvailabilityView } from '../booking/booking.schema.ts';
import { computeAvailability, unitOf, type DaySlots } from './availability.engine.ts';
import { addDays, daysBetween, isCalendarDate, ZoneClock } from './zone-clock.ts';
import { availabilityRepo } from './availability.repo.ts';

/**
 * Weekly opening hours change rarely (an administrator's edit) and are read
 * by every availability request, so each node keeps them for a few seconds.
 * Double booking does not depend on this cache: the database refuses it.
 */
const SCHEDULE_TTL_MS = 5_000;
const scheduleCache = new Map<string, { at: number; value: Awaited<ReturnType<typeof availabilityRepo.weekly>> }>();

/** Forgets the cached opening hours of an organisation (after they change). */
export function invalidateSchedules(organisationId: string): void {
  scheduleCache.delete(organisationId);
}

async function weeklyHours(ctx: AppContext, organisationId: string) {
  const hit = scheduleCache.get(organisationId);
  if (hit && Date.now() - hit.at < SCHEDULE_TTL_MS) return hit.value;
  const value = await availabilityRepo.weekly(ctx.db, organisationId);
  scheduleCache.set(organisationId, { at: Date.now(), value });
  return value;
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
  const clock = new ZoneClock(zone, req.fromDate, req.toDate);
  const now = ctx.clock.now().getTime();
  const only = req.onlyStartMs;
  // For one slot, the appointments that can overlap it start before its end
  // and are held after its start.
  const HALF_DAY = 43_200_000;
  const fromMs = only !== undefined ? only - (req.loadOut ? HALF_DAY : 0) : clock.localToMs(req.fromDate, '00:00');
  const toMs =
    only !== undefined
      ? Math.max(only + (procedure.duration_minutes + procedure.buffer_minutes) * 60_000, req.loadOut ? only + HALF_DAY : 0)
      : clock.localToMs(addDays(req.toDate, 1), '00:00');
  const [{ agentIds, weekly }, exceptions, busy] = await Promise.all([
    weeklyHours(ctx, org.id),
    availabilityRepo.exceptions(ctx.db, org.id, req.fromDate, req.toDate),
    availabilityRepo.busy(ctx.db, org.id, fromMs, toMs, req.exceptAppointmentId),
  ]);
  if (only !== undefined && req.loadOut) {
    const [first, last] = [unitOf(only - HALF_DAY), unitOf(only + HALF_DAY)];
    for (const b of busy) if (b.startUnit >= first && b.startUnit < last) req.loadOut.set(b.agentId, (req.loadOut.get(b.agentId) ?? 0) + 1);
  }
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

/** The local date of an instant in the organisation's zone. */
export function localDateOf(org: Organisation, ms: number): string {
  return DateTime.fromMillis(ms, { zone: org.time_zone }).toISODate() ?? '';
}
