import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { verifyAudit } from '../audit/audit.service.ts';
import { formDefinitionOf } from '../protocol/protocol.service.ts';
import type { ProcedureInput } from '../../shared/catalogue-admin.ts';

const L = (ca: string, es = `${ca} (es)`, en = `${ca} (en)`) => ({ ca, es, en });

const PROCEDURE: ProcedureInput = {
  code: 'gual-permis',
  name: L('Permís de gual'),
  description: L('Llicència de gual per a un accés de vehicles.'),
  durationMinutes: 20,
  bufferMinutes: 5,
  minNoticeHours: 2,
  maxAdvanceDays: 60,
  channels: ['video'],
  siaCode: '2085730',
  classification: 'ADM-GUAL',
  deliveryConnector: 'none',
};

const DOCUMENTS = [
  { name: L('Plànol de l’accés'), description: L('Un croquis amb les mides.'), mandatory: true, acceptedTypes: ['application/pdf'], maxSizeMb: 10 },
  { name: L('Títol de propietat'), description: L('Escriptura o contracte.'), mandatory: false, acceptedTypes: ['application/pdf', 'image/jpeg'], maxSizeMb: 5 },
];

const FORM = {
  fields: [
    { key: 'plate_count', type: 'number', required: true, label: L('Nombre de places'), min: 1, max: 50, integer: true },
    { key: 'street', type: 'text', required: true, label: L('Carrer de l’accés') },
    { key: 'kind', type: 'choice', required: true, label: L('Tipus'), choices: [{ value: 'permanent', label: L('Permanent') }, { value: 'laboral', label: L('Laboral') }] },
  ],
};

describe.each(DIALECTS)('catalogue administration (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let otherAdmin: Session;
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, opts: { session?: Session; payload?: unknown; host?: string; lang?: string } = {}) =>
    t.app.http.inject({
      method,
      url,
      headers: {
        host: opts.host ?? 'alfa.test',
        ...(opts.lang ? { 'accept-language': opts.lang } : {}),
        ...(opts.session ? { cookie: opts.session.cookie, 'x-csrf-token': opts.session.csrf } : {}),
      },
      ...(method === 'GET' ? {} : { payload: (opts.payload ?? {}) as Record<string, unknown> }),
    });
  const publicProcedures = async () => (await call('GET', '/api/public/procedures?lang=ca')).json().data as { id: string; code: string; requiredDocuments: { name: string }[] }[];
  const procedureCount = async () => (await t.ctx.db.selectFrom('procedures').select((eb) => eb.fn.countAll<number>().as('n')).where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow()).n;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    const b = t.orgB.accounts.find((x) => x.role === 'admin');
    if (!a || !b) throw new Error('no administrators seeded');
    admin = await staffSession(t, a.email, a.password);
    otherAdmin = await staffSession(t, b.email, b.password, 'beta.test');
  });
  afterAll(async () => t.close());

  it('creates a procedure that citizens can see and book at once, and records who did it', async () => {
    const created = await call('POST', '/api/admin/procedures', { session: admin, payload: PROCEDURE });
    expect(created.statusCode).toBe(201);
    const id = created.json().data.id as string;
    expect(created.json().data).toMatchObject({ code: 'gual-permis', name: PROCEDURE.name, archived: false, siaCode: '2085730', upcomingAppointments: 0 });
    expect((await publicProcedures()).map((p) => p.code)).toContain('gual-permis');
    const slots = await call('GET', `/api/public/procedures/${id}/availability?from=2026-03-03&to=2026-03-03`);
    expect(slots.statusCode).toBe(200);
    const booked = await book(t, { procedureId: id, startsAt: '2026-03-03T08:00:00.000Z', citizen: { email: 'gual@example.org' } });
    expect(booked.statusCode).toBe(201);
    const list = await call('GET', '/api/admin/procedures', { session: admin });
    expect(list.json().data.procedures.find((p: { id: string }) => p.id === id).upcomingAppointments).toBe(1);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', t.orgA.id).where('action', '=', 'admin.procedure.created').executeTakeFirstOrThrow();
    expect(audit.target).toBe(`procedure:${id}`);
    expect(JSON.parse(audit.details).changes.code).toEqual({ before: null, after: 'gual-permis' });
  });

  it('refuses bad settings field by field, in the caller’s language, and changes nothing', async () => {
    const before = await procedureCount();
    const missing = await call('POST', '/api/admin/procedures', { session: admin, lang: 'es', payload: { ...PROCEDURE, code: 'un-altre', name: { ca: 'Només en català' } } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.id).toBe('validation_failed');
    expect(missing.json().error.message).toMatch(/campos/);
    expect(missing.json().error.details.issues).toEqual([
      { path: 'name.es', code: 'required' },
      { path: 'name.en', code: 'required' },
    ]);
    const bad = await call('POST', '/api/admin/procedures', { session: admin, payload: { ...PROCEDURE, code: 'Amb Espais', durationMinutes: 7, channels: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues).toEqual(
      expect.arrayContaining([
        { path: 'code', code: 'invalid_code' },
        { path: 'durationMinutes', code: 'not_five_minute_step' },
        { path: 'channels', code: 'no_channel' },
      ]),
    );
    const taken = await call('POST', '/api/admin/procedures', { session: admin, lang: 'en', payload: { ...PROCEDURE, code: 'padro-certificat' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ id: 'procedure_code_taken', message: 'There is already a procedure with the code “padro-certificat”. Choose another.' });
    expect(await procedureCount()).toBe(before);
  });

  it('edits a procedure: booking sees the new settings, the audit keeps only what changed', async () => {
    const id = await procedureId(t, t.orgA.id, 'gual-permis');
    const res = await call('PUT', `/api/admin/procedures/${id}`, { session: admin, payload: { ...PROCEDURE, durationMinutes: 30, name: { ...PROCEDURE.name, en: 'Dropped kerb permit' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ durationMinutes: 30, name: { en: 'Dropped kerb permit' } });
    const detail = await call('GET', `/api/public/procedures/${id}?lang=en`);
    expect(detail.json().data).toMatchObject({ name: 'Dropped kerb permit', durationMinutes: 30 });
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', t.orgA.id).where('action', '=', 'admin.procedure.changed').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details).changes).toEqual({
      durationMinutes: { before: 20, after: 30 },
      name: { before: PROCEDURE.name, after: { ...PROCEDURE.name, en: 'Dropped kerb permit' } },
    });
    expect(await verifyAudit(t.ctx.db, t.orgA.id)).toMatchObject({ ok: true });
  });

  it('answers 404 for another organisation’s procedure, to read or to change', async () => {
    const id = await procedureId(t, t.orgA.id, 'gual-permis');
    expect((await call('GET', `/api/admin/procedures/${id}`, { session: otherAdmin, host: 'beta.test' })).statusCode).toBe(404);
    expect((await call('PUT', `/api/admin/procedures/${id}`, { session: otherAdmin, host: 'beta.test', payload: PROCEDURE })).statusCode).toBe(404);
    expect((await call('POST', `/api/admin/procedures/${id}/archive`, { session: otherAdmin, host: 'beta.test' })).statusCode).toBe(404);
    expect((await call('PUT', `/api/admin/procedures/${randomUUID()}/documents`, { session: admin, payload: { documents: [] } })).statusCode).toBe(404);
  });

  it('sets the required documents citizens see; a document someone uploaded for is retired, not deleted', async () => {
    const id = await procedureId(t, t.orgA.id, 'gual-permis');
    const put = await call('PUT', `/api/admin/procedures/${id}/documents`, { session: admin, payload: { documents: DOCUMENTS } });
    expect(put.statusCode).toBe(200);
    const docs = put.json().data.documents as { id: string; name: Record<string, string> }[];
    expect(docs.map((d) => d.name.ca)).toEqual(['Plànol de l’accés', 'Títol de propietat']);
    expect((await publicProcedures()).find((p) => p.id === id)?.requiredDocuments.map((d) => d.name)).toEqual(['Plànol de l’accés', 'Títol de propietat']);

    // A citizen uploaded the plan; then the administrator drops both documents and adds another.
    const [plan, title] = docs;
    const appointment = await t.ctx.db.selectFrom('appointments').select('id').where('procedure_id', '=', id).executeTakeFirstOrThrow();
    await t.ctx.db
      .insertInto('documents')
      .values({ id: randomUUID(), organisation_id: t.orgA.id, appointment_id: appointment.id, requirement_id: plan?.id ?? null, file_name: 'planol.pdf', media_type: 'application/pdf', size: 10, scan_status: 'clean', scan_attempts: 0, review_status: 'pending', uploaded_by: 'citizen', uploaded_at: t.clock.now().toISOString() })
      .execute();
    const replaced = await call('PUT', `/api/admin/procedures/${id}/documents`, {
      session: admin,
      payload: { documents: [{ name: L('Foto de la façana'), description: {}, mandatory: true, acceptedTypes: ['image/jpeg'], maxSizeMb: 5 }] },
    });
    expect(replaced.statusCode).toBe(200);
    expect((await publicProcedures()).find((p) => p.id === id)?.requiredDocuments.map((d) => d.name)).toEqual(['Foto de la façana']);
    const rows = await t.ctx.db.selectFrom('required_documents').select(['id', 'retired_at']).where('procedure_id', '=', id).execute();
    expect(rows.find((r) => r.id === plan?.id)?.retired_at).not.toBeNull();
    expect(rows.some((r) => r.id === title?.id)).toBe(false);

    const unknown = await call('PUT', `/api/admin/procedures/${id}/documents`, { session: admin, payload: { documents: [{ ...DOCUMENTS[0], id: title?.id }] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.issues).toEqual([{ path: 'documents.0.id', code: 'unknown_document' }]);
    const badType = await call('PUT', `/api/admin/procedures/${id}/documents`, { session: admin, payload: { documents: [{ ...DOCUMENTS[0], acceptedTypes: ['application/x-msdownload'], maxSizeMb: 0 }] } });
    expect(badType.statusCode).toBe(400);
    expect((await publicProcedures()).find((p) => p.id === id)?.requiredDocuments.map((d) => d.name)).toEqual(['Foto de la façana']);
  });

  it('sets the registry form the agent fills in, and refuses one that would break, or while a call of the procedure is under way', async () => {
    const id = await procedureId(t, t.orgA.id, 'gual-permis');
    const put = await call('PUT', `/api/admin/procedures/${id}/form`, { session: admin, payload: FORM });
    expect(put.statusCode).toBe(200);
    expect((await formDefinitionOf(t.ctx, t.orgA.id, id)).fields.map((f) => f.key)).toEqual(['plate_count', 'street', 'kind']);
    const detail = await call('GET', `/api/admin/procedures/${id}`, { session: admin });
    expect(detail.json().data.form.fields).toHaveLength(3);

    const broken = await call('PUT', `/api/admin/procedures/${id}/form`, { session: admin, payload: { fields: [{ key: 'kind', type: 'choice', required: true, label: L('Tipus') }] } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details.issues).toEqual([{ path: 'fields.0.choices', code: 'choices_only_for_choice' }]);

    const appointment = await t.ctx.db.selectFrom('appointments').select(['id', 'reference']).where('procedure_id', '=', id).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('appointments').set({ status: 'in_call' }).where('id', '=', appointment.id).execute();
    const during = await call('PUT', `/api/admin/procedures/${id}/form`, { session: admin, payload: { fields: FORM.fields.slice(0, 1) } });
    expect(during.statusCode).toBe(409);
    expect(during.json().error).toMatchObject({ id: 'procedure_form_in_use', details: { count: 1, appointments: [{ reference: appointment.reference }] } });
    await t.ctx.db.updateTable('appointments').set({ status: 'booked' }).where('id', '=', appointment.id).execute();
    expect((await formDefinitionOf(t.ctx, t.orgA.id, id)).fields).toHaveLength(3);
  });

  it('refuses to archive a procedure with appointments ahead, listing them; archives it once they are gone, and restores it', async () => {
    const id = await procedureId(t, t.orgA.id, 'gual-permis');
    const appointment = await t.ctx.db.selectFrom('appointments').select(['id', 'reference']).where('procedure_id', '=', id).executeTakeFirstOrThrow();
    const refused = await call('POST', `/api/admin/procedures/${id}/archive`, { session: admin, lang: 'ca' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ id: 'procedure_has_appointments', details: { count: 1, appointments: [{ id: appointment.id, reference: appointment.reference }] } });
    expect(refused.json().error.message).toContain('1 cita pendent');
    expect((await publicProcedures()).some((p) => p.id === id)).toBe(true);

    await t.ctx.db.updateTable('appointments').set({ status: 'cancelled' }).where('id', '=', appointment.id).execute();
    const archived = await call('POST', `/api/admin/procedures/${id}/archive`, { session: admin });
    expect(archived.statusCode).toBe(200);
    expect(archived.json().data.archived).toBe(true);
    expect((await publicProcedures()).some((p) => p.id === id)).toBe(false);
    const late = await book(t, { procedureId: id, startsAt: '2026-03-03T09:00:00.000Z', citizen: { email: 'late@example.org' } });
    expect(late.statusCode).toBe(404);
    expect((await t.ctx.db.selectFrom('procedures').select('id').where('id', '=', id).executeTakeFirst())?.id).toBe(id);

    const restored = await call('POST', `/api/admin/procedures/${id}/restore`, { session: admin });
    expect(restored.json().data.archived).toBe(false);
    expect((await publicProcedures()).some((p) => p.id === id)).toBe(true);
    const actions = (await t.ctx.db.selectFrom('audit_log').select('action').where('organisation_id', '=', t.orgA.id).orderBy('seq').execute()).map((r) => r.action);
    expect(actions.filter((a) => a.startsWith('admin.procedure.'))).toEqual([
      'admin.procedure.created',
      'admin.procedure.changed',
      'admin.procedure.documents_changed',
      'admin.procedure.documents_changed',
      'admin.procedure.form_changed',
      'admin.procedure.archived',
      'admin.procedure.restored',
    ]);
  });
});
