/**
 * The document space end to end over HTTP, on both databases: who may touch
 * which documents (401 / 403 / 404 before any byte is stored), tus uploads
 * into the encrypted store (no plaintext on disk), the content checks with
 * their translated messages, the office's pre-check (Range viewing recorded
 * in the history, rejection emailed, re-upload, acceptance), the deadline
 * and its re-opening, and crypto-shredding on cancellation and retention.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, listen, rawRequest, samplePdf, staffSession, tinyPng, tusClient, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { createStaff } from '../staff/staff.service.ts';
import type { DocumentSpaceView, StaffDocumentsView } from '../../shared/documents.ts';

const PASSWORD = 'a long test password';
/** Thursday 12 March 2026 in Madrid: the upload deadline is Tuesday 10 March at the same time. */
const THU = (hhmm: string) => new Date(Date.parse(`2026-03-12T${hhmm}:00+01:00`)).toISOString();

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe.each(DIALECTS)('document space (%s)', (dialect) => {
  let t: TestApp;
  let port: number;
  let padro: string;
  let idSlot: string;
  let alice: Session & { appointmentId: string };
  let bob: Session & { appointmentId: string; signInAgain(): Promise<Session> };
  const staff: Record<string, Session> = {};

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    port = await listen(t);
    padro = await procedureId(t, t.orgA.id);
    const slot = await t.ctx.db.selectFrom('required_documents').select('id').where('procedure_id', '=', padro).executeTakeFirstOrThrow();
    idSlot = slot.id;
    alice = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:00'), email: 'alice@example.org', idNumber: '30000000L' });
    bob = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:30'), email: 'bob@example.org', idNumber: '30000001C' });
    // A second office with its own agent, who must not reach the first office's appointments.
    const now = t.clock.now();
    const office2 = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: office2, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far@alfa.test', role: 'agent', displayName: 'Agent del barri', password: PASSWORD }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: office2 }).execute();
    const agent = t.orgA.accounts.find((a) => a.role === 'agent');
    const betaAgent = t.orgB.accounts.find((a) => a.role === 'agent');
    if (!agent || !betaAgent) throw new Error('seed without agents');
    staff.agent = await staffSession(t, agent.email, agent.password);
    staff.far = await staffSession(t, 'far@alfa.test', PASSWORD);
    staff.beta = await staffSession(t, betaAgent.email, betaAgent.password, 'beta.test');
  });
  afterAll(async () => t.close());

  const citizenGet = (who: Session) =>
    t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment/documents', headers: { host: 'alfa.test', cookie: who.cookie } });
  const space = async (who: Session) => (await citizenGet(who)).json<{ data: DocumentSpaceView }>().data;
  const staffCall = (who: string, method: 'GET' | 'POST', url: string, payload?: object, host = 'alfa.test') => {
    const s = staff[who];
    return t.app.http.inject({
      method,
      url,
      headers: { host, ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}) },
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
  };
  const staffView = async (appointmentId: string) =>
    (await staffCall('agent', 'GET', `/api/staff/appointments/${appointmentId}/documents`)).json<{ data: StaffDocumentsView }>().data;

  it('asks for a session, the CSRF token and the right appointment before a byte is stored', async () => {
    expect((await t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment/documents', headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    const anonymous = await rawRequest(port, { method: 'POST', path: '/api/uploads', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } });
    expect(anonymous.status).toBe(401);
    const noCsrf = await rawRequest(port, { method: 'POST', path: '/api/uploads', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', cookie: alice.cookie } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json().error?.id).toBe('csrf_failed');

    // Alice starts an upload; Bob can neither see, continue, nor cancel it.
    const pdf = await samplePdf('Alice');
    const created = await tusClient(port, alice).create({ slot: idSlot, filename: 'dni.pdf' }, pdf.length);
    expect(created.status).toBe(201);
    const location = created.headers.location ?? '';
    const asBob = tusClient(port, bob);
    expect((await asBob.head(location)).status).toBe(404);
    expect((await asBob.patch(location, 0, pdf)).status).toBe(404);
    expect((await asBob.remove(location)).status).toBe(404);
    expect((await tusClient(port, alice).head(location)).headers['upload-offset']).toBe('0');
    // Without a session, an upload's address is worth nothing either.
    const nobody = tusClient(port, { cookie: '', csrf: '' });
    expect((await nobody.head(location)).status).toBe(401);
    expect((await nobody.patch(location, 0, pdf)).status).toBe(401);
    // Downloads through tus do not exist.
    expect((await rawRequest(port, { method: 'GET', path: new URL(location).pathname, headers: { cookie: alice.cookie } })).status).toBe(404);
    // Bob cannot withdraw what is not his.
    const withdraw = await t.app.http.inject({
      method: 'DELETE',
      url: `/api/citizen/appointment/documents/${randomUUID()}`,
      headers: { host: 'alfa.test', cookie: bob.cookie, 'x-csrf-token': bob.csrf },
    });
    expect(withdraw.statusCode).toBe(404);
    // A slot of another procedure (or organisation) does not exist for Alice.
    expect((await tusClient(port, alice).create({ slot: randomUUID(), filename: 'x.pdf' }, 10)).status).toBe(404);
    // Unauthenticated staff calls are refused; other offices and organisations see nothing.
    expect((await t.app.http.inject({ method: 'GET', url: `/api/staff/appointments/${alice.appointmentId}/documents`, headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    expect((await staffCall('far', 'GET', `/api/staff/appointments/${alice.appointmentId}/documents`)).statusCode).toBe(404);
    expect((await staffCall('beta', 'GET', `/api/staff/appointments/${alice.appointmentId}/documents`, undefined, 'beta.test')).statusCode).toBe(404);
    await tusClient(port, alice).remove(location);
  });

  it('stores an upload encrypted, records its SHA-256 and shows it as uploaded', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const pdf = Buffer.concat([await samplePdf('Document d’identitat'), Buffer.from(`\n%${marker}\n`.repeat(50))]);
    const { created, last } = await tusClient(port, alice).upload({ slot: idSlot, filename: 'DNI Alice.pdf', filetype: 'application/pdf' }, pdf, 3);
    expect(created.status).toBe(201);
    expect(last.status).toBe(204);
    const view = await space(alice);
    const slot = view.slots.find((s) => s.slot === idSlot);
    expect(slot?.status).toBe('uploaded');
    expect(slot?.documents).toHaveLength(1);
    expect(slot?.documents[0]).toMatchObject({ fileName: 'DNI Alice.pdf', mediaType: 'application/pdf', size: pdf.length });
    const staffDoc = (await staffView(alice.appointmentId)).slots.find((s) => s.slot === idSlot)?.documents[0];
    expect(staffDoc?.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    // No scanner configured: usable, but never called clean.
    expect(staffDoc?.scan).toBe('not_configured');
    // Bob's space shows none of it.
    expect((await space(bob)).slots.every((s) => s.documents.length === 0)).toBe(true);

    let occurrences = 0;
    for (const file of filesUnder(t.ctx.config.documents.storageDir)) {
      const raw = fs.readFileSync(file);
      for (let at = raw.indexOf(marker); at !== -1; at = raw.indexOf(marker, at + 1)) occurrences++;
    }
    expect(filesUnder(t.ctx.config.documents.storageDir).length).toBeGreaterThan(0);
    expect(occurrences).toBe(0);
  });

  it('refuses bad files with a message in the citizen’s language and keeps the space as it was', async () => {
    const before = await space(bob);
    const es = tusClient(port, bob, { 'accept-language': 'es' });
    const png = tinyPng();
    const mismatch = await es.upload({ slot: idSlot, filename: 'foto.pdf' }, png, 1);
    expect(mismatch.last.status).toBe(422);
    expect(mismatch.last.json().error).toMatchObject({ id: 'file_extension_mismatch' });
    expect(mismatch.last.json().error?.message).toMatch(/nombre del archivo/);
    // A refused upload is gone for good.
    expect((await es.head(mismatch.location)).status).toBe(404);

    const text = await es.upload({ slot: idSlot, filename: 'notes.txt' }, Buffer.from('just some text'), 1);
    expect(text.created.status).toBe(422);
    expect(text.created.json().error?.id).toBe('file_type_not_allowed');
    const renamedText = await es.upload({ slot: idSlot, filename: 'notes.pdf' }, Buffer.from('just some text, not a pdf'), 1);
    expect(renamedText.last.json().error?.id).toBe('file_type_not_allowed');

    const pdf = await samplePdf('Truncated');
    const broken = await es.upload({ slot: idSlot, filename: 'broken.pdf' }, pdf.subarray(0, Math.floor(pdf.length / 2)), 1);
    expect(broken.last.json().error?.id).toBe('pdf_broken');
    const encrypted = Buffer.concat([pdf, Buffer.from('\ntrailer\n<< /Size 9 /Root 1 0 R /Encrypt 8 0 R >>\nstartxref\n0\n%%EOF\n')]);
    expect((await es.upload({ slot: idSlot, filename: 'locked.pdf' }, encrypted, 1)).last.json().error?.id).toBe('pdf_encrypted');

    expect((await es.create({ slot: idSlot, filename: 'empty.pdf' }, 0)).json().error?.id).toBe('file_empty');
    const huge = await es.create({ slot: idSlot, filename: 'huge.pdf' }, 11 * 1024 * 1024);
    expect(huge.status).toBe(413);
    expect(huge.json().error).toMatchObject({ id: 'file_too_large' });
    expect(huge.json().error?.message).toContain('10 MB');

    expect(await space(bob)).toEqual(before);
  });

  it('lets staff view with Range (recorded), reject with an email, and accept the new copy', async () => {
    const doc = (await staffView(alice.appointmentId)).slots.find((s) => s.slot === idSlot)?.documents[0];
    if (!doc) throw new Error('no document');
    const url = `/api/staff/appointments/${alice.appointmentId}/documents/${doc.id}/content`;
    const whole = await staffCall('agent', 'GET', url);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['cache-control']).toBe('no-store');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-type']).toBe('application/pdf');
    expect(createHash('sha256').update(whole.rawPayload).digest('hex')).toBe(doc.sha256);
    const part = await t.app.http.inject({ method: 'GET', url, headers: { host: 'alfa.test', cookie: staff.agent?.cookie ?? '', range: 'bytes=5-20' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 5-20/${doc.size}`);
    expect(part.rawPayload).toEqual(whole.rawPayload.subarray(5, 21));
    expect((await staffCall('far', 'GET', url)).statusCode).toBe(404);
    const download = await staffCall('agent', 'GET', `${url}?download=1`);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="DNI Alice.pdf"/);

    const empty = await staffCall('agent', 'POST', `/api/staff/appointments/${alice.appointmentId}/documents/${doc.id}/review`, { decision: 'reject', reason: ' ' });
    expect(empty.statusCode).toBe(400);
    const rejected = await staffCall('agent', 'POST', `/api/staff/appointments/${alice.appointmentId}/documents/${doc.id}/review`, {
      decision: 'reject',
      reason: 'La foto del DNI és borrosa',
    });
    expect(rejected.statusCode).toBe(200);
    await t.app.mailer.runDue();
    const mail = t.mail.lastTo('alice@example.org');
    expect(mail?.subject).toMatch(/Cal corregir un document/);
    expect(mail?.text).toContain('La foto del DNI és borrosa');
    expect(mail?.text).toContain('DNI Alice.pdf');
    expect((await space(alice)).slots.find((s) => s.slot === idSlot)).toMatchObject({ status: 'rejected', documents: [{ rejectionReason: 'La foto del DNI és borrosa' }] });

    // The citizen uploads a new copy: it replaces the rejected one, which is shredded.
    const again = await tusClient(port, alice).upload({ slot: idSlot, filename: 'dni-nou.pdf' }, await samplePdf('Nou DNI'), 2);
    expect(again.last.status).toBe(204);
    const slot = (await staffView(alice.appointmentId)).slots.find((s) => s.slot === idSlot);
    expect(slot?.documents.map((d) => d.fileName)).toEqual(['dni-nou.pdf']);
    await t.app.documents.runDue();
    const old = await t.ctx.db.selectFrom('documents').select(['blob_id', 'purged_at']).where('id', '=', doc.id).executeTakeFirstOrThrow();
    expect(old.blob_id).toBeNull();
    expect(old.purged_at).not.toBeNull();
    expect((await staffCall('agent', 'GET', url)).statusCode).toBe(404);

    const fresh = slot?.documents[0];
    const accepted = await staffCall('agent', 'POST', `/api/staff/appointments/${alice.appointmentId}/documents/${fresh?.id ?? ''}/review`, { decision: 'accept' });
    const acceptedSlot = accepted.json<{ data: StaffDocumentsView }>().data.slots.find((s) => s.slot === idSlot);
    expect(acceptedSlot?.status).toBe('accepted');
    const agentEmail = t.orgA.accounts.find((a) => a.role === 'agent')?.email ?? '';
    const agentRow = await t.ctx.db.selectFrom('staff').select('display_name').where('email', '=', agentEmail).executeTakeFirstOrThrow();
    expect(acceptedSlot?.documents[0]?.reviewedBy).toBe(agentRow.display_name);

    const detail = await staffCall('agent', 'GET', `/api/staff/appointments/${alice.appointmentId}`);
    const types = (detail.json().data.history as { type: string; actor: string }[]).map((h) => `${h.type}:${h.actor.split(':')[0] ?? ''}`);
    expect(types).toEqual(
      expect.arrayContaining(['document.uploaded:citizen', 'document.viewed:staff', 'document.downloaded:staff', 'document.rejected:staff', 'document.accepted:staff']),
    );
    // One look through the viewer (many ranges) is one entry.
    expect(types.filter((x) => x === 'document.viewed:staff')).toHaveLength(1);
  });

  it('lets the citizen withdraw a document the office has not accepted', async () => {
    const up = await tusClient(port, bob).upload({ slot: 'other', filename: 'wrong-file.pdf' }, await samplePdf('Wrong'), 1);
    expect(up.last.status).toBe(204);
    const doc = (await space(bob)).slots.find((s) => s.slot === 'other')?.documents[0];
    const res = await t.app.http.inject({
      method: 'DELETE',
      url: `/api/citizen/appointment/documents/${doc?.id ?? ''}`,
      headers: { host: 'alfa.test', cookie: bob.cookie, 'x-csrf-token': bob.csrf },
    });
    expect(res.statusCode).toBe(204);
    expect((await space(bob)).slots.find((s) => s.slot === 'other')?.documents).toEqual([]);
    await t.app.documents.runDue();
    expect(await t.ctx.blobs.stat(doc?.id ?? '')).toBeNull();
  });

  it('closes uploads at the deadline unless the office re-opens them', async () => {
    const pdf = await samplePdf('Late');
    t.clock.set(new Date(Date.parse(THU('09:30')) - 47 * 3_600_000));
    bob = { ...bob, ...(await bob.signInAgain()) };
    const agent = t.orgA.accounts.find((a) => a.role === 'agent');
    staff.agent = await staffSession(t, agent?.email ?? '', agent?.password ?? '');
    const late = await tusClient(port, bob).create({ slot: idSlot, filename: 'late.pdf' }, pdf.length);
    expect(late.status).toBe(409);
    expect(late.json().error?.id).toBe('uploads_closed');
    // The required documents close; "other documents" stay open until the appointment starts.
    expect((await space(bob)).slots.map((s) => [s.slot, s.open])).toEqual([
      [idSlot, false],
      ['other', true],
    ]);
    const reopened = await staffCall('agent', 'POST', `/api/staff/appointments/${bob.appointmentId}/documents/reopen`, { hours: 4 });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json<{ data: StaffDocumentsView }>().data.reopenedUntil).not.toBeNull();
    expect((await tusClient(port, bob).upload({ slot: idSlot, filename: 'late.pdf' }, pdf, 1)).last.status).toBe(204);
    t.clock.set(new Date(Date.parse(THU('09:30')) - 40 * 3_600_000));
    bob = { ...bob, ...(await bob.signInAgain()) };
    expect((await tusClient(port, bob).create({ slot: idSlot, filename: 'again.pdf' }, pdf.length)).status).toBe(409);
    expect((await tusClient(port, bob).create({ slot: 'other', filename: 'more.pdf' }, pdf.length)).status).toBe(201);
  });

  it('crypto-shreds the documents of a cancelled appointment', async () => {
    t.clock.set(new Date('2026-03-02T07:00:00Z'));
    const carol = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('10:00'), email: 'carol@example.org', idNumber: '30000002K' });
    const up = await tusClient(port, carol).upload({ slot: 'other', filename: 'annex.pdf' }, await samplePdf('Carol'), 1);
    expect(up.last.status).toBe(204);
    const started = await tusClient(port, carol).create({ slot: idSlot, filename: 'pending.pdf' }, 5000);
    const blobId = (await t.ctx.db.selectFrom('documents').select('blob_id').where('appointment_id', '=', carol.appointmentId).executeTakeFirstOrThrow()).blob_id ?? '';
    expect(await t.ctx.blobs.stat(blobId)).not.toBeNull();
    const cancel = await t.app.http.inject({
      method: 'POST',
      url: '/api/citizen/appointment/cancel',
      headers: { host: 'alfa.test', cookie: carol.cookie, 'x-csrf-token': carol.csrf },
      payload: {},
    });
    expect(cancel.statusCode).toBe(200);
    await t.app.documents.runDue();
    expect(await t.ctx.blobs.stat(blobId)).toBeNull();
    expect(await t.ctx.blobs.stat(new URL(started.headers.location ?? '', 'http://x').pathname.split('/').pop() ?? '')).toBeNull();
    const events = await t.ctx.db.selectFrom('appointment_events').select('type').where('appointment_id', '=', carol.appointmentId).execute();
    expect(events.map((e) => e.type)).toContain('documents.purged');
  });

  it('purges the documents of a closed appointment after the retention period', async () => {
    const dave = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('10:30'), email: 'dave@example.org', idNumber: '30000003E' });
    expect((await tusClient(port, dave).upload({ slot: idSlot, filename: 'dni.png' }, tinyPng(), 1)).last.status).toBe(204);
    await t.ctx.db.updateTable('appointments').set({ status: 'completed', updated_at: THU('10:45') }).where('id', '=', dave.appointmentId).execute();
    t.clock.set(new Date(Date.parse(THU('10:45')) + 29 * 86_400_000));
    await t.app.documents.runDue();
    const kept = await t.ctx.db.selectFrom('documents').select(['blob_id']).where('appointment_id', '=', dave.appointmentId).executeTakeFirstOrThrow();
    expect(kept.blob_id).not.toBeNull();
    t.clock.set(new Date(Date.parse(THU('10:45')) + 31 * 86_400_000));
    await t.app.documents.runDue();
    const gone = await t.ctx.db.selectFrom('documents').select(['blob_id', 'purged_at']).where('appointment_id', '=', dave.appointmentId).executeTakeFirstOrThrow();
    expect(gone.blob_id).toBeNull();
    expect(gone.purged_at).not.toBeNull();
    t.clock.set(new Date('2026-03-02T07:00:00Z'));
  });

  it('keeps the documents past the retention period while the evidence waits to be acknowledged by case management, and purges them after', async () => {
    const erin = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('11:00'), email: 'erin@example.org', idNumber: '30000004T' });
    expect((await tusClient(port, erin).upload({ slot: idSlot, filename: 'dni.png' }, tinyPng(), 1)).last.status).toBe(204);
    await t.ctx.db.updateTable('appointments').set({ status: 'completed', updated_at: THU('11:15') }).where('id', '=', erin.appointmentId).execute();
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: 'rest' }).where('id', '=', padro).execute();
    const blob = async () => (await t.ctx.db.selectFrom('documents').select(['blob_id']).where('appointment_id', '=', erin.appointmentId).executeTakeFirstOrThrow()).blob_id;
    try {
      t.clock.set(new Date(Date.parse(THU('11:15')) + 31 * 86_400_000));
      // A connector and no delivery yet (the package not sealed): kept.
      await t.app.documents.runDue();
      expect(await blob()).not.toBeNull();
      // Delivery pending, then dead: kept.
      const packageId = randomUUID();
      await t.ctx.db
        .insertInto('evidence_packages')
        .values({ id: packageId, organisation_id: t.orgA.id, appointment_id: erin.appointmentId, blob_id: randomUUID(), size: 1, sha256: '0'.repeat(64), file_count: 1, seal_subject: 'TEST SEAL', timestamped: 0, created_by: 'system', created_at: THU('11:20') })
        .execute();
      const delivery = { id: randomUUID(), organisation_id: t.orgA.id, appointment_id: erin.appointmentId, package_id: packageId, connector: 'rest', state: 'pending' as const, attempts: 3, next_attempt_at: THU('12:00'), lease_owner: null, lease_until: null, last_error: 'http_500', reference: null, acknowledged_at: null, dead_after: THU('12:00'), dead_at: null, alerted_at: null, created_at: THU('11:20') };
      await t.ctx.db.insertInto('deliveries').values(delivery).execute();
      await t.app.documents.runDue();
      expect(await blob()).not.toBeNull();
      await t.ctx.db.updateTable('deliveries').set({ state: 'dead', dead_at: THU('12:00') }).where('id', '=', delivery.id).execute();
      await t.app.documents.runDue();
      expect(await blob()).not.toBeNull();
      // Acknowledged by the receiver: purged.
      await t.ctx.db.updateTable('deliveries').set({ state: 'acknowledged', reference: 'EXP-2026-1', acknowledged_at: THU('12:30') }).where('id', '=', delivery.id).execute();
      await t.app.documents.runDue();
      expect(await blob()).toBeNull();
    } finally {
      await t.ctx.db.updateTable('procedures').set({ delivery_connector: 'none' }).where('id', '=', padro).execute();
      t.clock.set(new Date('2026-03-02T07:00:00Z'));
    }
  });
});
