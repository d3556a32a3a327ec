import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { apiBooking, apiKeyFor, v1 } from '../integration/integration.fixture.ts';
import type { WebhookEventPayload } from './webhook-events.ts';
import { retryDelayMs, WEBHOOK_RETENTION_MS, WebhookDispatcher } from './webhook.dispatcher.ts';
import { verifySignature } from './webhook.signature.ts';

/** One request as the receiver saw it. */
interface Received {
  path: string;
  eventId: string;
  type: string;
  timestamp: string;
  signature: string;
  body: string;
  status: number;
}

/**
 * The town's appointment system, as far as webhooks go: a real HTTP server on
 * 127.0.0.1 that answers with `answer(n)` for its n-th request (0-based) and
 * accepts each event once, de-duplicating by `Finestreta-Event-Id`.
 */
async function startReceiver(answer: (n: number) => number | 'hang' = () => 200) {
  const requests: Received[] = [];
  const accepted = new Map<string, Received>();
  let duplicates = 0;
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(requests.length);
      const header = (name: string) => String(req.headers[name] ?? '');
      const r: Received = {
        path: req.url ?? '',
        eventId: header('finestreta-event-id'),
        type: header('finestreta-event-type'),
        timestamp: header('finestreta-timestamp'),
        signature: header('finestreta-signature'),
        body: Buffer.concat(chunks).toString('utf8'),
        status: status === 'hang' ? 0 : status,
      };
      requests.push(r);
      if (status === 'hang') {
        hanging.push(res);
        return;
      }
      if (status >= 200 && status < 300) {
        const key = `${r.path} ${r.eventId}`;
        if (accepted.has(key)) duplicates++;
        else accepted.set(key, r);
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    accepted,
    duplicates: () => duplicates,
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('retry delays', () => {
  it('grow exponentially from 30 s to a 6 h cap, with jitter within [half, full]', () => {
    expect(retryDelayMs(1, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, () => 1)).toBe(30_000);
    expect(retryDelayMs(4, () => 1)).toBe(240_000);
    expect(retryDelayMs(30, () => 1)).toBe(6 * 3_600_000);
    expect(retryDelayMs(30, () => 0)).toBe(3 * 3_600_000);
  });
});

describe.each(DIALECTS)('webhook deliveries (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let key: { id: string; authorization: string };
  let receiver: Receiver;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
    key = await apiKeyFor(t, t.orgA.id);
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const pending = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('webhook_deliveries')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Runs the dispatcher, moving the clock past every backoff, until nothing is pending. */
  const drive = async (dispatcher: WebhookDispatcher = t.app.webhooks, rounds = 20) => {
    for (let i = 0; i < rounds && (await pending()) > 0; i++) {
      await dispatcher.runDue();
      t.clock.advance(10 * 60_000);
    }
  };
  const subscribe = async (url: string, events = ['appointment.booked', 'appointment.cancelled', 'appointment.rescheduled']) => {
    const res = await v1(t, 'POST', '/api/v1/webhooks', { authorization: key.authorization, payload: { url, events } });
    expect(res.statusCode).toBe(201);
    return res.json().data as { id: string; secret: string };
  };
  const unsubscribeAll = async () => {
    const list = (await v1(t, 'GET', '/api/v1/webhooks', { authorization: key.authorization })).json().data as { id: string }[];
    for (const s of list) await v1(t, 'DELETE', `/api/v1/webhooks/${s.id}`, { authorization: key.authorization });
  };

  it('delivers every event to the town’s system exactly once, signed, through its outage', async () => {
    // Two failures first, as if the town's system were restarting.
    receiver = await startReceiver((n) => (n < 2 ? 500 : 200));
    const { secret } = await subscribe(receiver.url());
    const startedAt = t.clock.now().getTime();

    const body = apiBooking(padro, '2026-03-03T08:00:00.000Z', 1);
    const headers = { 'idempotency-key': 'sync-0001' };
    const first = await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: body, headers });
    const again = await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: body, headers });
    expect(first.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const booked = first.json().data.id as string;

    const toCancel = (await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: apiBooking(padro, '2026-03-03T09:00:00.000Z', 2) })).json().data.id as string;
    const toMove = (await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: apiBooking(padro, '2026-03-03T10:00:00.000Z', 3) })).json().data.id as string;
    expect((await v1(t, 'POST', `/api/v1/appointments/${toCancel}/cancel`, { authorization: key.authorization, payload: {} })).statusCode).toBe(200);
    const moved = await v1(t, 'POST', `/api/v1/appointments/${toMove}/reschedule`, { authorization: key.authorization, payload: { startsAt: '2026-03-04T10:00:00.000Z' } });
    expect(moved.statusCode).toBe(200);

    await drive();
    const endedAt = t.clock.now().getTime();

    const events = await t.ctx.db.selectFrom('webhook_events').select(['id', 'type', 'appointment_id']).where('organisation_id', '=', t.orgA.id).execute();
    expect(events.map((e) => `${e.type} ${e.appointment_id}`).sort()).toEqual(
      [`appointment.booked ${booked}`, `appointment.booked ${toCancel}`, `appointment.booked ${toMove}`, `appointment.cancelled ${toCancel}`, `appointment.rescheduled ${toMove}`].sort(),
    );
    // Nothing lost, nothing twice: 5 events accepted once each, after the 2 refused attempts.
    expect([...receiver.accepted.values()].map((r) => r.eventId).sort()).toEqual(events.map((e) => e.id).sort());
    expect(receiver.duplicates()).toBe(0);
    expect(receiver.requests.length).toBe(7);
    expect(receiver.requests.filter((r) => r.status === 500).length).toBe(2);
    const statuses = await t.ctx.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
    expect(statuses.every((d) => d.status === 'delivered')).toBe(true);
    expect(statuses.map((d) => d.attempts).sort()).toEqual([1, 1, 1, 2, 2]);

    for (const r of receiver.requests) {
      const ts = Number(r.timestamp);
      // Signed with the subscription's secret over `timestamp.body`, at server time during the run.
      expect(verifySignature(secret, r.signature, r.timestamp, r.body, ts)).toBe(true);
      expect(verifySignature('whsec_wrong', r.signature, r.timestamp, r.body, ts)).toBe(false);
      expect(ts * 1000).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
      expect(ts * 1000).toBeLessThanOrEqual(endedAt);
      const payload = JSON.parse(r.body);
      expect(payload.id).toBe(r.eventId);
      expect(payload.type).toBe(r.type);
      expect(payload.organisation).toEqual({ id: t.orgA.id, slug: 'alfa' });
      expect(Date.parse(payload.occurredAt)).toBeLessThanOrEqual(ts * 1000);
    }
    // A retry carries the very same body, so receivers can compare or de-duplicate.
    const refused = receiver.requests.filter((r) => r.status === 500);
    for (const r of refused) expect(receiver.accepted.get(`/hook ${r.eventId}`)?.body).toBe(r.body);

    const payloads = [...receiver.accepted.values()].map((r) => JSON.parse(r.body) as WebhookEventPayload);
    const byType = (type: string, id: string) => payloads.find((p) => p.type === type && p.data.appointment.id === id);
    expect(byType('appointment.cancelled', toCancel)?.data.appointment.status).toBe('cancelled');
    const rescheduled = byType('appointment.rescheduled', toMove);
    expect(rescheduled?.data).toMatchObject({ previousStartsAt: '2026-03-03T10:00:00.000Z', appointment: { startsAt: '2026-03-04T10:00:00.000Z' } });
    expect(byType('appointment.booked', booked)?.data.appointment).toEqual(first.json().data);
    expect(JSON.stringify([...receiver.accepted.values()].map((r) => r.body))).not.toMatch(/hash|12345678|600000/i);
    await unsubscribeAll();
  });

  it('publishes bookings made on the citizen web too, only the types asked for', async () => {
    await receiver.close();
    receiver = await startReceiver();
    await subscribe(receiver.url('/only-cancelled'), ['appointment.cancelled']);
    await subscribe(receiver.url('/only-booked'), ['appointment.booked']);
    const res = await book(t, { procedureId: padro, startsAt: '2026-03-05T08:00:00.000Z', citizen: { email: 'web@example.org', idNumber: '00000023T' } });
    expect(res.statusCode).toBe(201);
    await drive();
    expect(receiver.requests.map((r) => `${r.path} ${r.type}`)).toEqual(['/only-booked appointment.booked']);
    await unsubscribeAll();
  });

  it('never lets two dispatchers send the same delivery', async () => {
    await receiver.close();
    receiver = await startReceiver();
    for (const path of ['/a', '/b', '/c', '/d']) await subscribe(receiver.url(path));
    for (const [i, startsAt] of ['2026-03-06T08:00:00.000Z', '2026-03-06T09:00:00.000Z', '2026-03-06T10:00:00.000Z'].entries()) {
      expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: apiBooking(padro, startsAt, 10 + i) })).statusCode).toBe(201);
    }
    const others = [new WebhookDispatcher(t.ctx), new WebhookDispatcher(t.ctx), t.app.webhooks];
    const sent = await Promise.all(others.map((d) => d.runDue()));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(12);
    expect(receiver.requests.length).toBe(12);
    expect(receiver.accepted.size).toBe(12);
    expect(receiver.duplicates()).toBe(0);
    await unsubscribeAll();
  });

  it('gives up after the last attempt, shows dead deliveries in metrics, and times out slow receivers', async () => {
    await receiver.close();
    receiver = await startReceiver((n) => (n === 0 ? 'hang' : 503));
    await subscribe(receiver.url('/down'));
    const impatient = new WebhookDispatcher(t.ctx, { maxAttempts: 3, timeoutMs: 200 });
    expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: apiBooking(padro, '2026-03-09T08:00:00.000Z', 20) })).statusCode).toBe(201);

    expect(await impatient.runDue()).toBe(0);
    const afterTimeout = await t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(afterTimeout).toMatchObject({ attempts: 1, last_status: null, last_error: 'timeout' });
    expect(Date.parse(afterTimeout.next_attempt_at)).toBeGreaterThan(t.clock.now().getTime());

    await drive(impatient);
    const dead = await t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', afterTimeout.id).executeTakeFirstOrThrow();
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, last_status: 503, last_error: 'HTTP 503' });
    expect(receiver.requests.length).toBe(3);
    expect(await impatient.metrics()).toContain('finestreta_webhook_deliveries{status="dead"} 1');
    await unsubscribeAll();
  });

  it('stops delivering when the subscription is deleted or the key revoked', async () => {
    await receiver.close();
    receiver = await startReceiver();
    await subscribe(receiver.url('/deleted'));
    expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: apiBooking(padro, '2026-03-10T08:00:00.000Z', 30) })).statusCode).toBe(201);
    await unsubscribeAll();
    await subscribe(receiver.url('/revoked'));
    expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: key.authorization, payload: apiBooking(padro, '2026-03-10T09:00:00.000Z', 31) })).statusCode).toBe(201);
    await t.ctx.db.updateTable('api_keys').set({ revoked_at: t.clock.now().toISOString() }).where('id', '=', key.id).execute();
    await drive();
    expect(receiver.requests).toEqual([]);
    const discarded = await t.ctx.db.selectFrom('webhook_deliveries').select('status').where('status', '=', 'discarded').execute();
    expect(discarded.length).toBe(2);
    // New changes are not even queued for a revoked key's subscriptions.
    const before = (await t.ctx.db.selectFrom('webhook_deliveries').select('id').execute()).length;
    const other = await apiKeyFor(t, t.orgA.id);
    expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: other.authorization, payload: apiBooking(padro, '2026-03-10T10:00:00.000Z', 32) })).statusCode).toBe(201);
    expect((await t.ctx.db.selectFrom('webhook_deliveries').select('id').execute()).length).toBe(before);
  });

  it('never sends unsigned: a secret sealed under another master key fails the attempt', async () => {
    await receiver.close();
    receiver = await startReceiver();
    const k = await apiKeyFor(t, t.orgA.id);
    const sub = await v1(t, 'POST', '/api/v1/webhooks', { authorization: k.authorization, payload: { url: receiver.url('/sealed'), events: ['appointment.booked'] } });
    await t.ctx.db.updateTable('webhook_subscriptions').set({ secret: 'v1.AAAA.BBBB.CCCC' }).where('id', '=', sub.json().data.id).execute();
    expect((await v1(t, 'POST', '/api/v1/appointments', { authorization: k.authorization, payload: apiBooking(padro, '2026-03-11T08:00:00.000Z', 40) })).statusCode).toBe(201);
    expect(await t.app.webhooks.runDue()).toBe(0);
    expect(receiver.requests).toEqual([]);
    const d = await t.ctx.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', sub.json().data.id).executeTakeFirstOrThrow();
    expect(d).toMatchObject({ status: 'pending', attempts: 1, last_error: 'secret unreadable: check MASTER_KEY' });
    await t.ctx.db.updateTable('webhook_deliveries').set({ status: 'dead' }).where('id', '=', d.id).execute();
  });

  it('forgets events and finished deliveries after 30 days', async () => {
    const events = async () => (await t.ctx.db.selectFrom('webhook_events').select('id').execute()).length;
    expect(await events()).toBeGreaterThan(0);
    t.clock.advance(WEBHOOK_RETENTION_MS + 24 * 3_600_000);
    await new WebhookDispatcher(t.ctx).runDue();
    expect(await events()).toBe(0);
    expect(await t.ctx.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
  });
});
