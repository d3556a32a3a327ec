import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { computeAvailability, unitOf, type AvailabilityInput } from './availability.engine.ts';

const ZONE = 'Europe/Madrid';

function input(over: Partial<AvailabilityInput>): AvailabilityInput {
  return {
    timeZone: ZONE,
    fromDate: '2026-03-02',
    toDate: '2026-03-02',
    agentIds: ['a1'],
    weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ staffId: 'a1', weekday, start: '09:00', end: '11:00', validFrom: null, validTo: null })),
    exceptions: [],
    busy: [],
    durationMinutes: 30,
    bufferMinutes: 0,
    intervalMinutes: 30,
    earliestMs: 0,
    latestMs: Number.MAX_SAFE_INTEGER,
    ...over,
  };
}

const utc = (ms: number) => new Date(ms).toISOString();

describe('slot computation across daylight-saving changes (Europe/Madrid)', () => {
  it('keeps 09:00 local on both sides of the March change: 08:00Z before, 07:00Z after', () => {
    const days = computeAvailability(input({ fromDate: '2026-03-28', toDate: '2026-03-30' }));
    expect(days.map((d) => d.date)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(utc(days[0]?.slots[0]?.startMs ?? 0)).toBe('2026-03-28T08:00:00.000Z');
    expect(utc(days[1]?.slots[0]?.startMs ?? 0)).toBe('2026-03-29T07:00:00.000Z');
    expect(utc(days[2]?.slots[0]?.startMs ?? 0)).toBe('2026-03-30T07:00:00.000Z');
    expect(days.every((d) => d.slots.map((s) => s.localTime).join() === '09:00,09:30,10:00,10:30')).toBe(true);
  });

  it('keeps 09:00 local across the October change: 07:00Z before, 08:00Z after', () => {
    const days = computeAvailability(input({ fromDate: '2026-10-24', toDate: '2026-10-26' }));
    expect(days.map((d) => utc(d.slots[0]?.startMs ?? 0))).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('offers only the real two hours of a 01:00–04:00 window on the night clocks skip 02:00–03:00', () => {
    const weekly = [{ staffId: 'a1', weekday: 7, start: '01:00', end: '04:00', validFrom: null, validTo: null }];
    const [day] = computeAvailability(input({ fromDate: '2026-03-29', toDate: '2026-03-29', weekly, intervalMinutes: 30 }));
    expect(day?.slots.map((s) => s.localTime)).toEqual(['01:00', '01:30', '03:00', '03:30']);
    const starts = day?.slots.map((s) => s.startMs) ?? [];
    // Consecutive real half-hours, no phantom slot inside the gap.
    expect(starts.slice(1).map((s, i) => (s - (starts[i] ?? 0)) / 60_000)).toEqual([30, 30, 30]);
  });

  it('offers the four real hours of a 01:00–04:00 window on the night 02:00–03:00 happens twice', () => {
    const weekly = [{ staffId: 'a1', weekday: 7, start: '01:00', end: '04:00', validFrom: null, validTo: null }];
    const [day] = computeAvailability(input({ fromDate: '2026-10-25', toDate: '2026-10-25', weekly, intervalMinutes: 60 }));
    expect(day?.slots.map((s) => s.localTime)).toEqual(['01:00', '02:00', '02:00', '03:00']);
    expect(new Set(day?.slots.map((s) => s.startMs)).size).toBe(4);
  });
});

describe('capacity, occupancy and limits', () => {
  const twoAgents = {
    agentIds: ['a1', 'a2'],
    weekly: ['a1', 'a2'].map((staffId) => ({ staffId, weekday: 1, start: '09:00', end: '10:00', validFrom: null, validTo: null })),
  };

  it('counts the agents free for a slot as its capacity', () => {
    const [day] = computeAvailability(input(twoAgents));
    expect(day?.slots.map((s) => s.agentIds.length)).toEqual([2, 2]);
  });

  it('removes an agent from every slot overlapping an appointment plus its buffer', () => {
    const start = DateTime.fromISO('2026-03-02T09:00', { zone: ZONE }).toMillis();
    const busy = [{ agentId: 'a1', startUnit: unitOf(start), endUnit: unitOf(start + 40 * 60_000) }];
    const [day] = computeAvailability(input({ ...twoAgents, busy }));
    expect(day?.slots.map((s) => s.agentIds)).toEqual([['a2'], ['a2']]);
  });

  it('hides full slots unless asked, then lists them with capacity 0', () => {
    const start = DateTime.fromISO('2026-03-02T09:00', { zone: ZONE }).toMillis();
    const busy = [{ agentId: 'a1', startUnit: unitOf(start), endUnit: unitOf(start + 30 * 60_000) }];
    expect(computeAvailability(input({ busy }))[0]?.slots.map((s) => s.localTime)).toEqual(['09:30', '10:00', '10:30']);
    const full = computeAvailability(input({ busy, includeFull: true }))[0]?.slots;
    expect(full?.map((s) => [s.localTime, s.agentIds.length])).toEqual([
      ['09:00', 0],
      ['09:30', 1],
      ['10:00', 1],
      ['10:30', 1],
    ]);
  });

  it('needs duration plus buffer inside the window', () => {
    const [day] = computeAvailability(input({ durationMinutes: 30, bufferMinutes: 10, intervalMinutes: 15 }));
    expect(day?.slots.at(-1)?.localTime).toBe('10:15');
  });

  it('never offers a slot before the minimum notice or after the maximum advance', () => {
    const earliest = DateTime.fromISO('2026-03-02T09:45', { zone: ZONE }).toMillis();
    const latest = DateTime.fromISO('2026-03-02T10:00', { zone: ZONE }).toMillis();
    const [day] = computeAvailability(input({ earliestMs: earliest, latestMs: latest }));
    expect(day?.slots.map((s) => s.localTime)).toEqual(['10:00']);
  });

  it('closes the whole day on an organisation holiday and part of it on a partial closure', () => {
    const holiday = computeAvailability(
      input({ exceptions: [{ staffId: null, date: '2026-03-02', kind: 'closed', start: null, end: null }] }),
    );
    expect(holiday[0]?.slots).toEqual([]);
    const partial = computeAvailability(
      input({ exceptions: [{ staffId: null, date: '2026-03-02', kind: 'closed', start: '09:30', end: '10:30' }] }),
    );
    expect(partial[0]?.slots.map((s) => s.localTime)).toEqual(['09:00', '10:30']);
  });

  it('replaces an agent’s weekly hours with special hours and honours an agent’s absence', () => {
    const special = computeAvailability(
      input({ exceptions: [{ staffId: 'a1', date: '2026-03-02', kind: 'open', start: '16:00', end: '17:00' }] }),
    );
    expect(special[0]?.slots.map((s) => s.localTime)).toEqual(['16:00', '16:30']);
    const absent = computeAvailability(
      input({ ...twoAgents, exceptions: [{ staffId: 'a1', date: '2026-03-02', kind: 'closed', start: null, end: null }] }),
    );
    expect(absent[0]?.slots.map((s) => s.agentIds)).toEqual([['a2'], ['a2']]);
  });

  it('applies weekly windows only within their validity dates', () => {
    const weekly = [{ staffId: 'a1', weekday: 1, start: '09:00', end: '10:00', validFrom: '2026-03-09', validTo: null }];
    const days = computeAvailability(input({ weekly, fromDate: '2026-03-02', toDate: '2026-03-09' }));
    expect(days[0]?.slots).toEqual([]);
    expect(days.at(-1)?.slots.length).toBe(2);
  });
});
