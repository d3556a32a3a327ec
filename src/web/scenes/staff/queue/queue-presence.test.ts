import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../../../shared/signalling.ts';
import { clockOffset, entryActions, msUntilNextMinute, sortQueue, upsertEntry, waitingMinutes } from './queue-presence.ts';
import { quickMessageOf } from './quick-message.ts';

const T0 = Date.parse('2026-03-30T08:00:00Z');

function entry(patch: Partial<QueueEntry> = {}): QueueEntry {
  return {
    appointmentId: 'a1',
    reference: 'FIN-0001',
    startsAt: '2026-03-30T08:00:00Z',
    endsAt: '2026-03-30T08:20:00Z',
    citizenName: 'Jordi Vila',
    procedureName: 'Padró',
    agentId: 's1',
    presence: 'not_arrived',
    waitingSince: null,
    recordingConsent: null,
    ...patch,
  };
}

/** The `live.queue.presence` message of a catalogue, formatted. */
function presence(lang: 'ca' | 'es' | 'en', values: { presence: string; minutes: number }): string {
  const url = new URL(`../../../i18n/locales/live/${lang}.json`, import.meta.url);
  const catalogue = JSON.parse(readFileSync(url, 'utf8')) as { live: { queue: { presence: string } } };
  return String(new IntlMessageFormat(catalogue.live.queue.presence, lang).format(values));
}

describe('minutes waiting', () => {
  it('counts whole minutes since the citizen started waiting, only while waiting', () => {
    const waiting = entry({ presence: 'waiting', waitingSince: new Date(T0).toISOString() });
    expect(waitingMinutes(waiting, T0 + 59_999)).toBe(0);
    expect(waitingMinutes(waiting, T0 + 60_000)).toBe(1);
    expect(waitingMinutes(waiting, T0 + 12.5 * 60_000)).toBe(12);
    // A server stamp slightly ahead of the corrected clock is not a negative wait.
    expect(waitingMinutes(waiting, T0 - 3_000)).toBe(0);
    expect(waitingMinutes(entry({ presence: 'in_call', waitingSince: new Date(T0).toISOString() }), T0 + 600_000)).toBeNull();
    expect(waitingMinutes(entry({ presence: 'waiting', waitingSince: null }), T0)).toBeNull();
  });

  it('says when the next figure shown changes, for the soonest of several', () => {
    const a = entry({ appointmentId: 'a', presence: 'waiting', waitingSince: new Date(T0).toISOString() });
    const b = entry({ appointmentId: 'b', presence: 'waiting', waitingSince: new Date(T0 + 45_000).toISOString() });
    expect(msUntilNextMinute([a], T0 + 10_000)).toBe(50_000);
    expect(msUntilNextMinute([a, b], T0 + 70_000)).toBe(35_000); // b turns 1 minute at T0 + 105 s
    expect(msUntilNextMinute([entry()], T0)).toBeNull();
  });

  it('reads the server clock’s lead from a stamped message', () => {
    expect(clockOffset(new Date(T0 + 2_500).toISOString(), T0)).toBe(2_500);
    expect(clockOffset('not a date', T0)).toBe(0);
  });

  it('is written out in words, in every language', () => {
    expect(presence('en', { presence: 'waiting', minutes: 0 })).toBe('Waiting less than a minute');
    expect(presence('en', { presence: 'waiting', minutes: 1 })).toBe('Waiting 1 minute');
    expect(presence('en', { presence: 'waiting', minutes: 7 })).toBe('Waiting 7 minutes');
    expect(presence('ca', { presence: 'waiting', minutes: 7 })).toBe('Espera des de fa 7 minuts');
    expect(presence('es', { presence: 'waiting', minutes: 1 })).toBe('Esperando desde hace 1 minuto');
    expect(presence('en', { presence: 'not_arrived', minutes: 0 })).toBe('Not arrived');
    expect(presence('ca', { presence: 'in_call', minutes: 0 })).toBe('En trucada');
    expect(presence('es', { presence: 'left', minutes: 0 })).toBe('Se ha ido');
  });
});

describe('queue list', () => {
  it('keeps entries in time order as they change one at a time', () => {
    const early = entry({ appointmentId: 'early', startsAt: '2026-03-30T07:40:00Z' });
    const late = entry({ appointmentId: 'late', startsAt: '2026-03-30T09:00:00Z' });
    const list = sortQueue([late, early]);
    expect(list.map((e) => e.appointmentId)).toEqual(['early', 'late']);
    const updated = upsertEntry(list, { ...late, presence: 'waiting' });
    expect(updated.map((e) => [e.appointmentId, e.presence])).toEqual([
      ['early', 'not_arrived'],
      ['late', 'waiting'],
    ]);
    expect(upsertEntry(updated, entry({ appointmentId: 'mid', startsAt: '2026-03-30T08:30:00Z' })).map((e) => e.appointmentId)).toEqual([
      'early',
      'mid',
      'late',
    ]);
  });

  it('offers the actions that make sense where the citizen is', () => {
    expect(entryActions('waiting')).toEqual({ admit: true, rejoin: false, message: true, returnToWaiting: false, noShow: false });
    expect(entryActions('in_call')).toEqual({ admit: false, rejoin: true, message: false, returnToWaiting: true, noShow: false });
    expect(entryActions('not_arrived')).toMatchObject({ admit: false, noShow: true });
    expect(entryActions('left')).toMatchObject({ admit: false, noShow: true });
  });
});

describe('quick messages', () => {
  it('needs a template, and minutes from 1 to 120 for "running late"', () => {
    expect(quickMessageOf({ template: '', minutes: '' })).toEqual({ error: 'template' });
    expect(quickMessageOf({ template: 'coming_now', minutes: 'ignored' })).toEqual({ message: { template: 'coming_now' } });
    expect(quickMessageOf({ template: 'running_late', minutes: ' 5 ' })).toEqual({ message: { template: 'running_late', minutes: 5 } });
    for (const minutes of ['', '0', '121', '2.5', 'cinc', '-3']) {
      expect(quickMessageOf({ template: 'running_late', minutes }), minutes).toEqual({ error: 'minutes' });
    }
  });
});
