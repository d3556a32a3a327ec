import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { apiBooking, apiKeyFor, v1 } from '../integration/integration.fixture.ts';
import { verifySignature } from '../webhooks/webhook.signature.ts';
import type { CreatedAdminWebhookView, CreatedApiKeyView, DeliveryView, IntegrationsView } from './integrations-admin.schema.ts';

/** A webhook receiver on the loopback: records each request and answers `status`. */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const state = { status: 204 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = state.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/finestreta`, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(DIALECTS)('integrations in the administration console (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let adminB: Session;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    receiver = await startReceiver();
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    const g = t.orgA.accounts.find((x) => x.role === 'agent');
    const b = t.orgB.accounts.find((x) => x.role === 'admin');
    if (!a || !g || !b) throw new Error('seed without admin or agent');
    admin = await staffSession(t, a.email, a.password);
    agent = await staffSession(t, g.email, g.password);
    adminB = await staffSession(t, b.email, b.password, 'beta.test');
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, who: Session = admin, host = 'alfa.test') =>
    t.app.http.inject({ method, url, headers: { host, cookie: who.cookie, 'x-csrf-token': who.csrf }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const overview = async (who: Session = admin, host = 'alfa.test'): Promise<IntegrationsView> => {
    const res = await call('GET', '/api/admin/integrations', undefined, who, host);
    expect(res.statusCode).toBe(200);
    return res.json<{ data: IntegrationsView }>().data;
  };
  const auditOf = (action: string) => t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  it('is for administrators of the organisation only', async () => {
    expect((await t.app.http.inject({ method: 'GET', url: '/api/admin/integrations', headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    expect((await call('GET', '/api/admin/integrations', undefined, agent)).statusCode).toBe(403);
    expect((await call('POST', '/api/admin/api-keys', { name: 'x', scopes: ['catalogue:read'] }, agent)).statusCode).toBe(403);
    expect((await call('GET', '/api/admin/integrations', undefined, admin, 'beta.test')).statusCode).toBe(401);
  });

  let keyId = '';
  let secret = '';
  it('creates an API key, shows its secret once, lists its prefix only and audits it without the secret', async () => {
    const res = await call('POST', '/api/admin/api-keys', { name: '  Gestor d’expedients  ', scopes: ['catalogue:read', 'appointments:read', 'appointments:write', 'catalogue:read'] });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json<{ data: CreatedApiKeyView }>().data;
    keyId = created.apiKey.id;
    secret = created.secret;
    expect(secret).toMatch(new RegExp(`^fin_${created.apiKey.prefix}_`));
    expect(created.apiKey).toMatchObject({ name: 'Gestor d’expedients', scopes: ['catalogue:read', 'appointments:read', 'appointments:write'], revokedAt: null });
    const list = await call('GET', '/api/admin/integrations');
    expect(list.body).not.toContain(secret);
    expect(list.json<{ data: IntegrationsView }>().data.apiKeys.map((k) => k.id)).toContain(keyId);
    const audit = await auditOf('admin.api_key.created');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toContain(created.apiKey.prefix);
    expect(audit[0]?.details).not.toContain(secret);
    // The key works on the integration API.
    expect((await v1(t, 'GET', '/api/v1/procedures', { authorization: `Bearer ${secret}` })).statusCode).toBe(200);
    // Another organisation's administrator does not see it.
    expect((await overview(adminB, 'beta.test')).apiKeys.map((k) => k.id)).not.toContain(keyId);
  });

  it('refuses bad keys with the field paths, and creates nothing', async () => {
    const before = (await overview()).apiKeys.length;
    const issues = async (payload: unknown) => {
      const res = await call('POST', '/api/admin/api-keys', payload);
      expect(res.statusCode).toBe(400);
      return res.json<{ error: { details: { issues: { path: string; code: string }[] } } }>().error.details.issues;
    };
    expect(await issues({ name: '   ', scopes: ['catalogue:read'] })).toContainEqual({ path: 'name', code: 'required' });
    expect(await issues({ name: 'x'.repeat(101), scopes: ['catalogue:read'] })).toContainEqual({ path: 'name', code: 'too_long' });
    expect(await issues({ name: 'Sense permisos', scopes: [] })).toContainEqual({ path: 'scopes', code: 'required' });
    expect((await issues({ name: 'Inventat', scopes: ['everything'] })).some((i) => i.path.startsWith('scopes'))).toBe(true);
    expect((await overview()).apiKeys.length).toBe(before);
  });

  let webhookId = '';
  let webhookSecret = '';
  it('creates a webhook for a key, and lists every subscription of the organisation without secrets', async () => {
    // One made by the key itself through the integration API: the administrator sees it too.
    const own = await v1(t, 'POST', '/api/v1/webhooks', { authorization: `Bearer ${secret}`, payload: { url: 'https://example.org/own', events: ['appointment.cancelled'] } });
    expect(own.statusCode).toBe(201);
    const res = await call('POST', '/api/admin/webhooks', { apiKeyId: keyId, url: receiver.url, events: ['appointment.booked'] });
    expect(res.statusCode).toBe(201);
    const created = res.json<{ data: CreatedAdminWebhookView }>().data;
    webhookId = created.webhook.id;
    webhookSecret = created.secret;
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(created.webhook).toMatchObject({ url: receiver.url, events: ['appointment.booked'], apiKey: { id: keyId, revoked: false }, deliveries: [] });
    const list = await call('GET', '/api/admin/integrations');
    expect(list.body).not.toContain(webhookSecret);
    expect(list.json<{ data: IntegrationsView }>().data.webhooks.map((w) => w.url).sort()).toEqual(['https://example.org/own', receiver.url].sort());
    const audit = await auditOf('admin.webhook.created');
    expect(audit[0]?.details).toContain(receiver.url);
    expect(audit[0]?.details).not.toContain(webhookSecret);
  });

  it('refuses a webhook with a bad URL, no events, or a key that is not usable', async () => {
    const bad = await call('POST', '/api/admin/webhooks', { apiKeyId: keyId, url: 'ftp://example.org/x', events: [] });
    expect(bad.statusCode).toBe(400);
    const issues = bad.json<{ error: { details: { issues: { path: string; code: string }[] } } }>().error.details.issues;
    expect(issues).toContainEqual({ path: 'url', code: 'invalid_url' });
    expect(issues).toContainEqual({ path: 'events', code: 'required' });
    const other = await apiKeyFor(t, t.orgB.id);
    const res = await call('POST', '/api/admin/webhooks', { apiKeyId: other.id, url: receiver.url, events: ['appointment.booked'] });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ error: { id: string } }>().error.id).toBe('webhook_api_key_unusable');
  });

  it('sends a signed test event through the dispatcher and shows the delivery', async () => {
    const res = await call('POST', `/api/admin/webhooks/${webhookId}/test`, {});
    expect(res.statusCode).toBe(200);
    const { delivery } = res.json<{ data: { delivery: DeliveryView } }>().data;
    expect(delivery).toMatchObject({ kind: 'test', eventType: 'webhook.test', status: 'delivered', statusCode: 204, attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0];
    const timestamp = String(got?.headers['finestreta-timestamp']);
    expect(verifySignature(webhookSecret, String(got?.headers['finestreta-signature']), timestamp, got?.body ?? '', Number(timestamp))).toBe(true);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ type: 'webhook.test', organisation: { slug: 'alfa' }, data: { test: true } });
    expect(got?.headers['finestreta-event-type']).toBe('webhook.test');

    receiver.state.status = 500;
    t.clock.advance(1000);
    const failed = (await call('POST', `/api/admin/webhooks/${webhookId}/test`, {})).json<{ data: { delivery: DeliveryView } }>().data.delivery;
    expect(failed).toMatchObject({ status: 'failed', statusCode: 500, error: 'HTTP 500' });
    receiver.state.status = 204;
    const listed = (await overview()).webhooks.find((w) => w.id === webhookId);
    expect(listed?.deliveries.map((d) => d.statusCode)).toEqual([500, 204]);
  });

  it('lists real deliveries of appointment events with their status code and attempts', async () => {
    const padro = await procedureId(t, t.orgA.id);
    const booked = await v1(t, 'POST', '/api/v1/appointments', { authorization: `Bearer ${secret}`, payload: apiBooking(padro, '2026-03-03T08:00:00.000Z', 1) });
    expect(booked.statusCode).toBe(201);
    t.clock.advance(1000);
    await t.app.webhooks.runDue();
    const listed = (await overview()).webhooks.find((w) => w.id === webhookId);
    expect(listed?.deliveries[0]).toMatchObject({ kind: 'event', eventType: 'appointment.booked', status: 'delivered', statusCode: 204, attempts: 1 });
  });

  it('answers 404 for another organisation’s webhook or key', async () => {
    expect((await call('POST', `/api/admin/webhooks/${webhookId}/test`, {}, adminB, 'beta.test')).statusCode).toBe(404);
    expect((await call('DELETE', `/api/admin/webhooks/${webhookId}`, {}, adminB, 'beta.test')).statusCode).toBe(404);
    expect((await call('POST', `/api/admin/api-keys/${keyId}/revoke`, {}, adminB, 'beta.test')).statusCode).toBe(404);
  });

  it('deletes a webhook, audited', async () => {
    const before = receiver.received.length;
    expect((await call('DELETE', `/api/admin/webhooks/${webhookId}`, {})).statusCode).toBe(204);
    expect((await overview()).webhooks.map((w) => w.id)).not.toContain(webhookId);
    expect((await call('POST', `/api/admin/webhooks/${webhookId}/test`, {})).statusCode).toBe(404);
    expect(receiver.received.length).toBe(before);
    expect(await auditOf('admin.webhook.deleted')).toHaveLength(1);
  });

  it('revokes a key: the integration API refuses it at once; revoking again is refused', async () => {
    const res = await call('POST', `/api/admin/api-keys/${keyId}/revoke`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json<{ data: { revokedAt: string | null } }>().data.revokedAt).toBe(t.clock.now().toISOString());
    expect((await v1(t, 'GET', '/api/v1/procedures', { authorization: `Bearer ${secret}` })).statusCode).toBe(401);
    const again = await call('POST', `/api/admin/api-keys/${keyId}/revoke`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { id: string } }>().error.id).toBe('api_key_already_revoked');
    const audit = await auditOf('admin.api_key.revoked');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).not.toContain(secret);
    // Its remaining subscription is shown as belonging to a revoked key; creating one for it is refused.
    expect((await overview()).webhooks.every((w) => w.apiKey.revoked)).toBe(true);
    expect((await call('POST', '/api/admin/webhooks', { apiKeyId: keyId, url: receiver.url, events: ['appointment.booked'] })).statusCode).toBe(422);
  });
});
