import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxTransport } from '../adapters/mail/outbox.transport.ts';
import { installErrorHandler } from '../http/error-handler.ts';
import { renderAppointmentMail } from './appointment.mail.ts';
import { appointmentMailData, TEST_FROM } from './appointment.mail.fixture.ts';
import { devMailRoutes } from './dev-mail.routes.ts';

async function buildApp(outboxDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(devMailRoutes, { outboxDir });
  return app;
}

describe('development mailbox', () => {
  let root: string;
  let outboxDir: string;
  let app: FastifyInstance;
  let name: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'finestreta-devmail-'));
    outboxDir = path.join(root, 'outbox');
    let t = Date.parse('2026-03-01T10:00:00Z');
    const transport = createOutboxTransport({ dir: outboxDir, now: () => new Date((t += 1000)) });
    const older = appointmentMailData('booking_confirmation', 'ca', {
      citizen: { name: '<script>alert(1)</script>', surnames: 'Pérez', email: 'maria@example.org' },
    });
    await transport.send(renderAppointmentMail(older, TEST_FROM), TEST_FROM);
    await transport.send(renderAppointmentMail(appointmentMailData('appointment_cancelled', 'en'), TEST_FROM), TEST_FROM);
    name = (await readdir(outboxDir)).sort()[0] ?? '';
    // Not messages: must be neither listed nor served.
    await writeFile(path.join(outboxDir, `.${name}.1234.tmp`), 'partial');
    await writeFile(path.join(root, 'secret.eml'), 'Subject: outside the outbox\r\n\r\n');
    app = await buildApp(outboxDir);
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lists the messages newest first, with links to each view', async () => {
    const res = await app.inject({ method: 'GET', url: '/dev/mail' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    const cancelled = res.body.indexOf('Appointment cancelled:');
    const confirmed = res.body.indexOf('Cita confirmada:');
    expect(cancelled).toBeGreaterThan(0);
    expect(confirmed).toBeGreaterThan(cancelled);
    expect(res.body).toContain(`href="/dev/mail/${name}"`);
    expect(res.body).toContain(`href="/dev/mail/${name}/raw"`);
    expect(res.body).toContain(`href="/dev/mail/${name}/html"`);
    expect(res.body).toContain('maria@example.org');
    expect(res.body).not.toContain('.tmp');
    expect(res.body).toMatch(/<th scope="col">Subject<\/th>/);
  });

  it('shows a message: headers and the text part, escaped', async () => {
    const res = await app.inject({ method: 'GET', url: `/dev/mail/${name}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<dt>Content-Language</dt><dd>ca</dd>');
    expect(res.body).toContain('K7P-2QX-9MZ');
    expect(res.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('cita-RUB-7K3M.ics');
  });

  it('downloads the raw message as message/rfc822, byte for byte', async () => {
    const res = await app.inject({ method: 'GET', url: `/dev/mail/${name}/raw` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('message/rfc822');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"`);
    expect(res.rawPayload.equals(await readFile(path.join(outboxDir, name)))).toBe(true);
  });

  it('serves the HTML part under a policy that blocks scripts and every external load', async () => {
    const res = await app.inject({ method: 'GET', url: `/dev/mail/${name}/html` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp.startsWith("default-src 'none'; style-src 'unsafe-inline'")).toBe(true);
    expect(csp).toContain('sandbox');
    expect(res.body).toContain('<html lang="ca"');
    expect(res.body).toContain('K7P-2QX-9MZ');
  });

  it.each([
    '..%2Fsecret.eml',
    '..%2F..%2Fetc%2Fpasswd',
    'secret.eml',
    '20260301T100000123Z-missing.eml',
    '20260301T100000123Z-..%2F..%2Fsecret.eml',
  ])('answers 404 for %s', async (bad) => {
    for (const suffix of ['', '/raw', '/html']) {
      const res = await app.inject({ method: 'GET', url: `/dev/mail/${bad}${suffix}` });
      expect(res.statusCode, `${bad}${suffix}`).toBe(404);
      expect(res.body).not.toContain('outside the outbox');
    }
  });

  it('answers 404 for a temporary file', async () => {
    const res = await app.inject({ method: 'GET', url: `/dev/mail/${encodeURIComponent(`.${name}.1234.tmp`)}/raw` });
    expect(res.statusCode).toBe(404);
  });

  it('shows an empty outbox before anything was sent', async () => {
    const empty = await buildApp(path.join(root, 'not-created-yet'));
    const res = await empty.inject({ method: 'GET', url: '/dev/mail' });
    await empty.close();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No messages yet');
  });
});
