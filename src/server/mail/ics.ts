import { DateTime } from 'luxon';
import { vtimezoneLines } from './ics-timezone.ts';

/** Someone named in an ORGANIZER or ATTENDEE property. */
export interface IcsPerson {
  name: string;
  email: string;
}

/** One appointment as an iTIP message (RFC 5546) carrying a single VEVENT. */
export interface IcsEvent {
  /** REQUEST creates or updates the event; CANCEL removes it (RFC 5546 §3.2.2, §3.2.5). */
  method: 'REQUEST' | 'CANCEL';
  /** Stable across updates so calendars replace the same event (RFC 5545 §3.8.4.7). */
  uid: string;
  /** Bumped on every change; a client ignores a message older than what it holds (RFC 5545 §3.8.7.4). */
  sequence: number;
  start: Date;
  end: Date;
  /** IANA zone the times are written in, e.g. `Europe/Madrid`. */
  timeZone: string;
  summary: string;
  description: string;
  /** A URL where the appointment takes place; written as LOCATION and, when http(s), as URL. */
  location: string;
  organizer: IcsPerson;
  attendee: IcsPerson;
  /** When this message was created (RFC 5545 §3.8.7.2), written in UTC. */
  dtstamp: Date;
}

const CRLF = '\r\n';
/** RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break." */
const MAX_OCTETS = 75;
/** IANA zone names: letters, digits and `/_+-`; none of them needs quoting in a parameter. */
const ZONE_NAME = /^[A-Za-z0-9_+\-/]+$/;

/**
 * Folds one content line at 75 octets (RFC 5545 §3.1). Splits only between
 * code points so no UTF-8 sequence is cut; each continuation line starts
 * with one space, which counts towards its 75 octets.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(CRLF);
}

/**
 * Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma
 * are backslash-escaped and a line break becomes `\n`. Other control
 * characters are not allowed in TEXT and are dropped.
 */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/(?![\t\n])\p{Cc}/gu, '')
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

/**
 * A parameter value as a quoted-string (RFC 5545 §3.1): it may hold any
 * character but DQUOTE and controls, so those are dropped.
 */
function quoteParam(value: string): string {
  return `"${value.replace(/"|\p{Cc}/gu, '').trim()}"`;
}

/** A `mailto:` URI; an address with whitespace or controls would break the content line. */
function mailto(email: string): string {
  return `mailto:${email.replace(/\s|\p{Cc}/gu, '')}`;
}

function utcStamp(date: Date): string {
  return DateTime.fromJSDate(date, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** Local wall-clock time in the zone, the "DATE-TIME with TZID" form of RFC 5545 §3.3.5 (form #3). */
function localStamp(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyyMMdd'T'HHmmss");
}

function httpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds an iCalendar object (RFC 5545) for one appointment: CRLF line
 * endings, folded lines, the VTIMEZONE of `timeZone` and the start and end
 * in that zone's local time, so the event keeps its wall-clock time across
 * daylight-saving changes in every client.
 */
export function buildIcs(event: IcsEvent): string {
  const zone = event.timeZone;
  if (!ZONE_NAME.test(zone) || !DateTime.fromJSDate(event.start, { zone }).isValid) {
    throw new RangeError(`Unknown time zone: ${zone}`);
  }
  if (!(event.end.getTime() > event.start.getTime())) throw new RangeError('The event must end after it starts');
  if (!Number.isInteger(event.sequence) || event.sequence < 0) throw new RangeError('SEQUENCE must be a natural number');

  const cancelled = event.method === 'CANCEL';
  const url = httpUrl(event.location);
  const year = DateTime.fromJSDate(event.start, { zone }).year;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Finestreta//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    ...vtimezoneLines(zone, year),
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utcStamp(event.dtstamp)}`,
    `DTSTART;TZID=${zone}:${localStamp(event.start, zone)}`,
    `DTEND;TZID=${zone}:${localStamp(event.end, zone)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    `LOCATION:${escapeText(event.location)}`,
    ...(url ? [`URL:${url}`] : []),
    `ORGANIZER;CN=${quoteParam(event.organizer.name)}:${mailto(event.organizer.email)}`,
    // RSVP=FALSE: the reply would go to an unattended address; changes go
    // through the citizen's personal link instead.
    `ATTENDEE;CN=${quoteParam(event.attendee.name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;` +
      `PARTSTAT=NEEDS-ACTION;RSVP=FALSE:${mailto(event.attendee.email)}`,
    // RFC 5546 §3.2.5: a CANCEL of the whole event sets STATUS:CANCELLED.
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    // A citizen's appointment with the administration is personal: shared
    // calendars show it as busy time only.
    'CLASS:PRIVATE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
