import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenWithAppointment, samplePdf, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { requireTool, runTool, STANDARDS_DIR, startTestTsa, xmllintSchema, type TestTsa } from '../../../test/evidence-tools.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { OID, parseSignedData, verifySigner } from '../evidence/cms.ts';
import { verifyPackage } from '../evidence/verify-package.ts';
import { registerAppointment } from '../registry/appointment-registry.service.ts';
import { takeSnapshot } from '../snapshots/snapshots.service.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/finestreta.js');

/**
 * An appointment's evidence package as staff seal and download it: built
 * from what really happened (booking, a document, the call's chat, the
 * registry entry and its sealed receipt), and checked with standard tools —
 * unzip, xmllint against the official schemas, openssl cms and ts — and with
 * `finestreta verify`.
 */
describe('the evidence package of an appointment', () => {
  let t: TestApp;
  let tsa: TestTsa;
  let dir = '';
  let appointmentId = '';
  let agent: Session;
  let pkg = '';
  let pdf: Buffer;
  let snapshot: Buffer;
  const unzip = (name: string) => spawnSync('unzip', ['-p', pkg, name], { maxBuffer: 64 << 20 }).stdout;
  const extract = (name: string) => {
    const out = path.join(dir, 'x', name);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, unzip(name));
    return out;
  };
  const as = (session: Session, method: 'GET' | 'POST', url: string, host = 'alfa.test') =>
    t.app.http.inject({ method, url, headers: { host, cookie: session.cookie, 'x-csrf-token': session.csrf }, ...(method === 'POST' ? { payload: {} } : {}) });

  beforeAll(async () => {
    requireTool('unzip');
    tsa = await startTestTsa();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-package-'));
    t = await createTestApp({ env: { TSA_URL: tsa.url } });
    const padro = await procedureId(t, t.orgA.id);
    const citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-03T09:00:00.000Z', email: 'evidencia@example.org', idNumber: '12345678Z' });
    appointmentId = citizen.appointmentId;
    const appointment = await t.ctx.db.selectFrom('appointments').selectAll().where('id', '=', appointmentId).executeTakeFirstOrThrow();
    const org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();

    // What follows happens now: a seal's signing time is server time, the TSA's is real time, and a verifier refuses the two far apart.
    t.clock.set(new Date());
    // A document the citizen handed over, stored as the upload path stores it: encrypted, with its SHA-256.
    pdf = await samplePdf('Certificat d’empadronament anterior');
    const blobId = randomUUID();
    await t.ctx.blobs.create(blobId);
    await t.ctx.blobs.append(blobId, 0, Readable.from([pdf]));
    const digest = await t.ctx.blobs.finish(blobId);
    const now = t.clock.now().toISOString();
    await t.ctx.db
      .insertInto('documents')
      .values({
        id: randomUUID(),
        organisation_id: org.id,
        appointment_id: appointmentId,
        requirement_id: null,
        blob_id: blobId,
        file_name: 'empadronament/anterior.pdf',
        media_type: 'application/pdf',
        size: pdf.length,
        sha256: digest.sha256,
        scan_status: 'clean',
        scan_signature: null,
        scan_attempts: 0,
        scan_lease_until: null,
        review_status: 'accepted',
        rejection_reason: null,
        reviewed_by: null,
        reviewed_at: null,
        uploaded_by: 'citizen',
        uploaded_at: now,
        superseded_at: null,
        purged_at: null,
      })
      .execute();
    // The call's chat, as the signalling server records it.
    await bookingRepo.addEvent(t.ctx.db, org.id, appointmentId, 'call.chat', 'citizen', now, { messageId: randomUUID(), from: 'citizen', text: 'Bon dia, ja us sento' });
    // A frame of the citizen's ID card, captured during the call.
    await t.ctx.db.updateTable('appointments').set({ status: 'in_call' }).where('id', '=', appointmentId).execute();
    const assigned = await t.ctx.db.selectFrom('staff').selectAll().where('id', '=', appointment.agent_id).executeTakeFirstOrThrow();
    snapshot = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(4096, 7), Buffer.from('ffd9', 'hex')]);
    await takeSnapshot(t.ctx, org, assigned, appointmentId, 'id_front', 'image/jpeg', Readable.from([snapshot]));
    // The registry entry and its sealed receipt.
    await registerAppointment(t.ctx, org, appointmentId, { motiu: 'Canvi de domicili' }, 'Sol·licitud de certificat', 'system');

    const staff = await t.ctx.db.selectFrom('staff').select(['email']).where('id', '=', appointment.agent_id).executeTakeFirstOrThrow();
    const account = t.orgA.accounts.find((a) => a.email === staff.email);
    if (!account) throw new Error('the appointment’s agent is not a seeded account');
    agent = await staffSession(t, account.email, account.password);
  }, 120_000);

  afterAll(async () => {
    await t.close();
    await tsa.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is sealed by the appointment’s agent and downloaded as an ASiC-E container whose SHA-256 the API states', async () => {
    const sealed = await as(agent, 'POST', `/api/staff/appointments/${appointmentId}/evidence`);
    expect(sealed.statusCode).toBe(201);
    const data = sealed.json<{ data: { id: string; sha256: string; size: number; timestamped: boolean; sealedBy: string; contents: { name: string }[] } }>().data;
    expect(data.timestamped).toBe(true);
    expect(data.sealedBy).toContain('TEST SEAL');
    expect(data.contents.map((c) => c.name)).toEqual([
      'snapshots/01-id-front.jpg',
      'receipt.pdf',
      'form.json',
      'events.json',
      'chat.json',
      'documents/manifest.json',
      'documents/01-empadronament_anterior.pdf',
      'eni/receipt.xml',
      'eni/events.xml',
      'eni/expediente.xml',
    ]);
    const listed = await as(agent, 'GET', `/api/staff/appointments/${appointmentId}/evidence`);
    expect(listed.json<{ data: { packages: { id: string }[] } }>().data.packages.map((p) => p.id)).toEqual([data.id]);

    const download = await as(agent, 'GET', `/api/staff/appointments/${appointmentId}/evidence/${data.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/vnd.etsi.asic-e+zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="evidence-.*\.asice"/);
    pkg = path.join(dir, 'evidence.asice');
    fs.writeFileSync(pkg, download.rawPayload);
    expect(download.rawPayload.length).toBe(data.size);
    expect(createHash('sha256').update(download.rawPayload).digest('hex')).toBe(data.sha256);

    const history = await t.ctx.db.selectFrom('appointment_events').select(['type']).where('appointment_id', '=', appointmentId).execute();
    expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(['evidence.sealed', 'evidence.downloaded']));
  });

  it('holds the document, the ID snapshot, the chat, the receipt and the whole history, byte for byte', async () => {
    expect(createHash('sha256').update(unzip('documents/01-empadronament_anterior.pdf')).digest('hex')).toBe(createHash('sha256').update(pdf).digest('hex'));
    const events = JSON.parse(unzip('events.json').toString('utf8')) as { events: { type: string; seq: number }[] };
    expect(events.events.map((e) => e.seq)).toEqual(events.events.map((_, i) => i + 1));
    expect(events.events.map((e) => e.type)).toEqual(expect.arrayContaining(['call.chat', 'registry.registered']));
    expect(JSON.parse(unzip('chat.json').toString('utf8'))).toMatchObject({ messages: [{ from: 'citizen', text: 'Bon dia, ja us sento' }] });
    expect(JSON.parse(unzip('form.json').toString('utf8'))).toMatchObject({ registryNumber: expect.stringMatching(/^REGE-2026-\d{6}$/) as unknown, data: { motiu: 'Canvi de domicili' } });
    expect(unzip('receipt.pdf').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(unzip('snapshots/01-id-front.jpg').equals(snapshot)).toBe(true);
    expect(events.events.map((e) => e.type)).toContain('identification.snapshot');
  });

  it('passes the official schemas (ASiC manifest, ENI documents and expediente) and openssl cms and ts', async () => {
    const manifest = extract('META-INF/ASiCManifest.xml');
    const asicSchema = await xmllintSchema('asic/en_31916201v010101.xsd', manifest);
    expect(asicSchema.stderr).toContain('validates');
    for (const name of ['eni/receipt.xml', 'eni/events.xml']) {
      const result = await xmllintSchema('eni/documentoEni.xsd', extract(name));
      expect(result.stderr, name).toContain('validates');
    }
    const index = await xmllintSchema('eni/expedienteEni.xsd', extract('eni/expediente.xml'));
    expect(index.stderr).toContain('validates');

    const p7s = extract('META-INF/signature.p7s');
    const cms = await runTool('openssl', ['cms', '-verify', '-binary', '-content', manifest, '-inform', 'DER', '-in', p7s, '-noverify', '-out', '/dev/null']);
    expect(cms.stderr).toContain('Verification successful');
    const signer = verifySigner(parseSignedData(fs.readFileSync(p7s)), (h) => createHash(h).update(fs.readFileSync(manifest)).digest());
    const token = signer.signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStamp)?.values[0];
    const tokenFile = path.join(dir, 'token.der');
    fs.writeFileSync(tokenFile, Buffer.from(token?.toBER(false) ?? new ArrayBuffer(0)));
    const ts = await runTool('openssl', ['ts', '-verify', '-digest', createHash('sha256').update(signer.signature).digest('hex'), '-token_in', '-in', tokenFile, '-CAfile', tsa.caFile]);
    expect(ts.stdout).toContain('Verification: OK');
  });

  it('passes finestreta verify, and fails it naming the file when a document in it is altered', async () => {
    const verdict = await verifyPackage(pkg, { schemasDir: STANDARDS_DIR });
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true });
    const bytes = fs.readFileSync(pkg);
    const at = bytes.indexOf(pdf.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = (bytes[at + 10] ?? 0) ^ 0xff;
    const tampered = path.join(dir, 'tampered.asice');
    fs.writeFileSync(tampered, bytes);
    expect(await verifyPackage(tampered)).toMatchObject({ ok: false, file: 'documents/01-empadronament_anterior.pdf' });
  });

  it('is sealed only by the appointment’s agent, a supervisor or an administrator of its office', async () => {
    const appointment = await t.ctx.db.selectFrom('appointments').innerJoin('staff', 'staff.id', 'appointments.agent_id').select('staff.email').where('appointments.id', '=', appointmentId).executeTakeFirstOrThrow();
    const otherAgent = t.orgA.accounts.find((a) => a.role === 'agent' && a.email !== appointment.email);
    if (!otherAgent) throw new Error('no second seeded agent');
    const otherSession = await staffSession(t, otherAgent.email, otherAgent.password);
    expect((await as(otherSession, 'POST', `/api/staff/appointments/${appointmentId}/evidence`)).statusCode).toBe(403);
    const admin = t.orgA.accounts.find((a) => a.role === 'admin');
    if (!admin) throw new Error('no seeded administrator');
    const adminSession = await staffSession(t, admin.email, admin.password);
    expect((await as(adminSession, 'GET', `/api/staff/appointments/${appointmentId}/evidence`)).statusCode).toBe(200);
    const beta = t.orgB.accounts.find((a) => a.role === 'admin');
    if (!beta) throw new Error('no seeded administrator in organisation B');
    const betaSession = await staffSession(t, beta.email, beta.password, 'beta.test');
    const foreign = await as(betaSession, 'GET', `/api/staff/appointments/${appointmentId}/evidence`, 'beta.test');
    expect(foreign.statusCode).toBe(404);
  });

  it('holds a receipt that finestreta verify and pdfsig accept, and that verify refuses once a byte changes or bytes are added', async () => {
    const receipt = extract('receipt.pdf');
    const cli = spawnSync(process.execPath, [BIN, 'verify', receipt], { encoding: 'utf8' });
    expect(cli.stdout, cli.stderr).toContain('CAdES signature over the document verifies');
    expect(cli.stdout).toContain('RFC 3161 timestamp verifies');
    expect(cli.stdout).toContain('a TEST SEAL: no legal value');
    expect(cli.stdout).toContain('VALID');
    expect(cli.status).toBe(0);
    const pdfsig = await runTool('pdfsig', [receipt]);
    expect(pdfsig.stdout).toContain('Signature is Valid.');

    const bytes = fs.readFileSync(receipt);
    const altered = path.join(dir, 'altered.pdf');
    const changed = Buffer.from(bytes);
    const at = changed.indexOf('REGE-');
    changed[at + 5] = changed[at + 5] === 0x39 ? 0x38 : 0x39;
    fs.writeFileSync(altered, changed);
    const refused = spawnSync(process.execPath, [BIN, 'verify', altered], { encoding: 'utf8' });
    expect(refused.stderr).toContain('INVALID: altered.pdf: does not match its signature (altered)');
    expect(refused.status).toBe(1);

    const appended = path.join(dir, 'appended.pdf');
    fs.writeFileSync(appended, Buffer.concat([bytes, Buffer.from('\n% an incremental update\n')]));
    const extra = spawnSync(process.execPath, [BIN, 'verify', appended], { encoding: 'utf8' });
    expect(extra.stderr).toContain('was changed after it was signed');
    expect(extra.status).toBe(1);
  });
});
