import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { appendAudit } from './audit.service.ts';
import { anchorAuditHeads } from './audit-anchor.ts';
import type { AuditPageView } from '../../shared/audit.ts';

/** The administrators' search of the audit trail, and the check of its chain from the console. */
describe.each(DIALECTS)('searching the audit trail (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let adminId = '';
  let agentId = '';
  let reference = '';
  let appointmentId = '';
  const search = async (query: string, lang = 'ca') => {
    const res = await t.app.http.inject({ method: 'GET', url: `/api/admin/audit${query}`, headers: { host: 'alfa.test', cookie: admin.cookie, 'accept-language': lang } });
    return res;
  };
  const page = async (query: string) => {
    const res = await search(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ data: AuditPageView }>().data;
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const padro = await procedureId(t, t.orgA.id);
    t.clock.set(DEFAULT_NOW);
    appointmentId = (await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-04T09:00:00.000Z', email: 'cerca@example.org', idNumber: nif(52_000_101) })).appointmentId;
    reference = (await t.ctx.db.selectFrom('appointments').select('reference').where('id', '=', appointmentId).executeTakeFirstOrThrow()).reference;
    const account = t.orgA.accounts.find((a) => a.role === 'admin');
    admin = await staffSession(t, account?.email ?? '', account?.password ?? '');
    adminId = (await t.ctx.db.selectFrom('staff').select('id').where('email', '=', account?.email ?? '').executeTakeFirstOrThrow()).id;
    agentId = (await t.ctx.db.selectFrom('staff').select('id').where('organisation_id', '=', t.orgA.id).where('role', '=', 'agent').executeTakeFirstOrThrow()).id;
    // 120 entries over three days: an agent's document downloads on the appointment, the admin's changes.
    for (let i = 0; i < 120; i++) {
      t.clock.set(new Date(Date.parse('2026-02-01T10:00:00.000Z') + Math.floor(i / 40) * 86_400_000 + i * 1000));
      await appendAudit(t.ctx, i % 2 === 0
        ? { organisationId: t.orgA.id, actor: `staff:${agentId}`, action: 'document.downloaded', appointmentId, target: `document:d${String(i)}`, ip: '192.0.2.1' }
        : { organisationId: t.orgA.id, actor: `staff:${adminId}`, action: 'admin.procedure.changed', target: 'procedure:p', ip: '192.0.2.2', details: { changes: { durationMinutes: { before: 20, after: 30 } } } });
    }
    await appendAudit(t.ctx, { organisationId: t.orgB.id, actor: 'system', action: 'document.downloaded' });
    t.clock.set(DEFAULT_NOW);
  });
  afterAll(async () => t.close());

  it('lists the newest first, a page of 50 at a time, with names and references, never another organisation’s', async () => {
    const first = await page('');
    expect(first.entries).toHaveLength(50);
    expect(first.entries[0]).toMatchObject({ seq: 120, action: 'admin.procedure.changed', actorName: 'Administració', details: { changes: { durationMinutes: { before: 20, after: 30 } } } });
    expect(first.entries[1]).toMatchObject({ seq: 119, action: 'document.downloaded', appointmentReference: reference, target: 'document:d118', ip: '192.0.2.1' });
    expect(first.nextBefore).toBe(71);
    const second = await page(`?before=${String(first.nextBefore)}`);
    expect(second.entries[0]?.seq).toBe(70);
    const third = await page(`?before=${String(second.nextBefore)}`);
    expect(third.entries.map((e) => e.seq).at(-1)).toBe(1);
    expect(third.nextBefore).toBeNull();
    expect(first.staff.some((s) => s.id === agentId)).toBe(true);
  });

  it('filters by action (exact or a prefix ending in a dot), by member of staff, by appointment reference and by local dates', async () => {
    const downloads = await page(`?action=document.downloaded&staffId=${agentId}`);
    expect(downloads.entries).toHaveLength(50);
    expect(downloads.entries.every((e) => e.action === 'document.downloaded' && e.actor === `staff:${agentId}`)).toBe(true);
    const admin = await page('?action=admin.');
    expect(admin.entries.every((e) => e.action.startsWith('admin.'))).toBe(true);
    const byReference = await page(`?reference=${reference.toLowerCase()}`);
    expect(byReference.entries).toHaveLength(50);
    expect(byReference.entries.every((e) => e.appointmentId === appointmentId)).toBe(true);
    // 2 February in Madrid: the second day's 40 entries.
    const day = await page('?from=2026-02-02&to=2026-02-02');
    expect(day.entries).toHaveLength(40);
    expect(day.entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => 80 - i));
  });

  it('refuses bad filters with a translated message', async () => {
    const bad = await search('?from=2026-03-05&to=2026-03-01&action=DROP%20TABLE', 'es');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues).toEqual(expect.arrayContaining([{ path: 'action', code: 'invalid_action' }]));
  });

  it('checks the chain from the console: whole, then broken where a row was edited', async () => {
    const verify = () => t.app.http.inject({ method: 'POST', url: '/api/admin/audit/verify', headers: { host: 'alfa.test', cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    const whole = await verify();
    expect(whole.statusCode).toBe(200);
    expect(whole.json().data).toMatchObject({ ok: true, seq: null, problem: null });
    expect(whole.json().data.rows).toBeGreaterThanOrEqual(120);
    expect(whole.json().data.anchoredSeq).toBe(0);
    // Each check is itself recorded, after its answer: wait for it, so the trail stands still.
    const checks = async () => (await t.ctx.db.selectFrom('audit_log').select('seq').where('organisation_id', '=', t.orgA.id).where('action', '=', 'audit.verified').execute()).length;
    await expect.poll(checks).toBe(1);
    // Once anchored outside the database, cutting the newest entries off is found too.
    await anchorAuditHeads(t.ctx);
    const anchored = await verify();
    await expect.poll(checks).toBe(2);
    expect(anchored.json().data).toMatchObject({ ok: true, problem: null });
    expect(anchored.json().data.anchoredSeq).toBeGreaterThanOrEqual(120);
    const newest = await t.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    await t.ctx.db.deleteFrom('audit_log').where('organisation_id', '=', t.orgA.id).where('seq', '>=', anchored.json().data.anchoredSeq as number).execute();
    expect(Number(newest.seq)).toBeGreaterThanOrEqual(anchored.json().data.anchoredSeq as number);
    const cut = await verify();
    expect(cut.json().data).toMatchObject({ ok: false, anchoredSeq: null });
    expect(cut.json().data.problem).toMatch(/^entry \d+(, anchored at .+, is gone: entries were removed from the end of the trail| is not the one anchored at .+)$/);
    await t.ctx.db.updateTable('audit_log').set({ ip: '198.51.100.9' }).where('organisation_id', '=', t.orgA.id).where('seq', '=', 7).execute();
    const broken = await verify();
    expect(broken.json().data).toMatchObject({ ok: false, seq: 7, problem: 'entry 7 was changed after it was written (hash mismatch)' });
  });
});
