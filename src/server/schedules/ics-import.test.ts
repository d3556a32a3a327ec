import { describe, expect, it } from 'vitest';
import { IcsFormatError, parseContentLine, readIcs, unfold } from './ics-import.ts';

const ZONE = 'Europe/Madrid';
const TODAY = '2026-03-02';

/** An iCalendar object around some VEVENT bodies, with CRLF line ends as RFC 5545 §3.1 wants. */
function calendar(...events: string[][]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events.flatMap((e) => ['BEGIN:VEVENT', ...e, 'END:VEVENT']), 'END:VCALENDAR', ''].join('\r\n');
}

describe('reading an .ics file', () => {
  it('unfolds continued lines and keeps the line each starts on', () => {
    expect(unfold('BEGIN:VCALENDAR\r\nSUMMARY:Sant\r\n  Joan\r\n\tde Déu\r\nEND:VCALENDAR')).toEqual([
      { line: 1, text: 'BEGIN:VCALENDAR' },
      { line: 2, text: 'SUMMARY:Sant Joande Déu' },
      { line: 5, text: 'END:VCALENDAR' },
    ]);
  });

  it('splits parameters, with quoted values that hold colons and semicolons', () => {
    expect(parseContentLine('DTSTART;TZID="Europe/Madrid";VALUE=DATE-TIME:20260324T090000')).toEqual({
      name: 'DTSTART',
      params: { TZID: 'Europe/Madrid', VALUE: 'DATE-TIME' },
      value: '20260324T090000',
    });
    expect(parseContentLine('X-NOTE;ALTREP="cid:a;b":text')?.params.ALTREP).toBe('cid:a;b');
    expect(parseContentLine('no colon here')).toBeNull();
  });

  it('reads all-day events (DTEND exclusive, one day without it) and escaped summaries', () => {
    const { closures, skipped } = readIcs(
      calendar(
        ['DTSTART;VALUE=DATE:20260324', 'DTEND;VALUE=DATE:20260326', 'SUMMARY:Festa major\\, dos dies'],
        ['DTSTART;VALUE=DATE:20260601', 'SUMMARY:Segona Pasqua'],
        ['DTSTART:20260701', 'DURATION:P2D', 'SUMMARY:Dos dies per durada'],
      ),
      ZONE,
      TODAY,
    );
    expect(skipped).toEqual([]);
    expect(closures).toEqual([
      { date: '2026-03-24', start: null, end: null, summary: 'Festa major, dos dies' },
      { date: '2026-03-25', start: null, end: null, summary: 'Festa major, dos dies' },
      { date: '2026-06-01', start: null, end: null, summary: 'Segona Pasqua' },
      { date: '2026-07-01', start: null, end: null, summary: 'Dos dies per durada' },
      { date: '2026-07-02', start: null, end: null, summary: 'Dos dies per durada' },
    ]);
  });

  it('reads timed events in UTC, with a TZID or floating, as local times of the organisation widened to the 5-minute grid', () => {
    const { closures } = readIcs(
      calendar(
        // 08:00Z on 24 March is 09:00 in Madrid (winter time).
        ['DTSTART:20260324T080000Z', 'DTEND:20260324T100000Z', 'SUMMARY:UTC'],
        // 09:00 in New York is 15:00 in Madrid on 10 June (both in summer time).
        ['DTSTART;TZID=America/New_York:20260610T090000', 'DTEND;TZID=America/New_York:20260610T100000', 'SUMMARY:New York'],
        ['DTSTART:20260611T120300', 'DURATION:PT1H', 'SUMMARY:Floating'],
      ),
      ZONE,
      TODAY,
    );
    expect(closures).toEqual([
      { date: '2026-03-24', start: '09:00', end: '11:00', summary: 'UTC' },
      { date: '2026-06-10', start: '15:00', end: '16:00', summary: 'New York' },
      { date: '2026-06-11', start: '12:00', end: '13:05', summary: 'Floating' },
    ]);
  });

  it('splits a timed event over midnight into the part of each day', () => {
    const { closures } = readIcs(calendar(['DTSTART:20260324T180000', 'DTEND:20260326T020000', 'SUMMARY:Obres']), ZONE, TODAY);
    expect(closures).toEqual([
      { date: '2026-03-24', start: '18:00', end: '24:00', summary: 'Obres' },
      { date: '2026-03-25', start: null, end: null, summary: 'Obres' },
      { date: '2026-03-26', start: '00:00', end: '02:00', summary: 'Obres' },
    ]);
  });

  it('skips, with the reason and the line, what it will not guess at', () => {
    const { closures, skipped } = readIcs(
      calendar(
        ['DTSTART;VALUE=DATE:20260101', 'RRULE:FREQ=YEARLY', 'SUMMARY:Cap d’any'],
        ['DTSTART;VALUE=DATE:20260410', 'STATUS:CANCELLED', 'SUMMARY:Anul·lat'],
        ['SUMMARY:Sense data'],
        ['DTSTART:20260410T090000', 'SUMMARY:Sense final'],
        ['DTSTART;TZID=Mars/Olympus:20260410T090000', 'DTEND;TZID=Mars/Olympus:20260410T100000', 'SUMMARY:Zona rara'],
        ['DTSTART;VALUE=DATE:20260410', 'DTEND;VALUE=DATE:20260409', 'SUMMARY:Al revés'],
        ['DTSTART;VALUE=DATE:20260131', 'SUMMARY:Passat'],
        ['DTSTART;VALUE=DATE:20260601', 'DTEND;VALUE=DATE:20260901', 'SUMMARY:Estiu sencer'],
        ['DTSTART;VALUE=DATE:20261399', 'SUMMARY:Data impossible'],
      ),
      ZONE,
      TODAY,
    );
    expect(closures).toEqual([]);
    expect(skipped.map((s) => [s.summary, s.reason])).toEqual([
      ['Cap d’any', 'recurring'],
      ['Anul·lat', 'cancelled'],
      ['Sense data', 'no_start'],
      ['Sense final', 'no_end'],
      ['Zona rara', 'unknown_time_zone'],
      ['Al revés', 'bad_dates'],
      ['Passat', 'in_past'],
      ['Estiu sencer', 'too_long'],
      ['Data impossible', 'bad_dates'],
    ]);
    expect(skipped[0]?.line).toBe(4);
  });

  it('ignores the properties of an alarm inside an event', () => {
    const { closures } = readIcs(calendar(['DTSTART;VALUE=DATE:20260324', 'BEGIN:VALARM', 'DTSTART:20990101T000000', 'SUMMARY:Alarm', 'END:VALARM', 'SUMMARY:Festa']), ZONE, TODAY);
    expect(closures).toEqual([{ date: '2026-03-24', start: null, end: null, summary: 'Festa' }]);
  });

  it('refuses text that is not an iCalendar object', () => {
    expect(() => readIcs('hello', ZONE, TODAY)).toThrow(IcsFormatError);
    expect(() => readIcs('', ZONE, TODAY)).toThrow(IcsFormatError);
  });
});
