import { eachDate, isoWeekday, ZoneClock } from './zone-clock.ts';
import { LIMITS } from '../../shared/limits.ts';

/** Milliseconds in one occupancy unit. */
export const UNIT_MS = LIMITS.busyUnitMinutes * 60_000;

/** The occupancy unit an instant falls in (units are counted from the Unix epoch, so every zone shares them). */
export function unitOf(ms: number): number {
  return Math.floor(ms / UNIT_MS);
}

/** A weekly opening window of one agent, in local wall-clock time. */
export interface WeeklyWindow {
  staffId: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  start: string;
  end: string;
  validFrom: string | null;
  validTo: string | null;
}

/** A dated exception: a closure (whole organisation when `staffId` is null) or special hours for one agent. */
export interface DateException {
  staffId: string | null;
  date: string;
  kind: 'closed' | 'open';
  start: string | null;
  end: string | null;
}

/** An existing appointment holding an agent, in occupancy units [start, end), buffer included. */
export interface BusyInterval {
  agentId: string;
  startUnit: number;
  endUnit: number;
}

/** The occupancy units [start, end) of the interval [startMs, endMs). */
export function busyUnits(startMs: number, endMs: number): { busy_start_unit: number; busy_end_unit: number } {
  return { busy_start_unit: unitOf(startMs), busy_end_unit: Math.ceil(endMs / UNIT_MS) };
}

/** Everything the slot computation needs; no I/O happens inside it. */
export interface AvailabilityInput {
  timeZone: string;
  /** Local dates, inclusive, "YYYY-MM-DD". */
  fromDate: string;
  toDate: string;
  agentIds: readonly string[];
  weekly: readonly WeeklyWindow[];
  exceptions: readonly DateException[];
  busy: readonly BusyInterval[];
  durationMinutes: number;
  bufferMinutes: number;
  /** Distance between slot starts, minutes. */
  intervalMinutes: number;
  /** No slot starts before this instant (now + minimum notice). */
  earliestMs: number;
  /** No slot starts after this instant (now + maximum advance). */
  latestMs: number;
  /** Also list slots whose agents are all busy (capacity 0). */
  includeFull?: boolean;
  /** Evaluate only the slot starting at this instant (a booking's check). */
  onlyStartMs?: number;
  /** Zone arithmetic already built for this period by the caller. */
  clock?: ZoneClock;
}

/** One bookable start time and the agents free for it. */
export interface Slot {
  startMs: number;
  /** "HH:MM" local. */
  localTime: string;
  /** Agents free for the whole duration plus buffer; capacity is its length. */
  agentIds: string[];
}

/** The slots of one local date. */
export interface DaySlots {
  date: string;
  slots: Slot[];
}

interface Window {
  startMs: number;
  endMs: number;
}

/** Removes `cut` from each window, splitting where needed. */
function subtract(windows: Window[], cut: Window): Window[] {
  const out: Window[] = [];
  for (const w of windows) {
    if (cut.endMs <= w.startMs || cut.startMs >= w.endMs) {
      out.push(w);
      continue;
    }
    if (cut.startMs > w.startMs) out.push({ startMs: w.startMs, endMs: cut.startMs });
    if (cut.endMs < w.endMs) out.push({ startMs: cut.endMs, endMs: w.endMs });
  }
  return out;
}

/** Each agent's weekly windows by ISO weekday (index 1–7). */
type WeeklyIndex = Map<string, WeeklyWindow[][]>;

/**
 * Indexes of the weekly windows, kept for as long as the caller keeps the
 * array (the service caches the opening hours for a few seconds): building
 * one for 50 agents costs more than the rest of a one-slot check.
 */
const weeklyIndexes = new WeakMap<readonly WeeklyWindow[], WeeklyIndex>();

function weeklyIndex(weekly: readonly WeeklyWindow[]): WeeklyIndex {
  let index = weeklyIndexes.get(weekly);
  if (index) return index;
  index = new Map();
  for (const w of weekly) {
    let days = index.get(w.staffId);
    if (!days) index.set(w.staffId, (days = [[], [], [], [], [], [], [], []]));
    days[w.weekday]?.push(w);
  }
  weeklyIndexes.set(weekly, index);
  return index;
}

/**
 * An agent's opening windows on one local date, as UTC instants: the weekly
 * pattern (or that day's special hours) minus closures. Local wall-clock
 * times are converted with the organisation's zone on that very date, which
 * is what makes slots right across the DST changes.
 */
function agentWindows(
  weeklyByAgent: WeeklyIndex,
  clock: ZoneClock,
  agentId: string,
  date: string,
  weekday: number,
  orgClosures: readonly DateException[],
  agentExceptions: readonly DateException[],
): Window[] {
  if (agentExceptions.length === 0 && orgClosures.length === 0) {
    // The usual day (no exception): the weekly windows as they are, built
    // without the intermediate arrays below — this runs once per agent and day.
    const windows: Window[] = [];
    for (const w of weeklyByAgent.get(agentId)?.[weekday] ?? []) {
      if ((w.validFrom !== null && w.validFrom > date) || (w.validTo !== null && date > w.validTo)) continue;
      const startMs = clock.localToMs(date, w.start);
      const endMs = clock.localToMs(date, w.end);
      if (endMs > startMs) windows.push({ startMs, endMs });
    }
    return windows;
  }
  const special = agentExceptions.filter((e) => e.kind === 'open' && e.start && e.end);
  let windows: Window[] = special.length
    ? special.map((e) => ({ startMs: clock.localToMs(date, e.start ?? '00:00'), endMs: clock.localToMs(date, e.end ?? '24:00') }))
    : (weeklyByAgent.get(agentId)?.[weekday] ?? [])
        .filter((w) => (w.validFrom === null || w.validFrom <= date) && (w.validTo === null || date <= w.validTo))
        .map((w) => ({ startMs: clock.localToMs(date, w.start), endMs: clock.localToMs(date, w.end) }));
  for (const c of [...orgClosures, ...agentExceptions.filter((e) => e.kind === 'closed')]) {
    if (!c.start || !c.end) return [];
    windows = subtract(windows, { startMs: clock.localToMs(date, c.start), endMs: clock.localToMs(date, c.end) });
  }
  return windows.filter((w) => w.endMs > w.startMs);
}

/**
 * Computes the bookable slots of a procedure between two local dates.
 * A slot is offered when at least one agent is open for the whole
 * duration + buffer and holds no appointment overlapping it; its capacity is
 * the number of such agents. Slots step by `intervalMinutes` in real time
 * from each window's start, so a window that spans a DST change has exactly
 * the real minutes it covers.
 */
export function computeAvailability(input: AvailabilityInput): DaySlots[] {
  const clock = input.clock ?? new ZoneClock(input.timeZone, input.fromDate, input.toDate);
  const needMs = (input.durationMinutes + input.bufferMinutes) * 60_000;
  const stepMs = input.intervalMinutes * 60_000;

  // Busy units per agent as a bitmap over the period (one byte a unit): an
  // array index per unit is the cheapest test in the inner loop.
  const dates = eachDate(input.fromDate, input.toDate);
  const only = input.onlyStartMs;
  // For one slot only its own units matter: a few bytes an agent instead of
  // three days' worth (allocating those was most of a booking's check).
  const baseUnit = only !== undefined ? unitOf(only) : unitOf(clock.localToMs(input.fromDate, '00:00')) - 288;
  const unitCount = only !== undefined ? unitOf(only + needMs - 1) - baseUnit + 1 : (dates.length + 2) * 288;
  const busyByAgent = new Map<string, Uint8Array>();
  for (const b of input.busy) {
    let map = busyByAgent.get(b.agentId);
    if (!map) busyByAgent.set(b.agentId, (map = new Uint8Array(unitCount)));
    const first = Math.max(0, b.startUnit - baseUnit);
    const last = Math.min(unitCount - 1, b.endUnit - 1 - baseUnit);
    for (let u = first; u <= last; u++) map[u] = 1;
  }
  const weeklyByAgent = weeklyIndex(input.weekly);
  const exceptionsByDate = new Map<string, DateException[]>();
  for (const e of input.exceptions) {
    const list = exceptionsByDate.get(e.date);
    if (list) list.push(e);
    else exceptionsByDate.set(e.date, [e]);
  }

  const days: DaySlots[] = [];
  for (const date of dates) {
    const weekday = isoWeekday(date);
    const dayExceptions = exceptionsByDate.get(date) ?? [];
    const orgClosures = dayExceptions.filter((e) => e.staffId === null && e.kind === 'closed');
    const bySlot = new Map<number, string[]>();
    if (!orgClosures.some((c) => !c.start || !c.end)) {
      for (const agentId of input.agentIds) {
        const windows = agentWindows(
          weeklyByAgent,
          clock,
          agentId,
          date,
          weekday,
          orgClosures,
          dayExceptions.length === 0 ? dayExceptions : dayExceptions.filter((e) => e.staffId === agentId),
        );
        const busy = busyByAgent.get(agentId);
        for (const w of windows) {
          let first = w.startMs;
          let stop = w.endMs;
          if (only !== undefined) {
            if (only < w.startMs || (only - w.startMs) % stepMs !== 0) continue;
            first = only;
            stop = Math.min(w.endMs, only + needMs);
          }
          for (let s = first; s + needMs <= stop; s += stepMs) {
            if (s < input.earliestMs || s > input.latestMs) {
              continue;
            }
            let free = true;
            if (busy) {
              const last = Math.min(unitCount - 1, unitOf(s + needMs - 1) - baseUnit);
              for (let u = Math.max(0, unitOf(s) - baseUnit); u <= last; u++) {
                if (busy[u] === 1) {
                  free = false;
                  break;
                }
              }
            }
            let agents = bySlot.get(s);
            if (!agents) {
              if (!free && !input.includeFull) continue;
              bySlot.set(s, (agents = []));
            }
            if (free) agents.push(agentId);
          }
        }
      }
    }
    const slots = [...bySlot.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([startMs, agentIds]) => ({
        startMs,
        localTime: clock.localTime(startMs),
        agentIds,
      }));
    days.push({ date, slots });
  }
  return days;
}
