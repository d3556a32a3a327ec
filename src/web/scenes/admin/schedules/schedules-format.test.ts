import { describe, expect, it } from 'vitest';
import { formatMonth, hoursText, shiftMonth, weekdayName } from './schedules-format.ts';

describe('schedules page formatting', () => {
  it('names ISO weekdays, Monday first, in each language', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((d) => weekdayName(d, 'en'))).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
    expect(weekdayName(7, 'ca')).toBe('Diumenge');
    expect(weekdayName(1, 'es')).toBe('Lunes');
  });

  it('moves months across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-03', -15)).toBe('2024-12');
    expect(shiftMonth('2026-03', 0)).toBe('2026-03');
  });

  it('writes months and hours as people read them', () => {
    expect(formatMonth('2026-03', 'en')).toBe('March 2026');
    expect(hoursText(450, 'ca')).toBe('7,5');
    expect(hoursText(120, 'en')).toBe('2');
  });
});
