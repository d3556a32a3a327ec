import { createHash, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { runTool } from '../../../test/evidence-tools.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { sealEvidencePackage } from '../evidence-package/package.service.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { createStaff } from '../staff/staff.service.ts';
import { FALLBACK_FORM } from '../../shared/procedure-forms.ts';
import { CONSENT_TEXT } from '../../shared/protocol.ts';
import { formDefinitionOf, setFormDefinition } from './protocol.service.ts';

const STARTS = '2026-03-02T10:00:00.000Z';
const PADRO_DATA = { purpose: 'household', purpose_detail: 'Ajut de lloguer', copies: 2, delivery_by_email: true };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DIALECTS)('guided protocol (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let n = 0;
  const sessions: Record<'farAgent' | 'supervisor' | 'otherOrgAdmin', Session> = {} as never;

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, opts: { session?: Session | null; host?: string; lang?: string; payload?: unknown; csrf?: boolean } = {}) =>
    t.app.http.inject({
      method,
      url,
      headers: {
        host: opts.host ?? 'alfa.test',
        ...(opts.lang ? { 'accept-language': opts.lang } : {}),
        ...(opts.session ? { cookie: opts.session.cookie, ...(opts.csrf === false ? {} : { 'x-csrf-token': opts.session.csrf }) } : {}),
      },
      ...(method === 'GET' ? {} : { payload: (opts.payload ?? {}) as Record<string, unknown> }),
    });
  const base = (id: string) => `/api/staff/appointments/${id}/protocol`;
  const complete = (id: string, step: string, session: Session, payload: unknown = {}, lang?: string) =>
    call('POST', `${base(id)}/steps/${step}/complete`, { session, payload, ...(lang ? { lang } : {}) });
  const skip = (id: string, step: string, session: Session, reason: string) => call('POST', `${base(id)}/steps/${step}/skip`, { session, payload: { reason } });
  const events = async (id: string) =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'at', 'data']).where('appointment_id', '=', id).orderBy('id').execute())
      .filter((e) => e.type.startsWith('protocol.') || e.type.startsWith('registry.'))
      .map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }));
  const setStatus = (id: string, status: 'in_call' | 'waiting' | 'completed') => t.ctx.db.updateTable('appointments').set({ status }).where('id', '=', id).execute();

  /** A video appointment with a signed-in citizen, the sessions of its agent and of another agent of the office, and its ID number. */
  async function booked(opts: { inCall?: boolean; language?: string } = {}) {
    n++;
    const idNumber = nif(38_000_000 + n);
    const citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `protocol${n}@example.org`, idNumber });
    const id = citizen.appointmentId;
    if (opts.language) await t.ctx.db.updateTable('appointments').set({ language: opts.language }).where('id', '=', id).execute();
    if (opts.inCall !== false) await setStatus(id, 'in_call');
    const row = await t.ctx.db.selectFrom('appointments').innerJoin('staff', 'staff.id', 'appointments.agent_id').select('staff.email').where('appointments.id', '=', id).executeTakeFirstOrThrow();
    const own = t.orgA.accounts.find((a) => a.email === row.email);
    const other = t.orgA.accounts.find((a) => a.role === 'agent' && a.email !== row.email);
    if (!own || !other) throw new Error('agents not found');
    return { id, idNumber, citizen, agent: await staffSession(t, own.email, own.password), otherAgent: await staffSession(t, other.email, other.password) };
  }

  /** Takes the steps up to the registry data (done with PADRO_DATA). */
  async function upToConsent(b: Awaited<ReturnType<typeof booked>>) {
    expect((await complete(b.id, 'recording_notice', b.agent)).statusCode).toBe(200);
    expect((await complete(b.id, 'identification', b.agent, { idNumber: b.idNumber })).statusCode).toBe(200);
    expect((await complete(b.id, 'documents', b.agent)).statusCode).toBe(200);
    const res = await complete(b.id, 'registry_data', b.agent, { data: PADRO_DATA });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data.form.sha256 as string;
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10 });
    padro = await procedureId(t, t.orgA.id);
    const now = t.clock.now();
    const admin = t.orgB.accounts.find((a) => a.role === 'admin');
    sessions.otherOrgAdmin = await staffSession(t, admin?.email ?? '', admin?.password ?? '', 'beta.test');
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    const supervisor = await createStaff(t.ctx.db, t.orgA.id, { email: 'sup-protocol@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a long password for sup' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: supervisor.id, office_id: office.id }).execute();
    sessions.supervisor = await staffSession(t, 'sup-protocol@alfa.test', 'a long password for sup');
    const farOffice = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: farOffice, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far-protocol@alfa.test', role: 'agent', displayName: 'Agent del barri', password: 'a long password for far' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: farOffice }).execute();
    sessions.farAgent = await staffSession(t, 'far-protocol@alfa.test', 'a long password for far');
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.set(DEFAULT_NOW));

  it('lets staff who may see the appointment read it, only its agent (or a supervisor) act; others get 401/403/404', async () => {
    const b = await booked();
    const routes = [
      ['GET', base(b.id), undefined],
      ['POST', `${base(b.id)}/steps/recording_notice/complete`, {}],
      ['POST', `${base(b.id)}/steps/recording_notice/skip`, { reason: 'The recording failed to start twice' }],
      ['PUT', `${base(b.id)}/form`, { data: {} }],
      ['POST', `${base(b.id)}/form/read-aloud`, {}],
      ['POST', `${base(b.id)}/consent/otp`, {}],
    ] as const;
    for (const [method, url, payload] of routes) {
      const anonymous = await call(method, url, { session: null, payload });
      expect([anonymous.statusCode, anonymous.json().error.id], `${method} ${url} anonymous`).toEqual([401, 'unauthenticated']);
      expect((await call(method, url, { session: b.citizen, payload })).statusCode, `${method} ${url} citizen`).toBe(401);
      const far = await call(method, url, { session: sessions.farAgent, payload });
      expect([far.statusCode, far.json().error.id], `${method} ${url} other office`).toEqual([404, 'not_found']);
      expect((await call(method, url, { session: sessions.otherOrgAdmin, payload })).statusCode, `${method} ${url} other organisation here`).toBe(401);
      expect((await call(method, url, { session: sessions.otherOrgAdmin, payload, host: 'beta.test' })).statusCode, `${method} ${url} other organisation there`).toBe(404);
      const other = await call(method, url, { session: b.otherAgent, payload });
      if (method === 'GET') expect(other.statusCode).toBe(200);
      else {
        expect([other.statusCode, other.json().error.id], `${method} ${url} another agent`).toEqual([403, 'not_your_appointment']);
        const noCsrf = await call(method, url, { session: b.agent, payload, csrf: false });
        expect([noCsrf.statusCode, noCsrf.json().error.id], `${method} ${url} without CSRF`).toEqual([403, 'csrf_failed']);
      }
    }
    // Nobody changed anything.
    const view = await call('GET', base(b.id), { session: b.agent });
    expect(view.json().data.steps.map((s: { status: string }) => s.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending']);
    expect(await events(b.id)).toEqual([]);
    // A supervisor of the office may act.
    expect((await complete(b.id, 'recording_notice', sessions.supervisor)).statusCode).toBe(200);
  });

  it('runs the whole protocol in order, each step an event with server time, and ends with the registry entry', async () => {
    const b = await booked();
    const first = await call('GET', base(b.id), { session: b.agent, lang: 'es' });
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.json().data).toMatchObject({ current: 'recording_notice', otpPending: false, form: { sha256: null } });
    expect(first.json().data.form.fields.map((f: { key: string; label: string }) => [f.key, f.label])).toEqual([
      ['purpose', 'Finalidad del certificado'],
      ['purpose_detail', 'Organismo o trámite donde se presentará'],
      ['copies', 'Número de copias'],
      ['delivery_by_email', 'Enviarlo por correo electrónico'],
    ]);

    // Out of order: 409, translated.
    const early = await complete(b.id, 'documents', b.agent, {}, 'en');
    expect([early.statusCode, early.json().error.id]).toEqual([409, 'protocol_step_out_of_order']);
    expect(early.json().error.message).toBe('Do or skip the earlier protocol steps first.');
    expect(early.json().error.details).toEqual({ step: 'documents', missing: 'recording_notice' });

    t.clock.advance(60_000);
    expect((await complete(b.id, 'recording_notice', b.agent)).statusCode).toBe(200);
    const twice = await complete(b.id, 'recording_notice', b.agent);
    expect([twice.statusCode, twice.json().error.id]).toEqual([409, 'protocol_step_recorded']);
    const identified = await complete(b.id, 'identification', b.agent, { idNumber: ` ${b.idNumber.toLowerCase().slice(0, 4)} ${b.idNumber.slice(4)} `, snapshotIds: ['snap-front', 'snap-back'] });
    expect(identified.statusCode, identified.body).toBe(200);
    expect(identified.json().data.steps[1]).toMatchObject({ step: 'identification', status: 'done', actor: expect.stringMatching(/^staff:/) as unknown, data: { snapshotIds: ['snap-front', 'snap-back'] } });
    expect((await skip(b.id, 'documents', b.agent, 'Documents checked before the call')).statusCode).toBe(200);

    // Draft saves, then the registry data as a whole.
    const draft = await call('PUT', `${base(b.id)}/form`, { session: b.agent, payload: { data: { copies: 2 } } });
    expect(draft.statusCode, draft.body).toBe(200);
    const incomplete = await complete(b.id, 'registry_data', b.agent, { data: { copies: 2 } }, 'ca');
    expect([incomplete.statusCode, incomplete.json().error.id]).toEqual([400, 'validation_failed']);
    expect(incomplete.json().error.details.issues).toContainEqual({ path: 'purpose', code: 'required', message: 'Finalitat del certificat: cal omplir aquest camp.' });
    expect((await call('POST', `${base(b.id)}/form/read-aloud`, { session: b.agent })).statusCode).toBe(200);
    const done = await complete(b.id, 'registry_data', b.agent, { data: PADRO_DATA });
    expect(done.statusCode, done.body).toBe(200);
    const formHash = done.json().data.form.sha256 as string;
    expect(formHash).toMatch(/^[0-9a-f]{64}$/);
    const locked = await call('PUT', `${base(b.id)}/form`, { session: b.agent, payload: { data: { copies: 3 } } });
    expect([locked.statusCode, locked.json().error.id]).toEqual([409, 'protocol_form_locked']);

    // Consent is the citizen's, not the agent's; the receipt must wait for it.
    const byAgent = await complete(b.id, 'consent', b.agent);
    expect([byAgent.statusCode, byAgent.json().error.id]).toEqual([409, 'consent_by_citizen']);
    const receiptEarly = await complete(b.id, 'receipt', b.agent);
    expect([receiptEarly.statusCode, receiptEarly.json().error.id]).toEqual([409, 'protocol_step_out_of_order']);
    const stale = await call('POST', '/api/citizen/appointment/protocol/consent', { session: b.citizen, payload: { formSha256: sha256('other data') } });
    expect([stale.statusCode, stale.json().error.id]).toEqual([409, 'protocol_form_changed']);
    const seen = await call('GET', '/api/citizen/appointment/protocol', { session: b.citizen });
    expect(seen.json().data).toMatchObject({ current: 'consent', canConsent: true, consentText: CONSENT_TEXT.ca, form: { sha256: formHash } });
    const consent = await call('POST', '/api/citizen/appointment/protocol/consent', { session: b.citizen, payload: { formSha256: formHash } });
    expect(consent.statusCode, consent.body).toBe(200);
    expect(consent.json().data).toMatchObject({ current: 'receipt', canConsent: false });

    // The agent hung up: the receipt may still be issued (the data were confirmed in the call); nothing else may.
    await setStatus(b.id, 'completed');
    const receipt = await complete(b.id, 'receipt', b.agent);
    expect(receipt.statusCode, receipt.body).toBe(200);
    const receiptStep = receipt.json().data.steps[5];
    expect(receiptStep).toMatchObject({ status: 'done', data: { entryNumber: expect.stringMatching(/^REGE-2026-\d{6}$/) as unknown, csv: expect.any(String) as unknown } });
    expect(receipt.json().data.current).toBeNull();
    const entry = await t.ctx.db.selectFrom('registry_entries').selectAll().where('appointment_id', '=', b.id).executeTakeFirstOrThrow();
    expect(entry.number).toBe(receiptStep.data.entryNumber);
    expect(JSON.parse(entry.form_data)).toEqual(PADRO_DATA);
    expect(entry.summary).toBe('Certificat d’empadronament. Finalitat del certificat: Convivència (totes les persones del domicili); Organisme o tràmit on es presentarà: Ajut de lloguer; Nombre de còpies: 2; Enviar-lo per correu electrònic: Sí');
    expect((await call('GET', '/api/citizen/appointment/protocol', { session: b.citizen })).json().data.entryNumber).toBe(entry.number);

    const log = await events(b.id);
    expect(log.map((e) => e.type)).toEqual([
      'protocol.recording_notice',
      'protocol.identification',
      'protocol.step_skipped',
      'protocol.form_read_aloud',
      'protocol.registry_data',
      'protocol.consent_confirmed',
      'registry.registered',
      'registry.receipt_sealed',
      'protocol.receipt',
    ]);
    expect(log[0]).toMatchObject({ actor: expect.stringMatching(/^staff:/) as unknown, at: t.clock.now().toISOString() });
    expect(log.find((e) => e.type === 'protocol.step_skipped')?.data).toEqual({ step: 'documents', reason: 'Documents checked before the call' });
    expect(log.find((e) => e.type === 'protocol.registry_data')?.data).toEqual({ formSha256: formHash, data: PADRO_DATA });
    expect(log.find((e) => e.type === 'protocol.consent_confirmed')).toMatchObject({
      actor: 'citizen',
      data: { method: 'button', text: CONSENT_TEXT.ca, language: 'ca', formSha256: formHash },
    });
    expect(log.find((e) => e.type === 'protocol.receipt')?.data).toMatchObject({ entryNumber: entry.number, csv: entry.csv, formSha256: formHash });
  });

  it('checks the ID number shown: control letter, then the booking; a mismatch is refused and recorded', async () => {
    const b = await booked();
    await complete(b.id, 'recording_notice', b.agent);
    const badLetter = b.idNumber.slice(0, 8) + (b.idNumber.endsWith('A') ? 'B' : 'A');
    const invalid = await complete(b.id, 'identification', b.agent, { idNumber: badLetter }, 'es');
    expect([invalid.statusCode, invalid.json().error.id]).toEqual([422, 'id_number_invalid']);
    expect(invalid.json().error.message).toContain('letra de control');
    const someoneElse = nif(12_345_678);
    const mismatch = await complete(b.id, 'identification', b.agent, { idNumber: someoneElse, snapshotIds: ['snap-1'] }, 'en');
    expect([mismatch.statusCode, mismatch.json().error.id]).toEqual([422, 'identification_mismatch']);
    // NIE: X/Y/Z count as 0/1/2 (RD 1553/2005): Y1234567X is valid and still not this citizen's.
    const nie = await complete(b.id, 'identification', b.agent, { idNumber: 'Y1234567X' });
    expect(nie.json().error.id).toBe('identification_mismatch');
    const log = await events(b.id);
    expect(log.filter((e) => e.type === 'protocol.identification_mismatch').map((e) => e.data)).toEqual([
      { idType: 'nif', shown: someoneElse, snapshotIds: ['snap-1'] },
      { idType: 'nif', shown: 'Y1234567X', snapshotIds: [] },
    ]);
    expect((await call('GET', base(b.id), { session: b.agent })).json().data.current).toBe('identification');
    const missing = await complete(b.id, 'identification', b.agent, {});
    expect(missing.json().error).toMatchObject({ id: 'validation_failed', details: { issues: [{ path: 'idNumber' }] } });
  });

  it('reads each procedure its own form from the catalogue, checks a new one before storing it, and falls back to free text', async () => {
    const generic = await procedureId(t, t.orgA.id, 'instancia-generica');
    expect((await formDefinitionOf(t.ctx, t.orgA.id, generic)).fields.map((f) => f.key)).toEqual(['subject', 'statement', 'request']);
    // Another organisation's procedure is not this one's.
    expect(await formDefinitionOf(t.ctx, t.orgB.id, generic)).toEqual(FALLBACK_FORM);
    await expect(setFormDefinition(t.ctx, t.orgA.id, generic, { fields: [{ key: 'x', type: 'choice', required: true, label: { ca: 'x', es: 'x', en: 'x' } }] })).rejects.toMatchObject({ status: 400, id: 'validation_failed' });
    const one = { fields: [{ key: 'reason', type: 'text', required: true, label: { ca: 'Motiu', es: 'Motivo', en: 'Reason' } }] };
    await setFormDefinition(t.ctx, t.orgA.id, generic, one);
    expect(await formDefinitionOf(t.ctx, t.orgA.id, generic)).toEqual(one);
    // A stored definition that no longer parses (edited by hand) does not break the call: the fallback form is used.
    await t.ctx.db.updateTable('procedure_forms').set({ definition: '{"fields":[]}' }).where('procedure_id', '=', generic).execute();
    expect(await formDefinitionOf(t.ctx, t.orgA.id, generic)).toEqual(FALLBACK_FORM);
  });

  it('records a step once when two tabs complete it at the same moment', async () => {
    const b = await booked();
    const answers = await Promise.all([complete(b.id, 'recording_notice', b.agent), complete(b.id, 'recording_notice', b.agent), skip(b.id, 'recording_notice', b.agent, 'The other tab said it first')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
    const log = await events(b.id);
    expect(log.filter((e) => e.type === 'protocol.recording_notice' || e.type === 'protocol.step_skipped')).toHaveLength(1);
    expect(log[0]?.data).toEqual(log[0]?.type === 'protocol.recording_notice' ? { recordingActive: false } : { step: 'recording_notice', reason: 'The other tab said it first' });
  });

  it('asks for a written reason to skip, and keeps steps to the call', async () => {
    const b = await booked({ inCall: false });
    const notInCall = await complete(b.id, 'recording_notice', b.agent);
    expect([notInCall.statusCode, notInCall.json().error.id]).toEqual([409, 'protocol_needs_call']);
    // The agent may prepare the form before the call.
    expect((await call('PUT', `${base(b.id)}/form`, { session: b.agent, payload: { data: { copies: 1 } } })).statusCode).toBe(200);
    await setStatus(b.id, 'in_call');
    for (const reason of ['too short', 'x'.repeat(501)]) {
      const res = await skip(b.id, 'recording_notice', b.agent, reason);
      expect([res.statusCode, res.json().error.details.issues[0].path]).toEqual([400, 'reason']);
    }
    const unknownStep = await complete(b.id, 'teleportation', b.agent);
    expect(unknownStep.statusCode).toBe(400);
    const badDraft = await call('PUT', `${base(b.id)}/form`, { session: b.agent, payload: { data: { copies: 'many', colour: 'red' } }, lang: 'en' });
    expect(badDraft.statusCode).toBe(400);
    expect(badDraft.json().error.details.issues).toEqual([
      { path: 'colour', code: 'unknown_field', message: 'colour: this field is not part of this procedure.' },
      { path: 'copies', code: 'not_a_number', message: 'Number of copies: must be a number.' },
    ]);
    // The citizen cannot confirm before the data are registered.
    const early = await call('POST', '/api/citizen/appointment/protocol/consent', { session: b.citizen, payload: { formSha256: sha256('x') } });
    expect([early.statusCode, early.json().error.id]).toEqual([409, 'protocol_step_out_of_order']);
  });

  it('lets the citizen sign with a one-time code instead: 6 digits by email, 5 attempts, a sealed signature record', async () => {
    const b = await booked({ language: 'en' });
    const formHash = await upToConsent(b);
    const before = t.mail.sent.length;
    const asked = await call('POST', `${base(b.id)}/consent/otp`, { session: b.agent });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json().data.otpPending).toBe(true);
    const mail = t.mail.sent.slice(before).find((m) => m.to === `protocol${n}@example.org`);
    expect(mail?.subject).toContain('Code to sign your application');
    const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    const otp = (c: string, hash = formHash) => call('POST', '/api/citizen/appointment/protocol/otp', { session: b.citizen, payload: { code: c, formSha256: hash }, lang: 'en' });
    const first = await otp(wrong);
    expect([first.statusCode, first.json().error.id, first.json().error.message]).toEqual([422, 'otp_wrong', 'The code is not correct. You have 4 attempts left.']);
    const ok = await otp(code);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data.current).toBe('receipt');
    expect((await otp(code)).statusCode).toBe(409);
    const step = await t.ctx.db.selectFrom('protocol_steps').selectAll().where('appointment_id', '=', b.id).where('step', '=', 'consent').executeTakeFirstOrThrow();
    const data = JSON.parse(step.data) as { signatureBlobId: string; recordSha256: string; formSha256: string; method: string };
    expect(data).toMatchObject({ method: 'email_otp', formSha256: formHash });
    const chunks: Buffer[] = [];
    for await (const c of t.ctx.blobs.read(data.signatureBlobId)) chunks.push(c as Buffer);
    const stored = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { record: string; cades: string };
    expect(sha256(stored.record)).toBe(data.recordSha256);
    expect(JSON.parse(stored.record)).toMatchObject({ method: 'email_otp', dataSha256: formHash, emailSha256: sha256(`protocol${n}@example.org`), consentText: CONSENT_TEXT.en });
    // The record is sealed by the organ: openssl verifies the CAdES detached signature over it with the seal's certificate.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-otp-'));
    try {
      const file = (name: string, body: Buffer | string) => (fs.writeFileSync(path.join(dir, name), body), path.join(dir, name));
      const cert = `-----BEGIN CERTIFICATE-----\n${(await t.ctx.seals.seal(t.orgA.id)).certificate.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
      const verified = await runTool('openssl', ['cms', '-verify', '-binary', '-content', file('record.json', stored.record), '-inform', 'DER', '-in', file('record.p7s', Buffer.from(stored.cades, 'base64')), '-CAfile', file('seal.pem', cert), '-purpose', 'any', '-out', '/dev/null']);
      expect(verified.stderr).toContain('Verification successful');
      // The evidence package carries the signed record, its signature and the protocol's steps.
      const org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
      const sealed = await sealEvidencePackage(t.ctx, org, b.id, 'system');
      const pkg = path.join(dir, 'evidence.asice');
      await pipeline(t.ctx.blobs.read(sealed.row.blob_id), fs.createWriteStream(pkg));
      const unzip = (name: string) => spawnSync('unzip', ['-p', pkg, name]).stdout;
      expect(unzip('signature/consent-record.json').toString('utf8')).toBe(stored.record);
      expect(unzip('signature/consent-record.p7s').equals(Buffer.from(stored.cades, 'base64'))).toBe(true);
      const protocol = JSON.parse(unzip('protocol.json').toString('utf8')) as { steps: { step: string; status: string }[] };
      expect(protocol.steps).toContainEqual(expect.objectContaining({ step: 'consent', status: 'done' }));
      expect(JSON.parse(unzip('form.json').toString('utf8'))).toMatchObject({ sha256: formHash });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const log = await events(b.id);
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(['protocol.otp_sent', 'protocol.otp_failed', 'protocol.signature_otp']));
    expect(JSON.stringify(log)).not.toContain(code);
  });

  it('refuses a code after its ten minutes, and after five wrong attempts', async () => {
    const b = await booked();
    const formHash = await upToConsent(b);
    const otp = (c: string) => call('POST', '/api/citizen/appointment/protocol/otp', { session: b.citizen, payload: { code: c, formSha256: formHash } });
    const noCode = await otp('123456');
    expect([noCode.statusCode, noCode.json().error.id]).toEqual([409, 'otp_not_requested']);
    await call('POST', `${base(b.id)}/consent/otp`, { session: b.agent });
    const code = /\b(\d{6})\b/.exec(t.mail.lastTo(`protocol${n}@example.org`)?.text ?? "")?.[1] ?? '';
    t.clock.advance(10 * 60_000 + 1);
    expect((await otp(code)).json().error.id).toBe('otp_expired');
    await call('POST', `${base(b.id)}/consent/otp`, { session: b.agent });
    const fresh = /\b(\d{6})\b/.exec(t.mail.lastTo(`protocol${n}@example.org`)?.text ?? "")?.[1] ?? '';
    const wrong = fresh === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await otp(wrong)).json().error.id as string);
    expect(answers).toEqual(['otp_wrong', 'otp_wrong', 'otp_wrong', 'otp_wrong', 'otp_attempts_exhausted']);
    expect((await otp(fresh)).json().error.id).toBe('otp_attempts_exhausted');
    // Guesses in parallel get no more than the five attempts either.
    await call('POST', `${base(b.id)}/consent/otp`, { session: b.agent });
    const third = /\b(\d{6})\b/.exec(t.mail.lastTo(`protocol${n}@example.org`)?.text ?? "")?.[1] ?? '';
    const failedBefore = (await events(b.id)).filter((e) => e.type === 'protocol.otp_failed').length;
    const guesses = await Promise.all(Array.from({ length: 8 }, (_, i) => otp(String((Number(third) + 1 + i) % 1_000_000).padStart(6, '0'))));
    expect(guesses.every((g) => g.statusCode === 422 || g.statusCode === 429)).toBe(true);
    expect((await events(b.id)).filter((e) => e.type === 'protocol.otp_failed').length - failedBefore).toBeLessThanOrEqual(5);
    expect((await otp(third)).json().error.id).toBe('otp_attempts_exhausted');
  });
});
