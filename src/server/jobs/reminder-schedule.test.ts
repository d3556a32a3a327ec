import { describe, expect, it } from 'vitest';
import { reminderExpiry, reminderKey, reminderTimes } from './reminder-schedule.ts';

const MADRID = { time_zone: 'Europe/Madrid', waiting_room_open_minutes: 15 };

describe('reminder times', () => {
  it('puts the day-before reminder at 18:00 local on the day before, across the switch to summer time', () => {
    // Monday 30 March 2026, 09:00 CEST; Sunday 29 March is the day the clocks go forward.
    const times = reminderTimes(MADRID, { starts_at: '2026-03-30T07:00:00.000Z', upload_deadline: '2026-03-28T08:00:00.000Z' });
    expect(times.reminder_day_before.toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect(times.reminder_documents.toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(times.reminder_join_now.toISOString()).toBe('2026-03-30T06:45:00.000Z');
  });

  it('and across the switch back to winter time', () => {
    // Monday 26 October 2026, 09:00 CET; Sunday 25 October the clocks go back.
    const times = reminderTimes(MADRID, { starts_at: '2026-10-26T08:00:00.000Z', upload_deadline: '2026-10-24T07:00:00.000Z' });
    expect(times.reminder_day_before.toISOString()).toBe('2026-10-25T17:00:00.000Z');
  });

  it('stops the day-before reminder at local midnight of the appointment day', () => {
    const expiry = reminderExpiry('reminder_day_before', MADRID, { starts_at: '2026-03-05T09:00:00.000Z', upload_deadline: '2026-03-03T09:00:00.000Z' });
    expect(expiry.toISOString()).toBe('2026-03-04T23:00:00.000Z');
  });

  it('keys a reminder by kind, appointment and start time', () => {
    expect(reminderKey('reminder_join_now', 'a1', '2026-03-05T09:00:00.000Z')).toBe('reminder:join_now:a1:2026-03-05T09:00:00.000Z');
  });
});
