import { describe, expect, it } from 'vitest';
import { sampleEvents } from '../../../test/evidence-package.ts';
import { canonicalJson, EventChain, eventHash, GENESIS, verifyEventChain } from './event-log.ts';

describe('the hash-chained event log', () => {
  it('serialises canonically: sorted keys, no whitespace, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1.5, y: 'é' } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":"é","z":1.5}}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });

  it('chains each event to the previous one, in server time, and goes on from a stored event', () => {
    const events = sampleEvents();
    expect(events[0]?.prev).toBe(GENESIS);
    for (let i = 1; i < events.length; i++) expect(events[i]?.prev).toBe(eventHash(events[i - 1] as never));
    expect(verifyEventChain(events)).toMatchObject({ ok: true, count: 5 });
    const last = events[events.length - 1];
    const resumed = new EventChain(last).append({ type: 'package.sealed', actor: 'system' }, new Date('2020-01-01T00:00:00Z'));
    expect(resumed.seq).toBe(6);
    // A clock that stepped back does not put the event before its predecessor.
    expect(resumed.at).toBe(last?.at);
    expect(verifyEventChain([...events, resumed])).toMatchObject({ ok: true, count: 6 });
  });

  it('names the first broken event: altered, reordered, removed or inserted', () => {
    const altered = sampleEvents().map((e) => ({ ...e, data: { ...e.data } }));
    (altered[2] as { data: Record<string, unknown> }).data.kind = 'id-back';
    expect(verifyEventChain(altered)).toMatchObject({ ok: false, seq: 4, index: 3 });

    const reordered = sampleEvents();
    [reordered[1], reordered[2]] = [reordered[2] as never, reordered[1] as never];
    expect(verifyEventChain(reordered)).toMatchObject({ ok: false, seq: 3, index: 1 });

    const removed = sampleEvents().filter((e) => e.seq !== 3);
    expect(verifyEventChain(removed)).toMatchObject({ ok: false, seq: 4 });

    const first = sampleEvents();
    expect(verifyEventChain([{ ...first[0], extra: 1 }, ...first.slice(1)])).toMatchObject({ ok: false, index: 0, reason: 'malformed event' });
  });
});
