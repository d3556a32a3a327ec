import { DateTime } from 'luxon';

const WEEK_MS = 7 * 86_400_000;

/** Parses "YYYY-MM-DD" into its numbers. */
export function ymd(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/**
 * Zone arithmetic for one computation. Asking the time-zone database (Intl,
 * through luxon) is by far the costliest step of a month's slots, so the
 * zone's offsets over the period are found once — sampled weekly, with any
 * change located by bisection to the minute — and every local time is then
 * converted with plain arithmetic. A local time that falls in a DST gap is
 * left to luxon, which moves it forward.
 */
export class ZoneClock {
  /** Offsets in force from each instant on, ascending. */
  private segments: { fromMs: number; offset: number }[] = [];
  /**
   * Converted times by date, then time: the date and time strings passed in
   * are mostly the same objects over and over (one per day of the period,
   * one per opening hour), whose hashes the engine keeps, while a joined
   * "dateTtime" key would be a new string to hash on every call.
   */
  private cache = new Map<string, Map<string, number>>();

  constructor(
    private readonly zone: string,
    fromDate: string,
    toDate: string,
  ) {
    const [fy, fm, fd] = ymd(fromDate);
    const [ty, tm, td] = ymd(toDate);
    const start = Date.UTC(fy, fm - 1, fd) - 2 * 86_400_000;
    const end = Date.UTC(ty, tm - 1, td) + 3 * 86_400_000;
    let prevMs = start;
    let prev = this.lookup(start);
    this.segments.push({ fromMs: Number.NEGATIVE_INFINITY, offset: prev });
    // Zones change offset at most every few weeks (Morocco's Ramadan rule is
    // the tightest, about a month apart): weekly samples cannot miss a change.
    for (let t = Math.min(start + WEEK_MS, end); ; t = Math.min(t + WEEK_MS, end)) {
      const off = this.lookup(t);
      if (off !== prev) {
        // Bisect to the minute at which the offset changes.
        let lo = prevMs;
        let hi = t;
        while (hi - lo > 60_000) {
          const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
          if (this.lookup(mid) === prev) lo = mid;
          else hi = mid;
        }
        this.segments.push({ fromMs: hi, offset: off });
        prev = off;
      }
      prevMs = t;
      if (t === end) break;
    }
  }

  private lookup(ms: number): number {
    return DateTime.fromMillis(ms, { zone: this.zone }).offset;
  }

  /** UTC offset in minutes at an instant. */
  offsetAt(ms: number): number {
    let offset = this.segments[0]?.offset ?? 0;
    for (const seg of this.segments) {
      if (seg.fromMs > ms) break;
      offset = seg.offset;
    }
    return offset;
  }

  /** A local date and "HH:MM" as a UTC instant. */
  localToMs(date: string, time: string): number {
    let byTime = this.cache.get(date);
    if (!byTime) this.cache.set(date, (byTime = new Map<string, number>()));
    const hit = byTime.get(time);
    if (hit !== undefined) return hit;
    const [y, m, d] = ymd(date);
    const wall = Date.UTC(y, m - 1, d, Number(time.slice(0, 2)), Number(time.slice(3, 5)));
    const first = wall - this.offsetAt(wall) * 60_000;
    const offset = this.offsetAt(first);
    let ms = wall - offset * 60_000;
    if (this.offsetAt(ms) !== offset) {
      ms =
        time === '24:00'
          ? DateTime.fromISO(date, { zone: this.zone }).plus({ days: 1 }).toMillis()
          : DateTime.fromISO(`${date}T${time}`, { zone: this.zone }).toMillis();
    }
    byTime.set(time, ms);
    return ms;
  }

  /** The local calendar date of an instant. */
  localDate(ms: number): string {
    return new Date(ms + this.offsetAt(ms) * 60_000).toISOString().slice(0, 10);
  }

  /** "HH:MM" local for an instant. */
  localTime(ms: number): string {
    const minutes = (((Math.floor(ms / 60_000) + this.offsetAt(ms)) % 1440) + 1440) % 1440;
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  }
}

/** True for a real calendar date written "YYYY-MM-DD". */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [y, m, d] = ymd(date);
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) === date;
}

/** Days from one calendar date to another. */
export function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = ymd(from);
  const [ty, tm, td] = ymd(to);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date; no zone is involved. */
export function isoWeekday(date: string): number {
  const [y, m, d] = ymd(date);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Every calendar date from `from` to `to` inclusive (at most 400). */
export function eachDate(from: string, to: string): string[] {
  const dates: string[] = [];
  const [fy, fm, fd] = ymd(from);
  for (let t = Date.UTC(fy, fm - 1, fd); dates.length <= 400; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date > to) break;
    dates.push(date);
  }
  return dates;
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = ymd(date);
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}
