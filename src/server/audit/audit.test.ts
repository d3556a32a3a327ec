import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { appendAudit, verifyAudit } from './audit.service.ts';
import { anchorAuditHeads, verifyAuditAnchors } from './audit-anchor.ts';

/**
 * The audit trail: staff actions on personal data are recorded with who,
 * what, when and from where, numbered without gaps and hash-chained, so a
 * removed or edited entry is found.
 */
describe.each(DIALECTS)('the audit trail (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let adminId = '';
  let appointmentId = '';
  const entries = () => t.ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', t.orgA.id).orderBy('seq').execute();

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const padro = await procedureId(t, t.orgA.id);
    t.clock.set(DEFAULT_NOW);
    appointmentId = (await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-04T09:00:00.000Z', email: 'auditoria@example.org', idNumber: nif(52_000_001) })).appointmentId;
    const account = t.orgA.accounts.find((a) => a.role === 'admin');
    admin = await staffSession(t, account?.email ?? '', account?.password ?? '');
    adminId = (await t.ctx.db.selectFrom('staff').select('id').where('email', '=', account?.email ?? '').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t.close());

  it('records who looked at an appointment, when and from where; a refused request records nothing', async () => {
    const seen = await t.app.http.inject({ method: 'GET', url: `/api/staff/appointments/${appointmentId}`, headers: { host: 'alfa.test', cookie: admin.cookie }, remoteAddress: '203.0.113.7' });
    expect(seen.statusCode).toBe(200);
    await expect.poll(async () => (await entries()).length).toBe(1);
    const [entry] = await entries();
    expect(entry).toMatchObject({ seq: 1, actor: `staff:${adminId}`, action: 'appointment.viewed', appointment_id: appointmentId, ip: '203.0.113.7', at: DEFAULT_NOW.toISOString() });
    // Personal data stays out: no name, email or ID number in the entry.
    expect(JSON.stringify(entry)).not.toContain('auditoria@example.org');
    expect((await t.app.http.inject({ method: 'GET', url: '/api/staff/appointments/no-such-id', headers: { host: 'alfa.test', cookie: admin.cookie } })).statusCode).toBe(404);
    expect((await t.app.http.inject({ method: 'GET', url: `/api/staff/appointments/${appointmentId}`, headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(await entries()).toHaveLength(1);
  });

  it('numbers concurrent entries without gaps or forks, and the chain verifies', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(t.ctx, { organisationId: t.orgA.id, actor: `staff:${adminId}`, action: 'document.downloaded', appointmentId, target: `document:d${String(i)}` })));
    const rows = await entries();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(21);
    expect(await verifyAudit(t.ctx.db, t.orgA.id, 7)).toEqual({ ok: true, rows: 21 });
    // Another organisation's chain is its own.
    expect(await verifyAudit(t.ctx.db, t.orgB.id)).toEqual({ ok: true, rows: 0 });
  });

  it('anchors each organisation’s chain head outside the database, which finds the newest entries cut off', async () => {
    for (let i = 0; i < 3; i++) await appendAudit(t.ctx, { organisationId: t.orgB.id, actor: 'staff:b', action: 'document.downloaded', target: `document:b${String(i)}` });
    expect(await anchorAuditHeads(t.ctx)).toBe(2);
    expect(await anchorAuditHeads(t.ctx)).toBe(0);
    expect(await verifyAuditAnchors(t.ctx.db, t.ctx.config.auditAnchorDir, t.ctx.masterKey, t.orgA.id)).toMatchObject({ ok: true, anchors: 1, anchoredSeq: 21 });
    expect(await verifyAuditAnchors(t.ctx.db, t.ctx.config.auditAnchorDir, t.ctx.masterKey, t.orgB.id)).toMatchObject({ ok: true, anchors: 1, anchoredSeq: 3 });
    // The newest entry of B goes: the chain left is valid, the anchor is not satisfied.
    await t.ctx.db.deleteFrom('audit_log').where('organisation_id', '=', t.orgB.id).where('seq', '=', 3).execute();
    expect(await verifyAudit(t.ctx.db, t.orgB.id)).toEqual({ ok: true, rows: 2 });
    expect(await verifyAuditAnchors(t.ctx.db, t.ctx.config.auditAnchorDir, t.ctx.masterKey, t.orgB.id)).toMatchObject({ ok: false, seq: 3 });
    // Another master key does not recognise the lines (nor could it have written them).
    expect(await verifyAuditAnchors(t.ctx.db, t.ctx.config.auditAnchorDir, Buffer.alloc(32, 7), t.orgA.id)).toMatchObject({ ok: false, problem: expect.stringContaining('edited or forged') });
  });

  it('finds an edited entry, and a removed one, by its number', async () => {
    await t.ctx.db.updateTable('audit_log').set({ ip: '198.51.100.1' }).where('organisation_id', '=', t.orgA.id).where('seq', '=', 9).execute();
    expect(await verifyAudit(t.ctx.db, t.orgA.id)).toMatchObject({ ok: false, seq: 9, rows: 8, problem: 'entry 9 was changed after it was written (hash mismatch)' });
    await t.ctx.db.deleteFrom('audit_log').where('organisation_id', '=', t.orgA.id).where('seq', '=', 5).execute();
    expect(await verifyAudit(t.ctx.db, t.orgA.id)).toMatchObject({ ok: false, seq: 5, problem: 'entry 5 is missing (the next one is 6)' });
  });

  /**
   * Reads the agent's own call page repeats while the call runs (the
   * appointment itself is recorded when opened: appointment.viewed), and
   * the recording's chunks and the form's drafts are saved every few
   * seconds (the recording's start and stop, and the registration of the
   * form, are recorded).
   */
  const NOT_AUDITED: Record<string, string> = {
    'GET /api/staff/appointments/:id/interpreters': 'the call page lists its own invitations',
    'GET /api/staff/appointments/:id/evidence': 'the packages list holds no personal data; each download is recorded',
    'GET /api/staff/appointments/:id/snapshots': 'the list holds no images; each one viewed is recorded',
    'GET /api/staff/appointments/:id/recording': 'the recording state, read by the call page as it runs',
    'PUT /api/staff/appointments/:id/recording/segments/:segment/chunks/:seq': 'a chunk every few seconds; start and stop are recorded',
    'GET /api/staff/appointments/:id/protocol': 'read by the call page at each change of the protocol',
    'PUT /api/staff/appointments/:id/protocol/form': 'drafts saved as the agent types; the registration is recorded',
    'GET /api/staff/appointments/:id/wrapup': 'the wrap-up form, read by the call page',
    'GET /api/staff/appointments/:id/legal-holds': 'the appointment’s legal holds (why, by whom), read by its page: no citizen data; placing and releasing are recorded',
  };

  it('records every staff action on an appointment’s data, or says here why not', () => {
    const onAppointments = t.app.routes.filter((r) => r.url.startsWith('/api/staff/appointments/:id'));
    const silent = onAppointments.filter((r) => !r.audit).map((r) => `${r.method} ${r.url}`);
    expect(silent.sort()).toEqual(Object.keys(NOT_AUDITED).sort());
    expect(onAppointments.length).toBeGreaterThan(silent.length + 20);
  });
});
