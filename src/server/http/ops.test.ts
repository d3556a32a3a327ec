import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { maskUrl } from './logging.ts';

describe('operations and security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('reports health, readiness with migrations applied, and Prometheus metrics', async () => {
    expect((await t.app.http.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.http.inject('/readyz')).json()).toEqual({ status: 'ready' });
    await t.app.http.inject({ url: '/api/public/procedures', headers: { host: 'alfa.test' } });
    const metrics = await t.app.http.inject('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/finestreta_http_requests_total\{method="GET",route="\/api\/public\/procedures",status="2xx"\} \d+/);
    expect(metrics.body).toContain('finestreta_webhook_deliveries{status="dead"} 0');
  });

  it('sends a strict CSP, no framing, nosniff and no referrer', async () => {
    const res = await t.app.http.inject({ url: '/api/public/organisation', headers: { host: 'alfa.test' } });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers unknown API paths with a translated 404 in the envelope', async () => {
    const res = await t.app.http.inject({ url: '/api/nothing-here', headers: { host: 'alfa.test', 'accept-language': 'en' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ id: 'not_found', message: 'We could not find what you are looking for.' });
    expect(res.json().error.requestId).toMatch(/[0-9a-f-]{36}/);
    expect(res.headers['x-request-id']).toBe(res.json().error.requestId);
  });

  it('masks personal-link tokens in logged URLs', () => {
    expect(maskUrl('/a/abcDEF123_-xyz?action=cancel')).toBe('/a/***?action=cancel');
    expect(maskUrl('/o/demo/a/abcDEF123')).toBe('/o/demo/a/***');
    expect(maskUrl('/x?token=secret&y=1')).toBe('/x?token=***&y=1');
    // Phone links too; the uploader API's own paths are no token.
    expect(maskUrl('/o/demo/u/abcdefghijklmnopqrstuvwxyz234567abcdefg')).toBe('/o/demo/u/***');
    expect(maskUrl('/api/uploader/uploads/0123abcd')).toBe('/api/uploader/uploads/0123abcd');
  });
});
