import { DateTime } from 'luxon';

/**
 * VTIMEZONE components (RFC 5545 §3.6.5) generated from the IANA database
 * that luxon reads through Intl, so an invitation carries the rules of the
 * organisation's zone instead of relying on the client's copy of them.
 */

/** A change of UTC offset: the instant and the offsets (minutes east of UTC) around it. */
interface Transition {
  at: number;
  from: number;
  to: number;
}

/** One STANDARD or DAYLIGHT sub-component, before serialisation. */
interface Observance {
  kind: 'STANDARD' | 'DAYLIGHT';
  /** Onset in local time as RFC 5545 wants it: expressed in the offset in force before it (TZOFFSETFROM). */
  onset: string;
  from: number;
  to: number;
  name: string | undefined;
  rrule: string | undefined;
}

const HOUR = 3_600_000;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const cache = new Map<string, readonly string[]>();

function offsetAt(zone: string, ms: number): number {
  return DateTime.fromMillis(ms, { zone }).offset;
}

/**
 * Every offset change in [startMs, endMs). Sampling every 12 hours cannot
 * miss a change: tzdata has no two transitions that close together since
 * well before the years an appointment can be in. Each change found is
 * pinned to the second by bisection.
 */
function transitions(zone: string, startMs: number, endMs: number): Transition[] {
  const found: Transition[] = [];
  let lo = startMs;
  let before = offsetAt(zone, lo);
  while (lo < endMs) {
    const hi = Math.min(lo + 12 * HOUR, endMs);
    const after = offsetAt(zone, hi);
    if (after !== before) {
      let a = lo;
      let b = hi;
      while (b - a > 1000) {
        const mid = a + Math.floor((b - a) / 2000) * 1000;
        if (offsetAt(zone, mid) === before) a = mid;
        else b = mid;
      }
      found.push({ at: b, from: before, to: offsetAt(zone, b) });
    }
    lo = hi;
    before = after;
  }
  return found;
}

/** `±HHMM` (or `±HHMMSS`), the UTC-OFFSET value type of RFC 5545 §3.3.14. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = Math.floor(abs % 60);
  const s = Math.round((abs * 60) % 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${sign}${pad(h)}${pad(m)}${s ? pad(s) : ''}`;
}

/** Local wall-clock time of an instant in a fixed offset, as an RFC 5545 DATE-TIME without zone. */
function wallClock(ms: number, offsetMinutes: number): string {
  return DateTime.fromMillis(ms + offsetMinutes * 60_000, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss");
}

/** The zone's abbreviation (CET, CEST, EST…) when Intl knows a real one; TZNAME is optional. */
function abbreviation(zone: string, ms: number): string | undefined {
  for (const locale of ['en-GB', 'en-US']) {
    const name = DateTime.fromMillis(ms, { zone, locale }).offsetNameShort;
    if (name && /^[A-Z]{2,6}$/.test(name)) return name;
  }
  return undefined;
}

/**
 * The yearly rule a transition follows if it is "the n-th (or last) weekday
 * of the month", the only shape modern tzdata rules take outside a few
 * zones tied to other calendars.
 */
function yearlyRule(t: Transition): { rrule: string; key: string } {
  const local = DateTime.fromMillis(t.at + t.from * 60_000, { zone: 'utc' });
  const daysInMonth = local.daysInMonth ?? 31;
  const nth = local.day > daysInMonth - 7 ? -1 : Math.ceil(local.day / 7);
  const weekday = WEEKDAYS[local.weekday - 1] ?? 'SU';
  const rrule = `FREQ=YEARLY;BYMONTH=${local.month};BYDAY=${nth}${weekday}`;
  return { rrule, key: `${rrule}|${local.toFormat('HHmmss')}|${t.from}|${t.to}` };
}

function ruleKey(t: Transition | undefined): string {
  return t ? yearlyRule(t).key : '';
}

function observance(zone: string, t: Transition, rrule: string | undefined): Observance {
  return {
    kind: DateTime.fromMillis(t.at, { zone }).isInDST ? 'DAYLIGHT' : 'STANDARD',
    onset: wallClock(t.at, t.from),
    from: t.from,
    to: t.to,
    name: abbreviation(zone, t.at),
    rrule,
  };
}

/**
 * Observances covering `year` and the year before it. When the zone changed
 * offset twice a year, on the same yearly rule, in each of the three years
 * around `year`, they are written as two recurring observances (what every
 * calendar client expects, e.g. Europe/Madrid: last Sunday of March and of
 * October). Otherwise every change is written as its own onset, preceded by
 * the offset in force at the start of the window, so any zone stays correct
 * for the event even if its rules follow no weekday pattern.
 */
function observances(zone: string, year: number): Observance[] {
  const windowStart = DateTime.fromObject({ year: year - 1, month: 1, day: 1 }, { zone });
  const windowEnd = DateTime.fromObject({ year: year + 2, month: 1, day: 1 }, { zone });
  const all = transitions(zone, windowStart.toMillis(), windowEnd.toMillis());

  const perYear = [year - 1, year, year + 1].map((y) =>
    all.filter((t) => DateTime.fromMillis(t.at, { zone }).year === y),
  );
  const firstYear = perYear[0] ?? [];
  const regular =
    perYear.every((ts) => ts.length === 2) &&
    [0, 1].every((i) => new Set(perYear.map((ts) => ruleKey(ts[i]))).size === 1);
  if (regular) return firstYear.map((t) => observance(zone, t, yearlyRule(t).rrule));

  const initialOffset = windowStart.offset;
  const initial: Observance = {
    kind: windowStart.isInDST ? 'DAYLIGHT' : 'STANDARD',
    onset: windowStart.toFormat("yyyyMMdd'T'HHmmss"),
    from: initialOffset,
    to: initialOffset,
    name: abbreviation(zone, windowStart.toMillis()),
    rrule: undefined,
  };
  return [initial, ...all.map((t) => observance(zone, t, undefined))];
}

/**
 * The VTIMEZONE component for `zone`, valid for events in `year`, as
 * unfolded content lines. Throws `RangeError` for a zone luxon does not know.
 */
export function vtimezoneLines(zone: string, year: number): readonly string[] {
  const key = `${zone}|${year}`;
  const cached = cache.get(key);
  if (cached) return cached;
  if (!DateTime.now().setZone(zone).isValid) throw new RangeError(`Unknown time zone: ${zone}`);

  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  for (const o of observances(zone, year)) {
    lines.push(
      `BEGIN:${o.kind}`,
      `DTSTART:${o.onset}`,
      `TZOFFSETFROM:${formatUtcOffset(o.from)}`,
      `TZOFFSETTO:${formatUtcOffset(o.to)}`,
    );
    if (o.name) lines.push(`TZNAME:${o.name}`);
    if (o.rrule) lines.push(`RRULE:${o.rrule}`);
    lines.push(`END:${o.kind}`);
  }
  lines.push('END:VTIMEZONE');
  cache.set(key, lines);
  return lines;
}
