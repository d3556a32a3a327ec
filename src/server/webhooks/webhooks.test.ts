import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { apiKeyFor, v1 } from '../integration/integration.fixture.ts';
import { MAX_SUBSCRIPTIONS_PER_KEY } from './webhooks.schema.ts';

describe.each(DIALECTS)('webhook subscriptions (%s)', (dialect) => {
  let t: TestApp;
  let mine: string;
  let catalogueOnly: string;
  let keyB: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    mine = (await apiKeyFor(t, t.orgA.id, ['appointments:read'])).authorization;
    catalogueOnly = (await apiKeyFor(t, t.orgA.id, ['catalogue:read'])).authorization;
    keyB = (await apiKeyFor(t, t.orgB.id)).authorization;
  });
  afterAll(async () => t.close());

  const subscribe = (authorization: string, payload: unknown, host = 'alfa.test') => v1(t, 'POST', '/api/v1/webhooks', { authorization, payload, host });

  it('needs a key of the organisation with appointments:read', async () => {
    const body = { url: 'https://example.org/hook', events: ['appointment.booked'] };
    expect((await v1(t, 'POST', '/api/v1/webhooks', { payload: body })).statusCode).toBe(401);
    expect((await subscribe(keyB, body)).statusCode).toBe(401);
    const res = await subscribe(catalogueOnly, body);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ id: 'insufficient_scope', details: { scope: 'appointments:read' } });
    expect((await v1(t, 'GET', '/api/v1/webhooks', { authorization: catalogueOnly })).statusCode).toBe(403);
  });

  it('creates a subscription and shows its signing secret only once', async () => {
    const res = await subscribe(mine, {
      url: 'http://citas.intranet.ajuntament:8080/finestreta?token=abc',
      events: ['appointment.booked', 'appointment.cancelled', 'appointment.booked'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json().data;
    expect(created).toEqual({
      id: expect.any(String),
      url: 'http://citas.intranet.ajuntament:8080/finestreta?token=abc',
      events: ['appointment.booked', 'appointment.cancelled'],
      createdAt: t.clock.now().toISOString(),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    // At rest it is sealed under the master key, never stored in clear.
    const stored = await t.ctx.db.selectFrom('webhook_subscriptions').select('secret').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(created.secret.slice(6));
    const list = await v1(t, 'GET', '/api/v1/webhooks', { authorization: mine });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([{ id: created.id, url: created.url, events: created.events, createdAt: created.createdAt }]);
    expect(list.body).not.toContain(created.secret);
  });

  it('accepts any http(s) URL, internal ones too, and refuses others with the field paths', async () => {
    expect((await subscribe(mine, { url: 'http://10.20.0.7/hook', events: ['appointment.rescheduled'] })).statusCode).toBe(201);
    const cases: [unknown, { path: string; code: string }][] = [
      [{ url: 'ftp://example.org/x', events: ['appointment.booked'] }, { path: 'url', code: 'invalid_url' }],
      [{ url: 'not a url', events: ['appointment.booked'] }, { path: 'url', code: 'invalid_url' }],
      [{ url: 'https://user:pw@example.org/x', events: ['appointment.booked'] }, { path: 'url', code: 'url_has_credentials' }],
      [{ url: 'https://example.org/x', events: [] }, { path: 'events', code: 'required' }],
      [{ url: 'https://example.org/x', events: ['appointment.exploded'] }, { path: 'events.0', code: expect.any(String) as string }],
      [{ events: ['appointment.booked'] }, { path: 'url', code: expect.any(String) as string }],
    ];
    for (const [payload, issue] of cases) {
      const res = await subscribe(mine, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.id).toBe('validation_failed');
      expect(res.json().error.details.issues).toContainEqual(issue);
    }
  });

  it('deletes only the key’s own subscriptions: another key’s or organisation’s is 404', async () => {
    const other = await apiKeyFor(t, t.orgA.id, ['appointments:read']);
    const theirs = (await subscribe(other.authorization, { url: 'https://example.org/a', events: ['appointment.booked'] })).json().data.id as string;
    const ofB = (await subscribe(keyB, { url: 'https://example.org/b', events: ['appointment.booked'] }, 'beta.test')).json().data.id as string;
    for (const id of [theirs, ofB, '00000000-0000-4000-8000-000000000000']) {
      const res = await v1(t, 'DELETE', `/api/v1/webhooks/${id}`, { authorization: mine });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.id).toBe('not_found');
    }
    const own = await v1(t, 'DELETE', `/api/v1/webhooks/${theirs}`, { authorization: other.authorization });
    expect(own.statusCode).toBe(204);
    expect(own.body).toBe('');
    expect((await v1(t, 'GET', '/api/v1/webhooks', { authorization: other.authorization })).json().data).toEqual([]);
    expect((await v1(t, 'DELETE', `/api/v1/webhooks/${theirs}`, { authorization: other.authorization })).statusCode).toBe(404);
  });

  it(`allows at most ${MAX_SUBSCRIPTIONS_PER_KEY} subscriptions per key`, async () => {
    const k = await apiKeyFor(t, t.orgA.id, ['appointments:read']);
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_KEY; i++) {
      expect((await subscribe(k.authorization, { url: `https://example.org/${i}`, events: ['appointment.booked'] })).statusCode).toBe(201);
    }
    const res = await subscribe(k.authorization, { url: 'https://example.org/one-more', events: ['appointment.booked'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ id: 'too_many_webhooks', details: { max: MAX_SUBSCRIPTIONS_PER_KEY } });
    expect(res.json().error.message).toContain('10 webhook subscriptions');
  });
});
