import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAppointmentMail } from '../../mail/appointment.mail.ts';
import { appointmentMailData, TEST_FROM } from '../../mail/appointment.mail.fixture.ts';
import { createMailTransport } from './create-mail-transport.ts';

interface Received {
  raw: Buffer;
  from: string;
  to: string[];
}

/** A real SMTP server on a free local port that keeps what it receives. */
async function startServer(): Promise<{ port: number; next: () => Promise<Received>; stop: () => Promise<void> }> {
  const waiting: ((r: Received) => void)[] = [];
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const message: Received = {
          raw: Buffer.concat(chunks),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const waiter = waiting.shift();
        if (waiter) waiter(message);
        else received.push(message);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    next: () => {
      const ready = received.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The parts that legitimately differ between two sends of the same message. */
function normalise(eml: string): string {
  let out = eml.replace(/^Message-ID: .*$/m, 'Message-ID: <id>').replace(/^Date: .*$/m, 'Date: <date>');
  for (const [, boundary] of eml.matchAll(/boundary="([^"]+)"/g)) out = out.split(boundary ?? '').join('<boundary>');
  return out;
}

describe('SMTP transport', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let outboxDir: string;
  beforeAll(async () => {
    server = await startServer();
    outboxDir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-smtp-'));
  });
  afterAll(async () => {
    await server.stop();
    await rm(outboxDir, { recursive: true, force: true });
  });

  it('delivers a confirmation with text, HTML, the invitation and its language', async () => {
    const transport = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${server.port}`, outboxDir });
    expect(transport.kind).toBe('smtp');
    const mail = renderAppointmentMail(appointmentMailData('booking_confirmation', 'ca'), TEST_FROM);
    const [messageId, received] = await Promise.all([transport.send(mail, TEST_FROM), server.next()]);
    await transport.close();

    expect(received.from).toBe('no-reply@finestreta.example');
    expect(received.to).toEqual(['maria@example.org']);
    const parsed = await simpleParser(received.raw);
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.headers.get('content-language')).toBe('ca');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain('https://finestreta.example/o/rubi/a/tok_Ab-9xZ');
    expect(parsed.text).toContain('K7P-2QX-9MZ');
    expect(parsed.html).toContain('<html lang="ca"');
    expect(parsed.html).toContain('K7P-2QX-9MZ');

    const raw = received.raw.toString('utf8');
    expect(raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST$/m);
    const calendar = parsed.attachments.find((a) => a.contentType === 'text/calendar');
    const ics = calendar?.content.toString('utf8') ?? '';
    expect(ics).toBe(mail.calendar?.content);
    expect(ics).toContain('METHOD:REQUEST\r\n');
    expect(ics).toContain('DTSTART;TZID=Europe/Madrid:20260330T090000\r\n');
    const file = parsed.attachments.find((a) => a.contentDisposition === 'attachment');
    expect(file?.filename).toBe('cita-RUB-7K3M.ics');
    expect(file?.content.toString('utf8')).toBe(mail.calendar?.content);
  });

  it('puts on the wire exactly what the outbox writes to disk', async () => {
    const mail = renderAppointmentMail(appointmentMailData('appointment_changed', 'es'), TEST_FROM);
    const smtp = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${server.port}`, outboxDir });
    const [, received] = await Promise.all([smtp.send(mail, TEST_FROM), server.next()]);
    await smtp.close();
    const outbox = createMailTransport({ smtpUrl: undefined, outboxDir });
    expect(outbox.kind).toBe('outbox');
    await outbox.send(mail, TEST_FROM);
    await outbox.close();
    const [name] = await readdir(outboxDir);
    const written = await readFile(path.join(outboxDir, name ?? ''), 'utf8');
    expect(normalise(written)).toBe(normalise(received.raw.toString('utf8')));
  });
});
