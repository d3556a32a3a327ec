import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book, credentialsFrom } from '../../test/booking-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../test/test-app.ts';
import { purgeExpired } from './housekeeping.ts';
import { exchangeLink, issueLink } from './uploader/uploader.service.ts';

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
    expect(await purgeExpired(t.ctx)).toEqual({ sessions: 0, challenges: 0, idempotencyKeys: 0, phoneLinks: 0 });
    // Challenges expire in wall-clock time (15 minutes after issue), sessions after 4 hours.
    const before = t.clock.now();
    t.clock.set(new Date(Math.max(Date.now(), before.getTime()) + 5 * 3_600_000));
    const purged = await purgeExpired(t.ctx);
    t.clock.set(before);
    expect(purged.sessions).toBe(1);
    expect(purged.challenges).toBe(1);
  });

  it('removes phone links once they can no longer be opened and their phone session has ended', async () => {
    const padro = await procedureId(t, t.orgA.id);
    await book(t, { procedureId: padro, startsAt: '2026-03-04T08:00:00.000Z', citizen: { email: 'hk-phone@example.org' } });
    const appointment = await t.ctx.db.selectFrom('appointments').selectAll().where('citizen_email', '=', 'hk-phone@example.org').executeTakeFirstOrThrow();
    const before = t.clock.now();
    // One link never opened (expires after 10 minutes), one opened by a phone (its session lasts 30 minutes from then).
    await issueLink(t.ctx, appointment, undefined, 'https://alfa.test');
    const opened = await issueLink(t.ctx, appointment, undefined, 'https://alfa.test');
    const org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    await exchangeLink(t.ctx, org, opened.url.split('/').pop() ?? '');
    const links = () => t.ctx.db.selectFrom('uploader_links').select('id').where('appointment_id', '=', appointment.id).execute();
    try {
      expect((await purgeExpired(t.ctx)).phoneLinks).toBe(0);
      t.clock.set(new Date(before.getTime() + 11 * 60_000));
      expect((await purgeExpired(t.ctx)).phoneLinks).toBe(1);
      expect(await links()).toEqual([{ id: opened.id }]);
      t.clock.set(new Date(before.getTime() + 31 * 60_000));
      expect((await purgeExpired(t.ctx)).phoneLinks).toBe(1);
      expect(await links()).toEqual([]);
    } finally {
      t.clock.set(before);
    }
  });
});
