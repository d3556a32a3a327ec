/**
 * Data-protection requests over HTTP, on both databases: an administrator
 * finds a citizen by identity number and/or email (audited, the number
 * never in clear), downloads everything held as a ZIP (the citizen's data
 * and files, nothing of another citizen's) and erases it — the finished,
 * delivered appointment is purged (blobs shredded, personal fields gone),
 * the appointment under a legal hold, the one whose evidence case management
 * has not acknowledged and the one not yet held are kept, each with its
 * reason.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, listen, samplePdf, staffSession, tusClient, type Session } from '../../../test/documents-helpers.ts';
import { requireTool, runTool } from '../../../test/evidence-tools.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import type { DataProtectionEraseView, DataProtectionSearchView } from '../../shared/data-protection.ts';

/** Thursday 12 March 2026 in Madrid (uploads stay open until the Tuesday before). */
const THU = (hhmm: string) => new Date(Date.parse(`2026-03-12T${hhmm}:00+01:00`)).toISOString();
const XENIA = nif(52_100_001);
const YAGO = nif(52_100_002);
/** Xènia and Yago share the family's email address. */
const FAMILY_EMAIL = 'familia.vidal@example.org';

describe.each(DIALECTS)('data-protection requests (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let port = 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-dp-'));
  /** Xènia's appointments: delivered (no connector) and finished, with a connector but nothing delivered, under a legal hold, still booked. */
  const a: Record<'done' | 'undelivered' | 'held' | 'booked' | 'yago', { id: string; reference: string }> = {} as never;
  const pdfs: Record<'done' | 'held' | 'yago', Buffer> = {} as never;
  const markers = { xenia: `XENIA-${randomUUID()}`, yago: `YAGO-${randomUUID()}` };

  const post = (url: string, payload: object, who: Session = admin, lang = 'ca') =>
    t.app.http.inject({ method: 'POST', url, headers: { host: 'alfa.test', cookie: who.cookie, 'x-csrf-token': who.csrf, 'accept-language': lang }, payload });
  const search = async (payload: object) => {
    const res = await post('/api/admin/data-protection/search', payload);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ data: DataProtectionSearchView }>().data;
  };
  const auditEntries = (action: string) =>
    t.ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', t.orgA.id).where('action', '=', action).orderBy('seq').execute();
  const documentOf = (appointmentId: string) => t.ctx.db.selectFrom('documents').selectAll().where('appointment_id', '=', appointmentId).executeTakeFirstOrThrow();
  const appointment = (id: string) => t.ctx.db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    requireTool('unzip');
    t = await createTestApp({ dialect });
    port = await listen(t);
    const padro = await procedureId(t, t.orgA.id);
    const canvi = await procedureId(t, t.orgA.id, 'padro-canvi-domicili');
    // This procedure's evidence goes to case management: nothing of it may be purged before the receiver acknowledges.
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: 'rest' }).where('id', '=', canvi).execute();
    const slot = async (procedure: string) => (await t.ctx.db.selectFrom('required_documents').select('id').where('procedure_id', '=', procedure).executeTakeFirstOrThrow()).id;
    const book = async (key: keyof typeof a, procedure: string, at: string, idNumber: string, pdfKey?: keyof typeof pdfs, marker?: string) => {
      const c = await citizenWithAppointment(t, { procedureId: procedure, startsAt: THU(at), email: FAMILY_EMAIL, idNumber });
      a[key] = { id: c.appointmentId, reference: (await appointment(c.appointmentId)).reference };
      if (pdfKey && marker) {
        pdfs[pdfKey] = Buffer.concat([await samplePdf(`Document ${key}`), Buffer.from(`\n%${marker}\n`)]);
        const { last } = await tusClient(port, c).upload({ slot: await slot(procedure), filename: `DNI ${key}.pdf`, filetype: 'application/pdf' }, pdfs[pdfKey], 2);
        expect(last.status).toBe(204);
      }
      // Each one closes before the next is booked (a citizen has at most a few open appointments).
      if (key !== 'booked') await t.ctx.db.updateTable('appointments').set({ status: 'completed' }).where('id', '=', c.appointmentId).execute();
    };
    await book('done', padro, '09:00', XENIA, 'done', markers.xenia);
    await book('undelivered', canvi, '09:30', XENIA);
    await book('held', padro, '10:00', XENIA, 'held', markers.xenia);
    await book('yago', padro, '10:30', YAGO, 'yago', markers.yago);
    await book('booked', padro, '11:00', XENIA);
    await t.ctx.db
      .insertInto('legal_holds')
      .values({ id: randomUUID(), organisation_id: t.orgA.id, appointment_id: a.held.id, reason: 'Diligències prèvies 123/2026', placed_by: 'staff:x', placed_at: t.clock.now().toISOString(), released_by: null, released_at: null })
      .execute();
    // Xènia in another organisation: never found from this one.
    await citizenWithAppointment(t, { procedureId: await procedureId(t, t.orgB.id), startsAt: THU('09:00'), email: FAMILY_EMAIL, idNumber: XENIA, host: 'beta.test' });
    const account = (role: string) => {
      const found = t.orgA.accounts.find((x) => x.role === role);
      if (!found) throw new Error(`the seed has no ${role}`);
      return found;
    };
    admin = await staffSession(t, account('admin').email, account('admin').password);
    agent = await staffSession(t, account('agent').email, account('agent').password);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('is for administrators only: an agent is refused', async () => {
    const res = await post('/api/admin/data-protection/search', { idNumber: XENIA }, agent);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.id).toBe('forbidden');
  });

  it('finds the citizen’s appointments by identity number as people type it, says what each holds and what erasure would do, and records the search with the number masked', async () => {
    const typed = `${XENIA.slice(0, 2)}.${XENIA.slice(2, 5)}.${XENIA.slice(5, 8)}-${XENIA.slice(8).toLowerCase()}`;
    const found = await search({ idNumber: typed });
    expect(found.confirmWith).toBe('id_number');
    expect(found.appointments.map((x) => x.reference).sort()).toEqual([a.done, a.undelivered, a.held, a.booked].map((x) => x.reference).sort());
    const by = (ref: { id: string }) => found.appointments.find((x) => x.id === ref.id);
    expect(by(a.done)).toMatchObject({ status: 'completed', held: { documents: 1, recording: false }, legalHold: null, delivery: 'no_connector', onErase: 'erase', idNumberMasked: `*****${XENIA.slice(5)}` });
    expect(by(a.undelivered)).toMatchObject({ delivery: 'not_sealed', onErase: 'awaiting_delivery' });
    expect(by(a.held)).toMatchObject({ legalHold: { reason: 'Diligències prèvies 123/2026' }, onErase: 'legal_hold' });
    expect(by(a.booked)).toMatchObject({ status: 'booked', onErase: 'not_finished' });
    expect(found.subject).not.toContain(XENIA);

    await expect.poll(async () => (await auditEntries('data_protection.searched')).length).toBeGreaterThan(0);
    const entry = (await auditEntries('data_protection.searched')).at(-1);
    expect(entry?.actor).toMatch(/^staff:/);
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ idNumber: `*****${XENIA.slice(5)}`, appointments: 4, subject: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(entry?.details).not.toContain(XENIA);
    expect(entry?.details).not.toContain(XENIA.slice(0, 8));
  });

  it('by email alone finds the whole family; with the number too, only that person', async () => {
    const byEmail = await search({ email: ` ${FAMILY_EMAIL.toUpperCase()} ` });
    expect(byEmail.confirmWith).toBe('email');
    expect(byEmail.appointments).toHaveLength(5);
    expect(byEmail.appointments.find((x) => x.id === a.yago.id)?.idNumberMasked).toBe(`*****${YAGO.slice(5)}`);
    const both = await search({ idNumber: YAGO, email: FAMILY_EMAIL });
    expect(both.appointments.map((x) => x.id)).toEqual([a.yago.id]);
    const nobody = await search({ idNumber: nif(52_100_099) });
    expect(nobody.appointments).toEqual([]);
  });

  it('refuses a search without an identity, or with a malformed one, with a translated message', async () => {
    const empty = await post('/api/admin/data-protection/search', { idNumber: '', email: '' }, admin, 'es');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ id: 'validation_failed', message: expect.stringContaining('datos') });
    expect(empty.json().error.details.issues).toEqual([{ path: 'idNumber', code: 'identity_required' }]);
    const bad = await post('/api/admin/data-protection/search', { idNumber: '12<script>', email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues).toEqual(expect.arrayContaining([{ path: 'idNumber', code: 'id_number_invalid' }, { path: 'email', code: 'email_invalid' }]));
  });

  it('exports everything held about the citizen as a ZIP: citizen.json and the files, byte for byte, and nothing of another citizen', async () => {
    const { subject } = await search({ idNumber: XENIA });
    const res = await t.app.http.inject({ method: 'GET', url: `/api/admin/data-protection/export?subject=${encodeURIComponent(subject)}`, headers: { host: 'alfa.test', cookie: admin.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="data-protection-2026-03-02\.zip"/);
    const zip = path.join(work, `export-${dialect}.zip`);
    fs.writeFileSync(zip, res.rawPayload);
    const out = path.join(work, `export-${dialect}`);
    const unzipped = await runTool('unzip', ['-q', '-o', zip, '-d', out]);
    expect(unzipped.code, unzipped.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'README.txt'), 'utf8')).toContain('citizen.json');

    const citizen = JSON.parse(fs.readFileSync(path.join(out, 'citizen.json'), 'utf8')) as {
      appointments: { id: string; reference: string; citizen: { idNumber: string; email: string; name: string }; history: { type: string }[]; documents: { fileName: string; sha256: string; file: string | null }[] }[];
    };
    expect(citizen.appointments.map((x) => x.id).sort()).toEqual([a.done.id, a.undelivered.id, a.held.id, a.booked.id].sort());
    const done = citizen.appointments.find((x) => x.id === a.done.id);
    expect(done?.citizen).toMatchObject({ idNumber: XENIA, email: FAMILY_EMAIL, name: 'Núria' });
    expect(done?.history.map((e) => e.type)).toContain('appointment.booked');
    const file = done?.documents[0]?.file;
    expect(done?.documents[0]?.fileName).toBe('DNI done.pdf');
    expect(file).toMatch(new RegExp(`^appointments/${a.done.reference}/documents/01-DNI done\\.pdf$`));
    expect(fs.readFileSync(path.join(out, file ?? 'missing')).equals(pdfs.done)).toBe(true);

    // Nothing of Yago's, though he shares the email address.
    const everything = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? everything(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const f of everything(out)) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes(markers.yago), f).toBe(false);
      expect(bytes.includes(YAGO), f).toBe(false);
      expect(bytes.includes(a.yago.reference), f).toBe(false);
    }
    expect(everything(out).filter((f) => fs.readFileSync(f).includes(markers.xenia))).toHaveLength(2);

    await expect.poll(async () => (await auditEntries('data_protection.exported')).length).toBe(1);
    const entry = (await auditEntries('data_protection.exported'))[0];
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ appointments: 4, files: 2, idNumber: `*****${XENIA.slice(5)}` });
    expect(entry?.details).not.toContain(XENIA);
    expect(entry?.ip).toBeTruthy();
  });

  it('answers 404 when nothing is held, 400 for a search that expired or was altered, and only for the administrator who searched', async () => {
    const export_ = (subject: string, who: Session = admin) =>
      t.app.http.inject({ method: 'GET', url: `/api/admin/data-protection/export?subject=${encodeURIComponent(subject)}`, headers: { host: 'alfa.test', cookie: who.cookie, 'accept-language': 'en' } });
    const nobody = await export_((await search({ idNumber: nif(52_100_099) })).subject);
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().error).toMatchObject({ id: 'data_protection_nothing_found', message: 'This person has no appointments with this organisation.' });

    const { subject } = await search({ idNumber: XENIA });
    const altered = await export_(`${subject.slice(0, -3)}AAA`);
    expect(altered.statusCode).toBe(400);
    expect(altered.json().error.id).toBe('data_protection_search_invalid');
    // Another member of staff cannot use it (they cannot even reach the route, but the handle is bound to its administrator too).
    expect((await export_(subject, agent)).statusCode).toBe(403);

    const now = t.clock.now();
    t.clock.set(new Date(now.getTime() + 31 * 60_000));
    try {
      const stale = await export_(subject);
      expect(stale.statusCode).toBe(400);
      expect(stale.json().error).toMatchObject({ id: 'data_protection_search_expired', message: 'The search has expired. Search for the person again.' });
    } finally {
      t.clock.set(now);
    }
  });

  it('stops reading the encrypted store when the browser goes away in the middle of a download', async () => {
    // A 48 MiB recording of the held appointment: far more than the socket buffers hold.
    const blobId = randomUUID();
    await t.ctx.blobs.create(blobId);
    const mib = Buffer.alloc(1 << 20, 7);
    await t.ctx.blobs.append(blobId, 0, Readable.from((function* () { for (let i = 0; i < 48; i++) yield mib; })()));
    const digest = await t.ctx.blobs.finish(blobId);
    const at = t.clock.now().toISOString();
    await t.ctx.db
      .insertInto('recordings')
      .values({ id: randomUUID(), organisation_id: t.orgA.id, appointment_id: a.held.id, status: 'ready', started_by: 'staff:x', started_at: at, stopped_at: at, file_blob_id: blobId, file_size: digest.size, file_sha256: digest.sha256, duration_ms: 1000, finalised_at: at, updated_at: at })
      .execute();
    const opened: Readable[] = [];
    const store = t.ctx.blobs;
    const read = store.read.bind(store);
    store.read = (id, range) => {
      const stream = read(id, range);
      if (id === blobId) opened.push(stream);
      return stream;
    };
    try {
      const { subject } = await search({ idNumber: XENIA });
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/api/admin/data-protection/export?subject=${encodeURIComponent(subject)}`, headers: { host: 'alfa.test', cookie: admin.cookie } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${String(res.statusCode)}`));
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            // Well into the recording: then the browser is closed.
            if (received > 4 << 20 && !req.destroyed) {
              req.destroy();
              resolve();
            }
          });
          res.on('error', () => undefined);
        });
        req.on('error', () => undefined);
      });
      await expect.poll(() => opened.length === 1 && opened.every((s) => s.destroyed)).toBe(true);
      // And the server goes on answering.
      expect((await search({ idNumber: XENIA })).appointments.find((x) => x.id === a.held.id)?.held.recording).toBe(true);
    } finally {
      store.read = read;
    }
  });

  it('erases after the number is typed again: the finished, delivered appointment is purged, the others are kept with their reasons', async () => {
    const { subject } = await search({ idNumber: XENIA });
    const wrong = await post('/api/admin/data-protection/erase', { subject, confirmation: YAGO });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.issues).toEqual([{ path: 'confirmation', code: 'confirmation_mismatch' }]);
    expect((await appointment(a.done.id)).citizen_id_number).toBe(XENIA);

    const doneBlob = (await documentOf(a.done.id)).blob_id;
    const heldBlob = (await documentOf(a.held.id)).blob_id;
    const yagoBlob = (await documentOf(a.yago.id)).blob_id;
    if (!doneBlob || !heldBlob || !yagoBlob) throw new Error('documents without blobs');

    const res = await post('/api/admin/data-protection/erase', { subject, confirmation: ` ${XENIA.toLowerCase()} ` });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<{ data: DataProtectionEraseView }>().data;
    expect(view).toMatchObject({ erased: 1, kept: 3 });
    const outcome = (ref: { id: string }) => view.results.find((r) => r.id === ref.id);
    expect(outcome(a.done)).toMatchObject({ reference: a.done.reference, outcome: 'erased', reason: null });
    expect(outcome(a.held)).toMatchObject({ outcome: 'kept', reason: 'legal_hold' });
    expect(outcome(a.undelivered)).toMatchObject({ outcome: 'kept', reason: 'awaiting_delivery' });
    expect(outcome(a.booked)).toMatchObject({ outcome: 'kept', reason: 'not_finished' });

    // Purged: the document's blob is crypto-shredded, the personal fields are gone, the reference stays.
    expect(await t.ctx.blobs.stat(doneBlob)).toBeNull();
    await expect(async () => {
      for await (const chunk of t.ctx.blobs.read(doneBlob)) expect(chunk).toBeUndefined();
    }).rejects.toThrow();
    const purged = await appointment(a.done.id);
    expect(purged).toMatchObject({ reference: a.done.reference, citizen_name: '', citizen_surnames: '', citizen_id_number: '', citizen_email: '', citizen_phone: '' });
    // Kept: all of it still there.
    expect(await t.ctx.blobs.stat(heldBlob)).not.toBeNull();
    expect(await appointment(a.held.id)).toMatchObject({ citizen_id_number: XENIA, citizen_email: FAMILY_EMAIL });
    expect(await appointment(a.undelivered.id)).toMatchObject({ citizen_id_number: XENIA });
    expect(await appointment(a.booked.id)).toMatchObject({ citizen_id_number: XENIA, status: 'booked' });
    // Yago, who shares the email: untouched.
    expect(await t.ctx.blobs.stat(yagoBlob)).not.toBeNull();
    expect(await appointment(a.yago.id)).toMatchObject({ citizen_id_number: YAGO, citizen_email: FAMILY_EMAIL });

    await expect.poll(async () => (await auditEntries('data_protection.erased')).length).toBe(1);
    const entry = (await auditEntries('data_protection.erased'))[0];
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ appointments: 4, erased: 1, kept: 3, keptBecause: { legal_hold: 1, awaiting_delivery: 1, not_finished: 1 } });
    expect(entry?.details).not.toContain(XENIA);
    const purges = await auditEntries('retention.purged');
    expect(purges.map((p) => p.appointment_id)).toEqual([a.done.id]);

    // What is left is what was kept.
    expect((await search({ idNumber: XENIA })).appointments.map((x) => x.id).sort()).toEqual([a.undelivered.id, a.held.id, a.booked.id].sort());
  });
});
