import { describe, expect, it } from 'vitest';
import { agendaHref, isLocalDate, periodOf, readAgendaQuery, shiftDate, weekStart } from './agenda-period.ts';

describe('agenda period', () => {
  it('starts weeks on Monday, across month and year ends', () => {
    expect(weekStart('2026-03-30')).toBe('2026-03-30'); // a Monday
    expect(weekStart('2026-04-05')).toBe('2026-03-30'); // the Sunday after
    expect(weekStart('2027-01-01')).toBe('2026-12-28');
  });

  it('lists the seven days of a week and the one day of a day', () => {
    const week = periodOf('week', '2026-04-01');
    expect(week).toMatchObject({ from: '2026-03-30', to: '2026-04-05' });
    expect(week.days).toHaveLength(7);
    expect(periodOf('day', '2026-04-01')).toEqual({ from: '2026-04-01', to: '2026-04-01', days: ['2026-04-01'] });
  });

  it('moves by a day or by a week (to the Monday)', () => {
    expect(shiftDate('day', '2026-03-31', 1)).toBe('2026-04-01');
    expect(shiftDate('day', '2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDate('week', '2026-04-02', 1)).toBe('2026-04-06');
    expect(shiftDate('week', '2026-04-02', -1)).toBe('2026-03-23');
  });

  it('reads the address defensively and writes it back without defaults', () => {
    const today = '2026-03-31';
    expect(readAgendaQuery(new URLSearchParams('view=week&date=2026-02-30&agent=a1'), today)).toEqual({
      mode: 'week',
      date: today,
      agentId: 'a1',
      officeId: '',
    });
    expect(readAgendaQuery(new URLSearchParams('office=o2'), today)).toMatchObject({ mode: 'day', officeId: 'o2', agentId: '' });
    expect(isLocalDate('2026-02-28')).toBe(true);
    expect(isLocalDate('2026-2-28')).toBe(false);
    expect(agendaHref({ mode: 'day', date: today, agentId: '', officeId: '' }, today)).toBe('/staff');
    expect(agendaHref({ mode: 'week', date: '2026-04-06', agentId: 'a 1', officeId: '' }, today)).toBe(
      '/staff?view=week&date=2026-04-06&agent=a+1',
    );
    expect(agendaHref({ mode: 'day', date: today, agentId: 'a1', officeId: 'o2' }, today)).toBe('/staff?office=o2&agent=a1');
  });
});
