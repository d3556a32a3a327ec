/** Dates, times and file types read naturally in each language and never shift a day. */
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDayLong, formatFileTypes, formatInstantTime, formatMonthHeading, localDateOf } from './format.ts';

describe('web formatting', () => {
  it('writes a day the way each language does', () => {
    expect(formatDayLong('2026-03-30', 'ca')).toBe('dilluns, 30 de març');
    expect(formatDayLong('2026-03-30', 'es')).toBe('lunes, 30 de marzo');
    expect(formatDayLong('2026-03-30', 'en')).toBe('Monday 30 March');
    expect(formatMonthHeading('2026-03-30', 'es')).toBe('Marzo de 2026');
  });

  it('shows times in the organisation zone on a 24-hour clock, across the DST change', () => {
    expect(formatInstantTime('2026-03-27T08:15:00Z', 'Europe/Madrid', 'en')).toBe('09:15');
    expect(formatInstantTime('2026-03-30T08:15:00Z', 'Europe/Madrid', 'en')).toBe('10:15');
  });

  it('finds the local date of an instant near midnight', () => {
    expect(localDateOf(new Date('2026-06-30T22:30:00Z'), 'Europe/Madrid')).toBe('2026-07-01');
    expect(localDateOf(new Date('2026-06-30T21:30:00Z'), 'Europe/Madrid')).toBe('2026-06-30');
  });

  it('adds days across months and DST without drifting', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
  });

  it('names file types in words, as a list in the language', () => {
    expect(formatFileTypes(['application/pdf', 'image/jpeg', 'image/png'], 'ca')).toBe('PDF, JPG i PNG');
    expect(formatFileTypes(['application/pdf', 'image/jpeg'], 'es')).toBe('PDF y JPG');
    expect(formatFileTypes(['image/jpeg', 'image/jpg', 'application/x-foo'], 'en')).toBe('JPG and X-FOO');
  });
});
