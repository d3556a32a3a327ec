import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { escapeHtml, renderSchema } from './api-docs.render.ts';

type Json = Record<string, unknown>;

/** Every `$ref` in a document. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) refs(v, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe.each(DIALECTS)('OpenAPI document and reference page (%s)', (dialect) => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const res = await t.app.http.inject({ url: '/api/v1/openapi.json', headers: { host: 'alfa.test' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    doc = res.json();
  });
  afterAll(async () => t.close());

  const paths = () => doc.paths as Record<string, Record<string, Json>>;
  const components = () => doc.components as { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };

  it('is an OpenAPI 3.1 document with the bearer scheme, the error envelope and the caller’s server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: 'http://alfa.test' }]);
    expect(components().securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect(components().schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
    // Every reference resolves.
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(components().schemas, ref).toHaveProperty(ref.replace('#/components/schemas/', ''));
    }
    for (const [path, item] of Object.entries(paths())) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.responses, `${method} ${path}`).toBeTruthy();
        expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.values(op.responses as Record<string, Json>).every((r) => typeof r.description === 'string' && r.description !== 'Default Response')).toBe(true);
      }
    }
  });

  it('lists every v1 route and nothing else, each with its scope and its error answers', () => {
    const routes = t.app.routes
      .filter((r) => r.url.startsWith('/api/v1/') && !['/api/v1/openapi.json', '/api/v1/docs', '/api/v1/docs.css'].includes(r.url))
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(paths())
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`))
      .sort();
    expect(routes.length).toBe(9);
    expect(documented).toEqual(routes);
    for (const item of Object.values(paths())) {
      for (const op of Object.values(item)) {
        expect(op.security).toEqual([{ apiKey: [expect.stringMatching(/^(catalogue:read|appointments:read|appointments:write)$/)] }]);
        expect((op.responses as Json)['401']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
      }
    }
  });

  it('requires the citizen’s fields in the request body of POST /appointments, and documents Idempotency-Key', () => {
    const op = paths()['/api/v1/appointments']?.post as Json;
    const bodyRef = ((op.requestBody as Json).content as Record<string, Json>)['application/json']?.schema as Json;
    const body = components().schemas[String(bodyRef.$ref).replace('#/components/schemas/', '')] as Json;
    expect(body.required).toEqual(expect.arrayContaining(['procedureId', 'startsAt', 'citizen']));
    const citizen = (body.properties as Record<string, Json>).citizen as Json;
    expect(citizen.required).toEqual(expect.arrayContaining(['name', 'surnames', 'idType', 'idNumber', 'email', 'phone', 'language', 'needs']));
    expect(op.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false }));
  });

  it('documents the webhooks: each event’s signed headers and body', () => {
    const hooks = doc.webhooks as Record<string, { post: Json }>;
    expect(Object.keys(hooks).sort()).toEqual(['appointment.booked', 'appointment.cancelled', 'appointment.desisted', 'appointment.rescheduled', 'appointment.video_offered']);
    const names = (hooks['appointment.booked']?.post.parameters as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(['Finestreta-Event-Id', 'Finestreta-Timestamp', 'Finestreta-Signature']);
    expect(components().schemas.WebhookEvent).toMatchObject({ required: expect.arrayContaining(['id', 'type', 'occurredAt', 'organisation', 'data']) });
  });

  it('points tools at the tenant prefix the caller used', async () => {
    const res = await t.app.http.inject({ url: '/o/beta/api/v1/openapi.json', headers: { host: 'finestreta.test' } });
    expect(res.json().servers).toEqual([{ url: 'http://finestreta.test/o/beta' }]);
  });

  it('serves a reference page of plain HTML with a same-origin stylesheet, under the strict CSP', async () => {
    const res = await t.app.http.inject({ url: '/api/v1/docs', headers: { host: 'alfa.test' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.body).not.toMatch(/<script|style=|<style|https?:\/\/cdn/i);
    expect(res.body).toContain('<link rel="stylesheet" href="docs.css">');
    for (const [path, item] of Object.entries(paths())) {
      for (const method of Object.keys(item)) expect(res.body).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
    }
    expect(res.body).toContain('Finestreta-Signature');
    expect(res.body).toContain('id="schema-Appointment"');
    const css = await t.app.http.inject({ url: '/api/v1/docs.css', headers: { host: 'alfa.test' } });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });
});

describe('reference page rendering', () => {
  it('escapes whatever the document says', () => {
    expect(escapeHtml(`<b a="1">'&'</b>`)).toBe('&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;');
    const html = renderSchema({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string', description: '<script>x</script> `code`', enum: ['<i>'] }, b: { $ref: '#/components/schemas/X' } },
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<span class="req">required</span>');
    expect(html).toContain('<a href="#schema-X">X</a>');
  });
});
