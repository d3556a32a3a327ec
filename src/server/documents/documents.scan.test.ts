/**
 * Malware scanning with a real clamd (Debian's clamav-daemon) and a test
 * signature made with sigtool: a clean file becomes "uploaded" with scan
 * "clean"; a file carrying the signature is quarantined — the citizen is told,
 * staff see it flagged and cannot open it, the history records it; a file
 * over the scanner's limit is "not scanned", never clean; and while clamd is
 * down documents stay "scanning" until it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clamdScanner } from '../adapters/scanner/clamd-scanner.ts';
import { startTestClamd, TEST_SIGNATURE_REPORTED, type TestClamd } from '../../../test/clamd.ts';
import { citizenWithAppointment, listen, pdfAround, staffSession, tusClient, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import type { DocumentSpaceView, StaffDocumentsView } from '../../shared/documents.ts';

const THU = (hhmm: string) => new Date(Date.parse(`2026-03-12T${hhmm}:00+01:00`)).toISOString();
const LIMIT = 64 * 1024;

describe('document malware scan (clamd)', () => {
  let clamd: TestClamd | null;
  let t: TestApp;
  let port: number;
  let citizen: Session & { appointmentId: string };
  let agent: Session;

  beforeAll(async () => {
    clamd = await startTestClamd();
    if (!clamd) return;
    t = await createTestApp({ env: { CLAMD_URL: clamd.url, CLAMD_MAX_BYTES: String(LIMIT) } });
    port = await listen(t);
    const padro = await procedureId(t, t.orgA.id);
    citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:00'), email: 'scan@example.org', idNumber: '30000004T' });
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
  });
  afterAll(async () => {
    await t?.close();
    await clamd?.stop();
  });

  const others = async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment/documents', headers: { host: 'alfa.test', cookie: citizen.cookie } });
    return res.json<{ data: DocumentSpaceView }>().data.slots.find((s) => s.slot === 'other')?.documents ?? [];
  };
  const staffOthers = async () => {
    const res = await t.app.http.inject({
      method: 'GET',
      url: `/api/staff/appointments/${citizen.appointmentId}/documents`,
      headers: { host: 'alfa.test', cookie: agent.cookie },
    });
    return res.json<{ data: StaffDocumentsView }>().data.slots.find((s) => s.slot === 'other')?.documents ?? [];
  };

  it('runs against a real clamd (or says loudly why not)', () => {
    // startTestClamd prints a loud warning when clamd or sigtool is missing, and throws in CI.
    expect(clamd, 'clamd/sigtool not installed: apt-get install clamav-daemon clamav').not.toBeNull();
  });

  it('marks a clean file clean, quarantines an infected one and never calls a too-large one clean', async () => {
    if (!clamd) return;
    const client = tusClient(port, citizen);
    expect((await client.upload({ slot: 'other', filename: 'clean.pdf' }, pdfAround(Buffer.from('nothing to see here')), 1)).last.status).toBe(204);
    const infected = pdfAround(Buffer.concat([Buffer.alloc(20_000, 'a'), clamd.signatureMarker, Buffer.alloc(20_000, 'b')]));
    expect((await client.upload({ slot: 'other', filename: 'infected.pdf' }, infected, 3)).last.status).toBe(204);
    expect((await client.upload({ slot: 'other', filename: 'large.pdf' }, pdfAround(Buffer.alloc(LIMIT, 'c')), 2)).last.status).toBe(204);

    // Until the scan has answered, every one of them is "scanning" and cannot be opened.
    expect((await others()).map((d) => d.status)).toEqual(['scanning', 'scanning', 'scanning']);
    const pending = (await staffOthers())[1];
    const early = await t.app.http.inject({
      method: 'GET',
      url: `/api/staff/appointments/${citizen.appointmentId}/documents/${pending?.id ?? ''}/content`,
      headers: { host: 'alfa.test', cookie: agent.cookie },
    });
    expect(early.statusCode).toBe(409);

    await t.app.documents.runDue();
    // Uploaded within the same (test clock) millisecond: compare in name order.
    expect((await others()).map((d) => [d.fileName, d.status]).sort()).toEqual([
      ['clean.pdf', 'uploaded'],
      ['infected.pdf', 'quarantined'],
      ['large.pdf', 'not_scanned'],
    ]);
    const staffView = (await staffOthers()).sort((a, b) => a.fileName.localeCompare(b.fileName));
    expect(staffView.map((d) => d.scan)).toEqual(['clean', 'infected', 'too_large']);
    expect(staffView[1]).toMatchObject({ scanSignature: TEST_SIGNATURE_REPORTED, viewable: false });
    const open = await t.app.http.inject({
      method: 'GET',
      url: `/api/staff/appointments/${citizen.appointmentId}/documents/${staffView[1]?.id ?? ''}/content`,
      headers: { host: 'alfa.test', cookie: agent.cookie },
    });
    expect(open.statusCode).toBe(409);
    expect(open.json().error.id).toBe('document_quarantined');
    const events = await t.ctx.db.selectFrom('appointment_events').select('type').where('appointment_id', '=', citizen.appointmentId).execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['document.quarantined', 'document.not_scanned']));
  });

  it('keeps documents "scanning" while clamd is unreachable, and scans them once it is back', async () => {
    if (!clamd) return;
    const down = await createTestApp({ env: { CLAMD_URL: 'tcp://127.0.0.1:9', CLAMD_MAX_BYTES: String(LIMIT) } });
    try {
      const downPort = await listen(down);
      const padro = await procedureId(down, down.orgA.id);
      const who = await citizenWithAppointment(down, { procedureId: padro, startsAt: THU('09:00'), email: 'down@example.org', idNumber: '30000005R' });
      expect((await tusClient(downPort, who).upload({ slot: 'other', filename: 'wait.pdf' }, pdfAround(Buffer.from('x')), 1)).last.status).toBe(204);
      await down.app.documents.runDue();
      const row = await down.ctx.db.selectFrom('documents').select(['scan_status', 'scan_attempts']).executeTakeFirstOrThrow();
      expect(row).toEqual({ scan_status: 'pending', scan_attempts: 1 });
      // clamd is back (same address in real life; here the context is pointed at the running one).
      down.ctx.scanner = clamdScanner(clamd.url);
      await down.app.documents.runDue();
      expect((await down.ctx.db.selectFrom('documents').select('scan_status').executeTakeFirstOrThrow()).scan_status).toBe('pending');
      down.clock.advance(2 * 60_000);
      await down.app.documents.runDue();
      expect((await down.ctx.db.selectFrom('documents').select('scan_status').executeTakeFirstOrThrow()).scan_status).toBe('clean');
    } finally {
      await down.close();
    }
  });
});
