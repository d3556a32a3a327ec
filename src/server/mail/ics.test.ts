import { describe, expect, it } from 'vitest';
import { renderAppointmentMail } from './appointment.mail.ts';
import { appointmentMailData, TEST_FROM } from './appointment.mail.fixture.ts';
import { buildIcs, type IcsEvent } from './ics.ts';

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** RFC 5545 §3.1: a CRLF followed by one space or tab is a fold; removing both unfolds. */
function unfold(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
}

/** A tiny content-line parser: `NAME;P=V;P="V":value` (enough for what we write). */
function parse(ics: string): Property[] {
  return unfold(ics).map((line) => {
    const match = /^([A-Z-]+)((?:;[A-Z-]+=(?:"[^"]*"|[^;:"]*))*):(.*)$/.exec(line);
    if (!match) throw new Error(`Not a content line: ${line}`);
    const params: Record<string, string> = {};
    for (const p of (match[2] ?? '').matchAll(/;([A-Z-]+)=("[^"]*"|[^;:"]*)/g)) {
      params[p[1] ?? ''] = (p[2] ?? '').replace(/^"|"$/g, '');
    }
    return { name: match[1] ?? '', params, value: match[3] ?? '' };
  });
}

/** The properties of the first component named `component` (VEVENT, VTIMEZONE…), nested ones included. */
function component(props: Property[], name: string): Property[] {
  const start = props.findIndex((p) => p.name === 'BEGIN' && p.value === name);
  const end = props.findIndex((p, i) => i > start && p.name === 'END' && p.value === name);
  return props.slice(start + 1, end);
}

function prop(props: Property[], name: string): Property {
  const found = props.find((p) => p.name === name);
  if (!found) throw new Error(`No ${name}`);
  return found;
}

/** Undoes RFC 5545 §3.3.11 TEXT escaping. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** The local date-time, in `YYYYMMDDTHHMMSS`, on which a `FREQ=YEARLY;BYMONTH;BYDAY=±nWD` rule fires in `year`. */
function ruleOnset(rrule: string, year: number, time: string): string {
  const month = Number(/BYMONTH=(\d+)/.exec(rrule)?.[1]);
  const [, nth = '1', weekday = 'SU'] = /BYDAY=(-?\d)([A-Z]{2})/.exec(rrule) ?? [];
  const wd = WEEKDAYS.indexOf(weekday);
  const days: number[] = [];
  for (let d = 1; d <= 31; d++) {
    const date = new Date(Date.UTC(year, month - 1, d));
    if (date.getUTCMonth() === month - 1 && date.getUTCDay() === wd) days.push(d);
  }
  const n = Number(nth);
  const day = n < 0 ? days[days.length + n] : days[n - 1];
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}T${time}`;
}

function offsetMinutes(value: string): number {
  const sign = value.startsWith('-') ? -1 : 1;
  return sign * (Number(value.slice(1, 3)) * 60 + Number(value.slice(3, 5)));
}

/**
 * What a calendar client does with `DTSTART;TZID=…:local`: finds the
 * observance in force at that local time and subtracts its offset.
 */
function resolveUtc(vtimezone: Property[], local: string): Date {
  const year = Number(local.slice(0, 4));
  const onsets: { at: string; offset: number }[] = [];
  let current: Property[] = [];
  for (const p of vtimezone) {
    if (p.name === 'BEGIN') current = [];
    else if (p.name === 'END' && current.length) {
      const start = prop(current, 'DTSTART').value;
      const rrule = current.find((c) => c.name === 'RRULE')?.value;
      const offset = offsetMinutes(prop(current, 'TZOFFSETTO').value);
      const from = Number(start.slice(0, 4));
      if (rrule) {
        for (let y = from; y <= year; y++) onsets.push({ at: ruleOnset(rrule, y, start.slice(9)), offset });
      } else onsets.push({ at: start, offset });
    } else current.push(p);
  }
  const inForce = onsets.filter((o) => o.at <= local).sort((a, b) => (a.at < b.at ? -1 : 1)).pop();
  if (!inForce) throw new Error(`No observance in force at ${local}`);
  const [y, mo, d, h, mi] = [local.slice(0, 4), local.slice(4, 6), local.slice(6, 8), local.slice(9, 11), local.slice(11, 13)].map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi) - inForce.offset * 60_000);
}

function event(overrides: Partial<IcsEvent> = {}): IcsEvent {
  return {
    method: 'REQUEST',
    uid: 'appt-1@finestreta',
    sequence: 0,
    start: new Date('2026-03-30T07:00:00Z'),
    end: new Date('2026-03-30T07:20:00Z'),
    timeZone: 'Europe/Madrid',
    summary: 'Cita per videotrucada',
    description: 'Referència: RUB-7K3M',
    location: 'https://finestreta.example/o/rubi',
    organizer: { name: 'Ajuntament de Rubí', email: 'no-reply@finestreta.example' },
    attendee: { name: 'Maria Pérez', email: 'maria@example.org' },
    dtstamp: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  };
}

describe('buildIcs', () => {
  it('writes CRLF lines of at most 75 octets, with a request method and a confirmed event', () => {
    const ics = buildIcs(event());
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const props = parse(ics);
    expect(props[0]).toMatchObject({ name: 'BEGIN', value: 'VCALENDAR' });
    expect(prop(props, 'VERSION').value).toBe('2.0');
    expect(prop(props, 'METHOD').value).toBe('REQUEST');
    const vevent = component(props, 'VEVENT');
    expect(prop(vevent, 'STATUS').value).toBe('CONFIRMED');
    expect(prop(vevent, 'DTSTAMP').value).toBe('20260301T100000Z');
    expect(prop(vevent, 'ORGANIZER')).toMatchObject({ params: { CN: 'Ajuntament de Rubí' }, value: 'mailto:no-reply@finestreta.example' });
    expect(prop(vevent, 'ATTENDEE')).toMatchObject({ params: { CN: 'Maria Pérez', RSVP: 'FALSE' }, value: 'mailto:maria@example.org' });
    expect(prop(vevent, 'URL').value).toBe('https://finestreta.example/o/rubi');
  });

  it('writes local times with the TZID and a VTIMEZONE with the Madrid summer-time rules', () => {
    const props = parse(buildIcs(event()));
    const vtimezone = component(props, 'VTIMEZONE');
    expect(prop(vtimezone, 'TZID').value).toBe('Europe/Madrid');
    const daylight = component(vtimezone, 'DAYLIGHT');
    expect(prop(daylight, 'RRULE').value).toBe('FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    expect(prop(daylight, 'TZOFFSETFROM').value).toBe('+0100');
    expect(prop(daylight, 'TZOFFSETTO').value).toBe('+0200');
    expect(prop(daylight, 'DTSTART').value).toMatch(/^\d{4}03\d{2}T020000$/);
    const standard = component(vtimezone, 'STANDARD');
    expect(prop(standard, 'RRULE').value).toBe('FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
    expect(prop(standard, 'TZOFFSETFROM').value).toBe('+0200');
    expect(prop(standard, 'TZOFFSETTO').value).toBe('+0100');
    expect(prop(standard, 'DTSTART').value).toMatch(/^\d{4}10\d{2}T030000$/);

    const vevent = component(props, 'VEVENT');
    expect(prop(vevent, 'DTSTART')).toMatchObject({ params: { TZID: 'Europe/Madrid' }, value: '20260330T090000' });
    expect(prop(vevent, 'DTEND')).toMatchObject({ params: { TZID: 'Europe/Madrid' }, value: '20260330T092000' });
  });

  it('keeps 09:00 local on both sides of the switch to summer time, and the zone resolves back to the same instants', () => {
    const before = new Date('2026-03-27T08:00:00Z'); // Friday 09:00 CET (+01:00)
    const after = new Date('2026-03-30T07:00:00Z'); // Monday 09:00 CEST (+02:00)
    for (const start of [before, after]) {
      const props = parse(buildIcs(event({ start, end: new Date(start.getTime() + 20 * 60_000) })));
      const dtstart = prop(component(props, 'VEVENT'), 'DTSTART').value;
      expect(dtstart.slice(9)).toBe('090000');
      expect(resolveUtc(component(props, 'VTIMEZONE'), dtstart).toISOString()).toBe(start.toISOString());
    }
  });

  it('derives the rules of other zones from the time-zone database', () => {
    const start = new Date('2026-11-02T14:00:00Z'); // Monday 09:00 EST, the day after DST ends
    const props = parse(buildIcs(event({ timeZone: 'America/New_York', start, end: new Date('2026-11-02T14:30:00Z') })));
    const vtimezone = component(props, 'VTIMEZONE');
    expect(prop(component(vtimezone, 'DAYLIGHT'), 'RRULE').value).toBe('FREQ=YEARLY;BYMONTH=3;BYDAY=2SU');
    expect(prop(component(vtimezone, 'STANDARD'), 'RRULE').value).toBe('FREQ=YEARLY;BYMONTH=11;BYDAY=1SU');
    const dtstart = prop(component(props, 'VEVENT'), 'DTSTART').value;
    expect(dtstart).toBe('20261102T090000');
    expect(resolveUtc(vtimezone, dtstart).toISOString()).toBe(start.toISOString());

    const tokyo = parse(buildIcs(event({ timeZone: 'Asia/Tokyo' })));
    const std = component(component(tokyo, 'VTIMEZONE'), 'STANDARD');
    expect(prop(std, 'TZOFFSETTO').value).toBe('+0900');
    expect(std.some((p) => p.name === 'RRULE')).toBe(false);
    expect(prop(component(tokyo, 'VEVENT'), 'DTSTART').value).toBe('20260330T160000');
  });

  it('folds a long line with accents and emoji without cutting a character, and unfolds to the same text', () => {
    const summary =
      "Sol·licitud d'ajut per a la rehabilitació d'habitatges amb eficiència energètica (àrea metropolitana) 🏛️ — " +
      'núm. 2026/àèéíïòóúüç·ŀl';
    const ics = buildIcs(event({ summary }));
    const physical = ics.split('\r\n');
    const start = physical.findIndex((l) => l.startsWith('SUMMARY:'));
    expect(physical[start + 1]?.startsWith(' ')).toBe(true);
    for (const line of physical) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      expect(/[\uD800-\uDBFF]$/.test(line)).toBe(false); // no half of a surrogate pair at a fold
    }
    expect(unescapeText(prop(parse(ics), 'SUMMARY').value)).toBe(summary);
  });

  it('escapes commas, semicolons, backslashes and line breaks in text', () => {
    const description = 'Porteu: DNI, NIE; o passaport\\original\nSegona línia\r\nTercera';
    const ics = buildIcs(event({ description }));
    const raw = unfold(ics).find((l) => l.startsWith('DESCRIPTION:'));
    expect(raw).toBe('DESCRIPTION:Porteu: DNI\\, NIE\\; o passaport\\\\original\\nSegona línia\\nTercera');
    expect(unescapeText(prop(parse(ics), 'DESCRIPTION').value)).toBe(description.replace(/\r\n/g, '\n'));
  });

  it('cancels with STATUS:CANCELLED', () => {
    const props = parse(buildIcs(event({ method: 'CANCEL', sequence: 2 })));
    expect(prop(props, 'METHOD').value).toBe('CANCEL');
    const vevent = component(props, 'VEVENT');
    expect(prop(vevent, 'STATUS').value).toBe('CANCELLED');
    expect(prop(vevent, 'SEQUENCE').value).toBe('2');
  });

  it('refuses an unknown zone and an event that ends before it starts', () => {
    expect(() => buildIcs(event({ timeZone: 'Europe/Atlantis' }))).toThrow(RangeError);
    expect(() => buildIcs(event({ timeZone: 'Europe/Madrid\r\nX' }))).toThrow(RangeError);
    expect(() => buildIcs(event({ end: new Date('2026-03-30T06:00:00Z') }))).toThrow(RangeError);
  });
});

describe('appointment invitations', () => {
  it('keep one UID across confirmation, change and cancellation, with a rising SEQUENCE', () => {
    const invitations = (['booking_confirmation', 'appointment_changed', 'appointment_cancelled'] as const).map((kind) => {
      const mail = renderAppointmentMail(appointmentMailData(kind), TEST_FROM, new Date('2026-03-01T10:00:00Z'));
      const ics = mail.calendar?.content ?? '';
      return { method: mail.calendar?.method, vevent: component(parse(ics), 'VEVENT'), props: parse(ics) };
    });
    const uids = invitations.map((i) => prop(i.vevent, 'UID').value);
    expect(new Set(uids).size).toBe(1);
    expect(uids[0]).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0@finestreta');
    expect(invitations.map((i) => Number(prop(i.vevent, 'SEQUENCE').value))).toEqual([0, 1, 2]);
    expect(invitations.map((i) => i.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
    expect(invitations.map((i) => prop(i.props, 'METHOD').value)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
    expect(prop(invitations[2]?.vevent ?? [], 'STATUS').value).toBe('CANCELLED');
  });
});
