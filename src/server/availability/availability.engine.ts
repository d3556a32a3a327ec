import { DateTime } from 'luxon';
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

/** An existing appointment holding an agent, as UTC milliseconds. */
export interface BusyInterval {
  agentId: string;
  startMs: number;
  /** End including the buffer after it. */
  endMs: number;
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

/** Converts a local date and "HH:MM" to a UTC instant; a time inside a DST gap moves forward (luxon's rule). */
function localToMs(date: string, time: string, zone: string): number {
  if (time === '24:00') return DateTime.fromISO(date, { zone }).plus({ days: 1 }).toMillis();
  return DateTime.fromISO(`${date}T${time}`, { zone }).toMillis();
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

/** Every local date from `from` to `to` inclusive. */
export function eachDate(from: string, to: string, zone: string): string[] {
  const dates: string[] = [];
  let d = DateTime.fromISO(from, { zone });
  const end = DateTime.fromISO(to, { zone });
  while (d <= end && dates.length <= 400) {
    dates.push(d.toISODate() ?? from);
    d = d.plus({ days: 1 });
  }
  return dates;
}

/**
 * An agent's opening windows on one local date, as UTC instants: the weekly
 * pattern (or that day's special hours) minus closures. Local wall-clock
 * times are converted with the organisation's zone on that very date, which
 * is what makes slots right across the DST changes.
 */
function agentWindows(
  input: AvailabilityInput,
  agentId: string,
  date: string,
  weekday: number,
  orgClosures: readonly DateException[],
  agentExceptions: readonly DateException[],
): Window[] {
  const zone = input.timeZone;
  const special = agentExceptions.filter((e) => e.kind === 'open' && e.start && e.end);
  let windows: Window[] = special.length
    ? special.map((e) => ({ startMs: localToMs(date, e.start ?? '00:00', zone), endMs: localToMs(date, e.end ?? '24:00', zone) }))
    : input.weekly
        .filter(
          (w) =>
            w.staffId === agentId &&
            w.weekday === weekday &&
            (w.validFrom === null || w.validFrom <= date) &&
            (w.validTo === null || date <= w.validTo),
        )
        .map((w) => ({ startMs: localToMs(date, w.start, zone), endMs: localToMs(date, w.end, zone) }));
  for (const c of [...orgClosures, ...agentExceptions.filter((e) => e.kind === 'closed')]) {
    if (!c.start || !c.end) return [];
    windows = subtract(windows, { startMs: localToMs(date, c.start, zone), endMs: localToMs(date, c.end, zone) });
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
  const zone = input.timeZone;
  const needMs = (input.durationMinutes + input.bufferMinutes) * 60_000;
  const stepMs = input.intervalMinutes * 60_000;

  // Busy units per agent: a Set lookup per unit is cheaper than interval searches.
  const busyByAgent = new Map<string, Set<number>>();
  for (const b of input.busy) {
    let set = busyByAgent.get(b.agentId);
    if (!set) busyByAgent.set(b.agentId, (set = new Set()));
    for (let u = unitOf(b.startMs); u * UNIT_MS < b.endMs; u++) set.add(u);
  }
  const exceptionsByDate = new Map<string, DateException[]>();
  for (const e of input.exceptions) {
    const list = exceptionsByDate.get(e.date);
    if (list) list.push(e);
    else exceptionsByDate.set(e.date, [e]);
  }

  const days: DaySlots[] = [];
  for (const date of eachDate(input.fromDate, input.toDate, zone)) {
    const weekday = DateTime.fromISO(date, { zone }).weekday;
    const dayExceptions = exceptionsByDate.get(date) ?? [];
    const orgClosures = dayExceptions.filter((e) => e.staffId === null && e.kind === 'closed');
    const bySlot = new Map<number, string[]>();
    if (!orgClosures.some((c) => !c.start || !c.end)) {
      for (const agentId of input.agentIds) {
        const windows = agentWindows(
          input,
          agentId,
          date,
          weekday,
          orgClosures,
          dayExceptions.filter((e) => e.staffId === agentId),
        );
        const busy = busyByAgent.get(agentId);
        for (const w of windows) {
          for (let s = w.startMs; s + needMs <= w.endMs; s += stepMs) {
            if (s < input.earliestMs || s > input.latestMs) {
              continue;
            }
            let free = true;
            if (busy) {
              const last = unitOf(s + needMs - 1);
              for (let u = unitOf(s); u <= last; u++) {
                if (busy.has(u)) {
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
        localTime: DateTime.fromMillis(startMs, { zone }).toFormat('HH:mm'),
        agentIds,
      }));
    days.push({ date, slots });
  }
  return days;
}
