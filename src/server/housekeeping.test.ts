import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book, credentialsFrom } from '../../test/booking-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../test/test-app.ts';
import { purgeExpired } from './housekeeping.ts';

describe('housekeeping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('removes expired citizen sessions and spent challenges, and keeps live ones', async () => {
    const padro = await procedureId(t, t.orgA.id);
    await book(t, { procedureId: padro, startsAt: '2026-03-03T08:00:00.000Z', citizen: { email: 'hk@example.org' } });
    const { token, password } = credentialsFrom(t.mail.lastTo('hk@example.org'));
    await t.app.http.inject({ method: 'POST', url: '/api/citizen/session', headers: { host: 'alfa.test' }, payload: { token, password } });
    expect(await purgeExpired(t.ctx)).toEqual({ sessions: 0, challenges: 0, idempotencyKeys: 0 });
    // Challenges expire in wall-clock time (15 minutes after issue), sessions after 4 hours.
    const before = t.clock.now();
    t.clock.set(new Date(Math.max(Date.now(), before.getTime()) + 5 * 3_600_000));
    const purged = await purgeExpired(t.ctx);
    t.clock.set(before);
    expect(purged.sessions).toBe(1);
    expect(purged.challenges).toBe(1);
  });
});
