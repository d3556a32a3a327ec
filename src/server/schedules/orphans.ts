/**
 * Orphan protection: a change to opening hours or closures is applied in a
 * transaction, and undone with a 409 listing the appointments it would
 * leave outside their agent's hours. Whether an appointment fits is asked
 * of the availability engine itself (the rules bookings are made by), for
 * its exact start and duration, before and after the change: only the
 * appointments that fitted before and no longer do are the change's doing.
 */
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Organisation } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { computeAvailability, type DateException, type WeeklyWindow } from '../availability/availability.engine.ts';
import { availabilityRepo } from '../availability/availability.repo.ts';
import { invalidateSchedules, localTimeToMs } from '../availability/availability.service.ts';
import { addDays, ZoneClock } from '../availability/zone-clock.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { schedulesRepo, type CandidateAppointment } from './schedules.repo.ts';
import type { OrphanView } from './schedules.schema.ts';

/** Which appointments a change can touch: some agents' (null: everyone's), optionally only between two local dates. */
export interface ChangeScope {
  agentIds: readonly string[] | null;
  fromDate?: string;
  toDate?: string;
}

interface HoursState {
  weekly: WeeklyWindow[];
  exceptions: DateException[];
}

/** True when the agent is open for the whole of the appointment, by the engine's rules. */
export function fitsHours(org: Organisation, clock: ZoneClock, state: HoursState, a: Pick<CandidateAppointment, 'agent_id' | 'starts_at' | 'ends_at'>): boolean {
  const startMs = Date.parse(a.starts_at);
  const endMs = Date.parse(a.ends_at);
  const date = clock.localDate(startMs);
  const [day] = computeAvailability({
    timeZone: org.time_zone,
    fromDate: date,
    toDate: date,
    agentIds: [a.agent_id],
    weekly: state.weekly,
    exceptions: state.exceptions,
    busy: [],
    durationMinutes: Math.max(1, Math.round((endMs - startMs) / 60_000)),
    // The buffer after an appointment may run past closing time; the appointment itself may not.
    bufferMinutes: 0,
    // A one-minute step: any start inside a window is tested, whatever the slot grid was when it was booked.
    intervalMinutes: 1,
    earliestMs: Number.NEGATIVE_INFINITY,
    latestMs: Number.POSITIVE_INFINITY,
    onlyStartMs: startMs,
    clock,
  });
  return day?.slots.some((s) => s.startMs === startMs && s.agentIds.includes(a.agent_id)) ?? false;
}

async function hoursState(db: Db, org: Organisation, agentIds: readonly string[], fromDate: string, toDate: string): Promise<HoursState> {
  const [weekly, exceptions] = await Promise.all([schedulesRepo.weeklyOf(db, org.id, agentIds), availabilityRepo.exceptions(db, org.id, fromDate, toDate)]);
  return { weekly, exceptions };
}

/** The refusal's view of an appointment: reference, local date and time, procedure and agent. */
function presentOrphan(a: CandidateAppointment, clock: ZoneClock, lang: string): OrphanView {
  const ms = Date.parse(a.starts_at);
  return {
    id: a.id,
    reference: a.reference,
    date: clock.localDate(ms),
    time: clock.localTime(ms),
    procedure: pickLocalised(localised(a.procedure_name), lang),
    agentId: a.agent_id,
    agent: a.agent_name,
  };
}

/** At most this many appointments are listed in a refusal (the count says how many there are). */
const MAX_LISTED = 100;

/**
 * Runs `apply` in a transaction and commits it only when no booked future
 * appointment in `scope` is left outside its agent's hours; otherwise
 * rolls back and throws 409 `schedule_orphans` with the list. After a
 * commit the availability caches of the organisation are dropped, so the
 * public availability shows the change at once.
 */
export async function applyWithoutOrphans<T>(ctx: AppContext, org: Organisation, scope: ChangeScope, lang: string, apply: (trx: Db) => Promise<T>): Promise<T> {
  const nowIso = ctx.clock.now().toISOString();
  const beforeIso = scope.toDate ? new Date(localTimeToMs(org.time_zone, addDays(scope.toDate, 1), '00:00')).toISOString() : undefined;
  const afterIso = scope.fromDate ? [nowIso, new Date(localTimeToMs(org.time_zone, scope.fromDate, '00:00')).toISOString()].sort()[1] ?? nowIso : nowIso;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const candidates = await schedulesRepo.candidates(trx, org.id, { afterIso, beforeIso, agentIds: scope.agentIds });
    if (candidates.length === 0) return apply(trx);
    const first = candidates[0];
    const last = candidates[candidates.length - 1];
    if (!first || !last) return apply(trx);
    const fromDate = new ZoneClock(org.time_zone, first.starts_at.slice(0, 10), first.starts_at.slice(0, 10)).localDate(Date.parse(first.starts_at));
    const toDate = addDays(last.starts_at.slice(0, 10), 1);
    const clock = new ZoneClock(org.time_zone, addDays(fromDate, -1), toDate);
    const agentIds = [...new Set(candidates.map((c) => c.agent_id))];
    const before = await hoursState(trx, org, agentIds, fromDate, toDate);
    const fitted = candidates.filter((c) => fitsHours(org, clock, before, c));
    const value = await apply(trx);
    if (fitted.length === 0) return value;
    const after = await hoursState(trx, org, agentIds, fromDate, toDate);
    const orphans = fitted.filter((c) => !fitsHours(org, clock, after, c));
    if (orphans.length > 0) {
      throw errors.conflict('schedule_orphans', { count: orphans.length, appointments: orphans.slice(0, MAX_LISTED).map((o) => presentOrphan(o, clock, lang)) });
    }
    return value;
  });
  invalidateSchedules(org.id);
  return result;
}
