import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Organisation, Procedure } from '../db/schema.ts';
import { LIMITS } from '../../shared/limits.ts';
import { errors } from '../http/errors.ts';
import type { AvailabilityView } from '../booking/booking.schema.ts';
import { computeAvailability, type DaySlots } from './availability.engine.ts';
import { availabilityRepo } from './availability.repo.ts';

/** Options for one availability computation. */
export interface AvailabilityRequest {
  fromDate: string;
  toDate: string;
  includeFull?: boolean;
  exceptAppointmentId?: string;
}

/** Loads what a procedure's availability depends on and computes its slots. */
export async function availabilityFor(
  ctx: AppContext,
  org: Organisation,
  procedure: Procedure,
  req: AvailabilityRequest,
): Promise<DaySlots[]> {
  const zone = org.time_zone;
  const from = DateTime.fromISO(req.fromDate, { zone });
  const to = DateTime.fromISO(req.toDate, { zone });
  if (!from.isValid || !to.isValid) throw errors.validation([{ path: 'from', code: 'invalid_date' }]);
  if (to.diff(from, 'days').days > LIMITS.availabilityMaxDays) {
    throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  }
  const now = ctx.clock.now().getTime();
  const fromIso = from.startOf('day').toUTC().toISO() ?? '';
  const toIso = to.plus({ days: 1 }).startOf('day').toUTC().toISO() ?? '';
  const [{ agentIds, weekly }, exceptions, busy] = await Promise.all([
    availabilityRepo.weekly(ctx.db, org.id),
    availabilityRepo.exceptions(ctx.db, org.id, req.fromDate, req.toDate),
    availabilityRepo.busy(ctx.db, org.id, fromIso, toIso, req.exceptAppointmentId),
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
    earliestMs: now + procedure.min_notice_hours * 3_600_000,
    latestMs: now + procedure.max_advance_days * 86_400_000,
    includeFull: req.includeFull ?? false,
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
