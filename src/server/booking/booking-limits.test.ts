import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';

describe('booking rate limit per IP', () => {
  let t: TestApp;
  let padro: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { BOOKING_RATE_LIMIT_PER_HOUR: '2' } });
    padro = await procedureId(t, t.orgA.id);
  });
  afterAll(async () => t.close());

  it('answers 429 with a translated message and a retry time after the hourly limit', async () => {
    const at = (m: number) => new Date(Date.parse('2026-03-03T08:00:00.000Z') + m * 60_000).toISOString();
    expect((await book(t, { procedureId: padro, startsAt: at(0), citizen: { email: 'r1@example.org', idNumber: '10000001S' } })).statusCode).toBe(201);
    expect((await book(t, { procedureId: padro, startsAt: at(15), citizen: { email: 'r2@example.org', idNumber: '10000002Q' } })).statusCode).toBe(201);
    const third = await book(t, { procedureId: padro, startsAt: at(30), citizen: { email: 'r3@example.org', idNumber: '10000003V' } });
    expect(third.statusCode).toBe(429);
    expect(third.json().error.id).toBe('too_many_requests');
    expect(third.json().error.message).toContain('massa peticions');
    expect(third.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
    const rows = await t.ctx.db.selectFrom('appointments').select('id').where('citizen_email', '=', 'r3@example.org').execute();
    expect(rows).toHaveLength(0);
  });
});
