/**
 * Reads holidays and closures from an iCalendar file (RFC 5545): the
 * VEVENTs' DTSTART, DTEND (or DURATION) and SUMMARY, all-day or timed,
 * floating, UTC or with a TZID. A small reader rather than a package: only
 * this subset is needed, the file is small and capped, and every event the
 * reader does not understand is reported as skipped with a reason instead
 * of being guessed at (recurring events, cancelled ones, unknown zones).
 */
import { DateTime } from 'luxon';
import { addDays, daysBetween, isCalendarDate } from '../availability/zone-clock.ts';
import { LIMITS } from '../../shared/limits.ts';
import { MAX_ICS_EVENTS, MAX_REASON } from './schedules.schema.ts';

/** A closure read from the file, in the organisation's local time (whole day when start/end are null). */
export interface IcsClosure {
  date: string;
  start: string | null;
  end: string | null;
  summary: string;
}

/** An event left out, with the line its VEVENT begins on and a snake_case reason. */
export interface IcsSkipped {
  summary: string;
  line: number;
  reason: 'recurring' | 'cancelled' | 'already_closed' | 'no_start' | 'no_end' | 'bad_dates' | 'unknown_time_zone' | 'too_long' | 'in_past' | 'too_many_events';
}

/** Thrown when the text is not an iCalendar object at all. */
export class IcsFormatError extends Error {
  constructor() {
    super('not_icalendar');
  }
}

interface ContentLine {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** RFC 5545 §3.1: a CRLF followed by a space or tab continues the line. Returns each logical line with the physical line it starts on. */
export function unfold(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  physical.forEach((raw, i) => {
    const last = out[out.length - 1];
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && last) last.text += raw.slice(1);
    else if (raw.length > 0) out.push({ line: i + 1, text: raw });
  });
  return out;
}

/** Splits "NAME;PARAM=VALUE;PARAM="QUOTED:VALUE":value" (§3.1); null when there is no colon. */
export function parseContentLine(text: string): ContentLine | null {
  let i = 0;
  let quoted = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) break;
  }
  if (i >= text.length) return null;
  const [name = '', ...rawParams] = splitOutsideQuotes(text.slice(0, i), ';');
  const params: Record<string, string> = {};
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return { name: name.toUpperCase(), params, value: text.slice(i + 1) };
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = '';
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** §3.3.11: TEXT escapes. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c)).replace(/\s+/g, ' ').trim();
}

type When = { kind: 'date'; date: string } | { kind: 'instant'; dt: DateTime } | { kind: 'invalid' } | { kind: 'unknown_zone' };

/** A DATE or DATE-TIME value (§3.3.4, §3.3.5): floating times are in `zone`, the organisation's. */
function parseWhen(prop: ContentLine, zone: string): When {
  const v = prop.value.trim();
  const dateOnly = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (dateOnly || prop.params.VALUE === 'DATE') {
    if (!dateOnly) return { kind: 'invalid' };
    const date = `${dateOnly[1]}-${dateOnly[2]}-${dateOnly[3]}`;
    return isCalendarDate(date) ? { kind: 'date', date } : { kind: 'invalid' };
  }
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(v);
  if (!m) return { kind: 'invalid' };
  let eventZone = zone;
  if (m[7] === 'Z') eventZone = 'UTC';
  else if (prop.params.TZID) eventZone = prop.params.TZID.replace(/^\//, '');
  if (!DateTime.local().setZone(eventZone).isValid) return { kind: 'unknown_zone' };
  const dt = DateTime.fromObject(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) },
    { zone: eventZone },
  );
  return dt.isValid ? { kind: 'instant', dt } : { kind: 'invalid' };
}

/** §3.3.6: a DURATION such as P1D, PT2H30M or P1W (no months or years in iCalendar). */
function parseDuration(value: string): { days: number; ms: number } | null {
  const m = /^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value.trim());
  if (!m || value.trim() === 'P' || value.trim().endsWith('T')) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { days: n(1) * 7 + n(2), ms: ((n(3) * 60 + n(4)) * 60 + n(5)) * 1000 };
}

const GRID = LIMITS.busyUnitMinutes;

/** "HH:MM" of minutes since midnight (1440 → "24:00"). */
function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

interface RawEvent {
  line: number;
  props: ContentLine[];
}

/** The most days one event may close (a whole year of holidays is many events, not one). */
const MAX_EVENT_DAYS = 31;

/**
 * The closures an .ics file describes, in the organisation's zone, and the
 * events left out with why. Days before `today` are left out ("in_past").
 * A timed event becomes a closure of that part of each local day it
 * covers, widened to the 5-minute grid the schedules use.
 */
export function readIcs(text: string, zone: string, today: string): { closures: IcsClosure[]; skipped: IcsSkipped[] } {
  const lines = unfold(text);
  if (lines[0]?.text.trim().toUpperCase() !== 'BEGIN:VCALENDAR') throw new IcsFormatError();
  const events: RawEvent[] = [];
  const stack: string[] = [];
  let current: RawEvent | null = null;
  for (const { line, text: raw } of lines) {
    const prop = parseContentLine(raw);
    if (!prop) continue;
    if (prop.name === 'BEGIN') {
      const component = prop.value.trim().toUpperCase();
      stack.push(component);
      if (component === 'VEVENT' && stack.length === 2) current = { line, props: [] };
    } else if (prop.name === 'END') {
      const component = stack.pop();
      if (component === 'VEVENT' && current && stack.length === 1) {
        events.push(current);
        current = null;
      }
    } else if (current && stack.length === 2) current.props.push(prop);
  }

  const closures: IcsClosure[] = [];
  const skipped: IcsSkipped[] = [];
  events.forEach((event, index) => {
    const get = (name: string) => event.props.find((p) => p.name === name);
    const summary = unescapeText(get('SUMMARY')?.value ?? '').slice(0, MAX_REASON);
    const skip = (reason: IcsSkipped['reason']) => skipped.push({ summary, line: event.line, reason });
    if (index >= MAX_ICS_EVENTS) return skip('too_many_events');
    if (get('RRULE') || get('RDATE')) return skip('recurring');
    if (get('STATUS')?.value.trim().toUpperCase() === 'CANCELLED') return skip('cancelled');
    const startProp = get('DTSTART');
    if (!startProp) return skip('no_start');
    const start = parseWhen(startProp, zone);
    if (start.kind === 'unknown_zone') return skip('unknown_time_zone');
    if (start.kind === 'invalid') return skip('bad_dates');
    const endProp = get('DTEND');
    const duration = get('DURATION');
    const end = endProp ? parseWhen(endProp, zone) : null;
    if (end?.kind === 'unknown_zone') return skip('unknown_time_zone');
    if (end?.kind === 'invalid') return skip('bad_dates');

    const days: IcsClosure[] = [];
    if (start.kind === 'date') {
      // §3.6.1: an all-day event's DTEND is exclusive; without one it lasts the day.
      let last = start.date;
      if (end) {
        if (end.kind !== 'date') return skip('bad_dates');
        last = addDays(end.date, -1);
      } else if (duration) {
        const d = parseDuration(duration.value);
        if (!d || d.ms !== 0 || d.days < 1) return skip('bad_dates');
        last = addDays(start.date, d.days - 1);
      }
      if (last < start.date) return skip('bad_dates');
      if (daysBetween(start.date, last) >= MAX_EVENT_DAYS) return skip('too_long');
      for (let date = start.date; date <= last; date = addDays(date, 1)) days.push({ date, start: null, end: null, summary });
    } else {
      let endDt: DateTime;
      if (end) {
        if (end.kind !== 'instant') return skip('bad_dates');
        endDt = end.dt;
      } else if (duration) {
        const d = parseDuration(duration.value);
        if (!d) return skip('bad_dates');
        endDt = start.dt.plus({ days: d.days, milliseconds: d.ms });
      } else return skip('no_end');
      if (endDt.toMillis() <= start.dt.toMillis()) return skip('bad_dates');
      const from = start.dt.setZone(zone);
      const to = endDt.setZone(zone);
      const firstDate = from.toISODate() ?? '';
      const lastDate = to.toISODate() ?? '';
      if (daysBetween(firstDate, lastDate) > MAX_EVENT_DAYS) return skip('too_long');
      for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
        const startMin = date === firstDate ? Math.floor((from.hour * 60 + from.minute) / GRID) * GRID : 0;
        const endMin = date === lastDate ? Math.min(1440, Math.ceil((to.hour * 60 + to.minute + (to.second > 0 ? 1 : 0)) / GRID) * GRID) : 1440;
        if (endMin <= startMin) continue;
        const whole = startMin === 0 && endMin === 1440;
        days.push({ date, start: whole ? null : hhmm(startMin), end: whole ? null : hhmm(endMin), summary });
      }
    }
    const upcoming = days.filter((d) => d.date >= today);
    if (upcoming.length === 0) return skip('in_past');
    closures.push(...upcoming);
  });
  return { closures, skipped };
}
