import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderAppointmentMail } from '../../mail/appointment.mail.ts';
import { appointmentMailData, TEST_FROM } from '../../mail/appointment.mail.fixture.ts';
import { createOutboxTransport, OUTBOX_FILE_PATTERN } from './outbox.transport.ts';

describe('outbox transport', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'finestreta-outbox-'));
    dir = path.join(root, 'data', 'outbox'); // does not exist yet
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes one parseable .eml named by time and Message-ID, and leaves no temporary file', async () => {
    const transport = createOutboxTransport({ dir, now: () => new Date('2026-03-01T10:00:00.123Z') });
    const mail = renderAppointmentMail(appointmentMailData('booking_confirmation', 'en'), TEST_FROM);
    const messageId = await transport.send(mail, TEST_FROM);
    await transport.close();

    const names = await readdir(dir);
    expect(names).toHaveLength(1);
    const [name = ''] = names;
    expect(name).toMatch(OUTBOX_FILE_PATTERN);
    expect(name.startsWith('20260301T100000123Z-')).toBe(true);
    expect(name).toContain(messageId.replace(/^<|>$/g, '').replace('@', '_'));

    const raw = await readFile(path.join(dir, name));
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/); // CRLF throughout, as on the wire
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.headers.get('content-language')).toBe('en');
    expect(parsed.text).toContain('K7P-2QX-9MZ');
    expect(parsed.html).toContain('<html lang="en"');
    const types = parsed.attachments.map((a) => a.contentType).sort();
    expect(types).toEqual(['application/ics', 'text/calendar']);
    expect(raw.toString('utf8')).toContain('Content-Type: text/calendar; charset=utf-8; method=REQUEST');
  });

  it('names files so that sorting them sorts by time', async () => {
    let t = Date.parse('2026-03-01T09:59:59.999Z');
    const transport = createOutboxTransport({ dir, now: () => new Date((t += 1)) });
    for (const kind of ['booking_confirmation', 'appointment_changed', 'appointment_cancelled'] as const) {
      await transport.send(renderAppointmentMail(appointmentMailData(kind), TEST_FROM), TEST_FROM);
    }
    const names = (await readdir(dir)).sort();
    const subjects = await Promise.all(names.map(async (n) => (await simpleParser(await readFile(path.join(dir, n)))).subject));
    expect(subjects.map((s) => s?.split(':')[0])).toEqual(['Cita confirmada', 'Cita modificada', 'Cita anul·lada']);
  });
});
