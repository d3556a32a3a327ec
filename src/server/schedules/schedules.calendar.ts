/**
 * The capacity calendar: for each day of a month, the agent-hours open and
 * free and the appointments booked, optionally for one office or one agent.
 * The hours come from the availability engine itself (5-minute slots over
 * the same windows, closures and appointments bookings see), so the
 * calendar shows exactly what booking will offer.
 */
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { computeAvailability, type DaySlots } from '../availability/availability.engine.ts';
import { availabilityRepo } from '../availability/availability.repo.ts';
import { addDays, eachDate, isoWeekday, ZoneClock } from '../availability/zone-clock.ts';
import { LIMITS } from '../../shared/limits.ts';
import { schedulesRepo, toWeekly } from './schedules.repo.ts';
import type { CalendarView } from './schedules.schema.ts';

const UNIT = LIMITS.busyUnitMinutes;

/** The last day of a month "YYYY-MM". */
export function lastDayOf(month: string): string {
  return addDays(`${month === '9999-12' ? month : nextMonth(month)}-01`, -1);
}

function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

/** Agent-minutes and agents per date from the engine's slots (each 5-minute slot of each agent counts 5 minutes). */
function minutesByDate(days: DaySlots[]): Map<string, { minutes: number; agents: Set<string> }> {
  const out = new Map<string, { minutes: number; agents: Set<string> }>();
  for (const d of days) {
    const agents = new Set<string>();
    let minutes = 0;
    for (const s of d.slots) {
      minutes += s.agentIds.length * UNIT;
      for (const a of s.agentIds) agents.add(a);
    }
    out.set(d.date, { minutes, agents });
  }
  return out;
}

/** The calendar of one month. */
export async function capacityCalendar(ctx: AppContext, org: Organisation, q: { month: string; officeId: string | null; staffId: string | null }): Promise<CalendarView> {
  const fromDate = `${q.month}-01`;
  const toDate = lastDayOf(q.month);
  const clock = new ZoneClock(org.time_zone, fromDate, toDate);
  const fromMs = clock.localToMs(fromDate, '00:00');
  const toMs = clock.localToMs(addDays(toDate, 1), '00:00');
  const [windows, active, memberships, offices, exceptions, busy, starts, closures] = await Promise.all([
    schedulesRepo.windowOffices(ctx.db, org.id),
    availabilityRepo.weekly(ctx.db, org.id),
    schedulesRepo.memberships(ctx.db, org.id),
    schedulesRepo.offices(ctx.db, org.id),
    availabilityRepo.exceptions(ctx.db, org.id, fromDate, toDate),
    availabilityRepo.busy(ctx.db, org.id, fromMs, toMs),
    schedulesRepo.appointmentStarts(ctx.db, org.id, new Date(fromMs).toISOString(), new Date(toMs).toISOString()),
    schedulesRepo.closures(ctx.db, org.id, fromDate, toDate),
  ]);
  const activeIds = new Set(active.agentIds);
  const inOffice = (staffId: string) => memberships.some((m) => m.staff_id === staffId && m.id === q.officeId);
  // A window worked at the office, or one that names no office of an agent who belongs to it.
  const chosen = windows.filter(
    (w) => activeIds.has(w.staff_id) && (!q.staffId || w.staff_id === q.staffId) && (!q.officeId || w.office_id === q.officeId || (w.office_id === null && inOffice(w.staff_id))),
  );
  const weekly = chosen.map(toWeekly);
  const agentIds = [...new Set(weekly.map((w) => w.staffId))];
  const common = {
    timeZone: org.time_zone,
    fromDate,
    toDate,
    agentIds,
    weekly,
    exceptions,
    durationMinutes: UNIT,
    bufferMinutes: 0,
    intervalMinutes: UNIT,
    earliestMs: Number.NEGATIVE_INFINITY,
    latestMs: Number.POSITIVE_INFINITY,
    includeFull: true,
    clock,
  };
  const open = minutesByDate(computeAvailability({ ...common, busy: [] }));
  const agentSet = new Set(agentIds);
  const free = minutesByDate(computeAvailability({ ...common, busy: busy.filter((b) => agentSet.has(b.agentId)) }));
  const counted = starts.filter((s) => (q.staffId ? s.agent_id === q.staffId : !q.officeId || agentSet.has(s.agent_id) || inOffice(s.agent_id)));
  const booked = new Map<string, number>();
  for (const s of counted) {
    const date = clock.localDate(Date.parse(s.starts_at));
    booked.set(date, (booked.get(date) ?? 0) + 1);
  }
  const staffNames = new Map((await schedulesRepo.staff(ctx.db, org.id)).map((s) => [s.id, s.display_name]));
  return {
    month: q.month,
    timeZone: org.time_zone,
    days: eachDate(fromDate, toDate).map((date) => {
      const closure = closures.find((e) => e.date === date && e.staff_id === null && e.kind === 'closed' && e.start_time === null);
      const ownExceptions = new Set(closures.filter((e) => e.date === date && e.staff_id !== null && (q.staffId ? e.staff_id === q.staffId : !q.officeId || agentSet.has(e.staff_id) || inOffice(e.staff_id))).map((e) => e.staff_id));
      return {
        date,
        weekday: isoWeekday(date),
        openMinutes: open.get(date)?.minutes ?? 0,
        freeMinutes: free.get(date)?.minutes ?? 0,
        appointments: booked.get(date) ?? 0,
        agents: open.get(date)?.agents.size ?? 0,
        closedReason: closure ? closure.reason : null,
        agentExceptions: ownExceptions.size,
      };
    }),
    offices: offices.map((o) => ({ id: o.id, name: o.name })),
    agents: active.agentIds.map((id) => ({ id, name: staffNames.get(id) ?? id })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
