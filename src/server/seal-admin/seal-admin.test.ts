import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { requireTool, runTool } from '../../../test/evidence-tools.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import type { Organisation } from '../db/schema.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { issueReceipt } from '../registry/receipt.service.ts';
import { createEntry } from '../registry/registry.service.ts';
import { createStaff } from '../staff/staff.service.ts';
import { testSealP12, type TestSealOptions } from './seal-admin.fixture.ts';
import type { SealOverviewView } from './seal-admin.schema.ts';
import { warnExpiringSeals } from './seal-expiry.ts';

const DAY = 86_400_000;
const PASSWORD = 'contrasenya del segell ñ€';

describe.each(DIALECTS)('the organ seal in the administration console (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let supervisor: Session;
  let org: Organisation;
  let dir = '';

  beforeAll(async () => {
    requireTool('openssl');
    t = await createTestApp({ dialect });
    org = (await organisationRepo.bySlug(t.ctx.db, 'alfa')) as Organisation;
    dir = fs.mkdtempSync(path.join(t.ctx.config.dataDir, 'seal-'));
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    const g = t.orgA.accounts.find((x) => x.role === 'agent');
    if (!a || !g) throw new Error('seed without admin or agent');
    admin = await staffSession(t, a.email, a.password);
    agent = await staffSession(t, g.email, g.password);
    await createStaff(t.ctx.db, t.orgA.id, { email: 'supervisora@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a supervisor password 1' }, t.clock.now());
    supervisor = await staffSession(t, 'supervisora@alfa.test', 'a supervisor password 1');
  });
  afterAll(async () => t.close());

  const p12 = (options: TestSealOptions = {}) => testSealP12({ now: t.clock.now(), password: PASSWORD, ...options });
  const upload = (file: Buffer | string, password: string | null = PASSWORD, who: Session = admin) =>
    t.app.http.inject({
      method: 'POST',
      url: '/api/admin/seal',
      headers: { host: 'alfa.test', cookie: who.cookie, 'x-csrf-token': who.csrf },
      payload: { file: typeof file === 'string' ? file : file.toString('base64'), ...(password === null ? {} : { password }) },
    });
  const overview = async (): Promise<SealOverviewView> => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/admin/seal', headers: { host: 'alfa.test', cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    return res.json<{ data: SealOverviewView }>().data;
  };

  it('is for administrators only', async () => {
    expect((await t.app.http.inject({ method: 'GET', url: '/api/admin/seal', headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/admin/seal', headers: { host: 'alfa.test', cookie: supervisor.cookie } })).statusCode).toBe(403);
    const res = await upload(p12().p12, PASSWORD, agent);
    expect(res.statusCode).toBe(403);
    expect((await t.app.http.inject({ method: 'POST', url: '/api/admin/seal', headers: { host: 'alfa.test', cookie: admin.cookie }, payload: {} })).statusCode).toBe(403);
  });

  it('shows the development TEST SEAL in use while none is installed', async () => {
    const view = await overview();
    expect(view.inUse?.source).toBe('development');
    expect(view.inUse?.isTest).toBe(true);
    expect(view.inUse?.certificate.subject).toContain('TEST SEAL');
    expect(view.history).toEqual([]);
  });

  it.each([
    ['an expired certificate', () => p12({ notBefore: new Date(t.clock.now().getTime() - 400 * DAY), notAfter: new Date(t.clock.now().getTime() - DAY) }).p12, PASSWORD, 'seal_expired'],
    ['a certificate not valid yet', () => p12({ notBefore: new Date(t.clock.now().getTime() + DAY), notAfter: new Date(t.clock.now().getTime() + 400 * DAY) }).p12, PASSWORD, 'seal_not_yet_valid'],
    ['a wrong password', () => p12().p12, 'not the password', 'seal_wrong_password'],
    ['a file without a private key', () => p12({ withoutKey: true }).p12, PASSWORD, 'seal_no_private_key'],
    ['a key that is not the certificate’s', () => p12({ mismatchedKey: true }).p12, PASSWORD, 'seal_key_mismatch'],
    ['a key usage without signing', () => p12({ keyUsage: { keyEncipherment: true, dataEncipherment: true } }).p12, PASSWORD, 'seal_key_usage'],
    ['an RSA-1024 key', () => p12({ rsaBits: 1024 }).p12, PASSWORD, 'seal_key_too_weak'],
    ['a file that is not a PKCS#12', () => Buffer.from('-----BEGIN CERTIFICATE-----\nnot der\n'), PASSWORD, 'seal_file_invalid'],
  ])('refuses %s with its own error, and changes nothing', async (_label, make, password, id) => {
    const res = await upload(make(), password);
    expect(res.statusCode).toBe(422);
    const error = res.json<{ error: { id: string; message: string } }>().error;
    expect(error.id).toBe(id);
    expect(error.message).not.toMatch(/^errors\./);
    expect(error.message).not.toContain(PASSWORD);
    expect((await overview()).history).toEqual([]);
  });

  it('refuses bad input with field errors: no password, no file, not base64, too large', async () => {
    const issues = async (res: Awaited<ReturnType<typeof upload>>) => {
      expect(res.statusCode).toBe(400);
      return res.json<{ error: { id: string; details: { issues: { path: string; code: string }[] } } }>().error.details.issues;
    };
    expect(await issues(await upload(p12().p12, null))).toContainEqual(expect.objectContaining({ path: 'password' }));
    expect(await issues(await upload(p12().p12, ''))).toContainEqual({ path: 'password', code: 'required' });
    expect(await issues(await upload(''))).toContainEqual({ path: 'file', code: 'required' });
    expect(await issues(await upload('not base64 at all!'))).toContainEqual({ path: 'file', code: 'invalid_file' });
    expect(await issues(await upload(Buffer.alloc(65 * 1024, 1)))).toContainEqual({ path: 'file', code: 'seal_file_too_large' });
    // Far past the cap, the body itself is refused before it is read whole.
    const huge = await upload(Buffer.alloc(200 * 1024, 1));
    expect(huge.statusCode).toBe(413);
    expect(huge.json<{ error: { id: string } }>().error.id).toBe('payload_too_large');
    expect((await overview()).history).toEqual([]);
  });

  it('installs a valid seal, encrypted at rest, audited without secrets; the next receipt and signature use it', async () => {
    const made = p12({ notAfter: new Date(t.clock.now().getTime() + 40 * DAY) });
    const res = await upload(made.p12);
    expect(res.statusCode).toBe(201);
    const view = res.json<{ data: SealOverviewView }>().data;
    expect(view.inUse?.source).toBe('installed');
    expect(view.inUse?.isTest).toBe(false);
    expect(view.inUse?.certificate).toMatchObject({
      subject: expect.stringContaining('Ajuntament de Prova - Segell d’òrgan') as string,
      issuer: expect.stringContaining('Ajuntament de Prova') as string,
      serial: made.serial.toUpperCase(),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extKeyUsage: ['1.3.6.1.5.5.7.3.4'],
      keyType: 'RSA 2048',
      notAfter: new Date(t.clock.now().getTime() + 40 * DAY).toISOString().replace(/\.\d+Z$/, '.000Z'),
    });
    expect(view.history).toHaveLength(1);
    expect(view.history[0]).toMatchObject({ id: view.inUse?.installedId, replacedAt: null, installedBy: 'Administració' });

    // At rest: neither the file nor the password in clear.
    const row = await t.ctx.db.selectFrom('organisation_seals').selectAll().executeTakeFirstOrThrow();
    expect(row.p12).not.toContain(made.p12.toString('base64').slice(0, 40));
    expect(row.password).not.toContain(PASSWORD);
    // The audit trail says who installed which certificate, and nothing secret.
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'admin.seal.installed').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toContain(made.serial.toUpperCase());
    expect(audit[0]?.details).not.toContain(PASSWORD);
    expect(audit[0]?.details).not.toContain(made.p12.toString('base64').slice(0, 40));

    // Without a restart: the next signature of this organisation is made with the new seal; the other organisation keeps its own.
    const seal = await t.ctx.seals.seal(t.orgA.id);
    expect(seal.certificate.equals(new X509Certificate(made.certificatePem).raw)).toBe(true);
    expect((await t.ctx.seals.inUse(t.orgB.id)).source).toBe('development');
    const certFile = path.join(dir, 'seal.pem');
    fs.writeFileSync(certFile, made.certificatePem);
    const content = Buffer.from('<manifest>evidence</manifest>');
    fs.writeFileSync(path.join(dir, 'content.xml'), content);
    const { signCadesDetached } = await import('../evidence/cades.ts');
    const p7s = await signCadesDetached(createHash('sha256').update(content).digest(), await t.ctx.seals.cadesOptions(t.clock.now(), t.orgA.id));
    fs.writeFileSync(path.join(dir, 'signature.p7s'), p7s);
    const attime = String(Math.floor(t.clock.now().getTime() / 1000));
    const verify = (p7: string) =>
      runTool('openssl', ['cms', '-verify', '-binary', '-content', path.join(dir, 'content.xml'), '-inform', 'DER', '-in', p7, '-CAfile', certFile, '-purpose', 'any', '-attime', attime, '-out', '/dev/null']);
    const verified = await verify(path.join(dir, 'signature.p7s'));
    expect(verified.stderr).toContain('Verification successful');

    // A receipt sealed now carries the new seal (pdfsig names the signer), and the registry records its subject.
    const entry = await createEntry(t.ctx, org, {
      appointmentId: null,
      procedure: { id: await procedureId(t, org.id), name: JSON.stringify({ ca: 'Certificat de padró' }) },
      interested: { name: 'Núria Puig', idType: 'nif', idNumber: '12345678Z' },
      summary: 'Prova del segell instal·lat',
      formData: {},
      annexes: [],
      language: 'ca',
      createdBy: 'system',
    });
    const receipt = await issueReceipt(t.ctx, org, entry);
    const pdf = path.join(dir, 'receipt.pdf');
    fs.writeFileSync(pdf, await buffer(t.ctx.blobs.read(receipt.blobId)));
    const sig = await runTool('pdfsig', [pdf]);
    expect(sig.stdout + sig.stderr).toContain('Signature is Valid.');
    expect(sig.stdout + sig.stderr).toContain('Ajuntament de Prova - Segell');
    expect(sig.stdout + sig.stderr).not.toContain('TEST SEAL');
  });

  it('keeps the previous seal in the history when another is installed', async () => {
    const before = (await overview()).history;
    const next = p12({ commonName: 'Ajuntament de Prova - Segell renovat', rsaBits: 3072, keyUsage: null });
    const res = await upload(next.p12);
    expect(res.statusCode).toBe(201);
    const view = res.json<{ data: SealOverviewView }>().data;
    expect(view.inUse?.certificate.subject).toContain('Segell renovat');
    // No key usage extension: any use, signing included.
    expect(view.inUse?.certificate.keyUsage).toBeNull();
    expect(view.history).toHaveLength(before.length + 1);
    expect(view.history[0]?.replacedAt).toBeNull();
    expect(view.history[1]).toMatchObject({ id: before[0]?.id, replacedAt: t.clock.now().toISOString() });
    expect((await t.ctx.seals.seal(t.orgA.id)).subject).toContain('Segell renovat');
  });

  it('warns supervisors and administrators once when the seal in use expires within 30 days, and shows a banner meanwhile', async () => {
    const made = p12({ commonName: 'Segell que caduca', notAfter: new Date(t.clock.now().getTime() + 45 * DAY) });
    expect((await upload(made.p12)).statusCode).toBe(201);
    const expiry = async (who: Session) => t.app.http.inject({ method: 'GET', url: '/api/staff/seal-expiry', headers: { host: 'alfa.test', cookie: who.cookie } });
    expect((await expiry(supervisor)).json<{ data: { expiry: unknown } }>().data.expiry).toBeNull();
    expect((await expiry(agent)).statusCode).toBe(403);
    t.mail.sent.length = 0;
    expect(await warnExpiringSeals(t.ctx)).toBe(0);

    t.clock.advance(20 * DAY);
    const leaders = await t.ctx.db.selectFrom('staff').select('email').where('organisation_id', '=', t.orgA.id).where('role', 'in', ['supervisor', 'admin']).execute();
    expect(await warnExpiringSeals(t.ctx)).toBe(leaders.length);
    expect(t.mail.sent.map((m) => m.to).sort()).toEqual(leaders.map((l) => l.email).sort());
    expect(t.mail.sent[0]?.subject).toContain('El segell d’òrgan caduca');
    expect(t.mail.sent[0]?.text).toContain('Segell que caduca');
    expect(t.mail.sent[0]?.text).toContain('http://alfa.test/staff/admin/seal');
    // Once: the next daily checks find nothing to do.
    expect(await warnExpiringSeals(t.ctx)).toBe(0);
    t.clock.advance(DAY);
    expect(await warnExpiringSeals(t.ctx)).toBe(0);
    // Sessions do not last three weeks: sign in again.
    supervisor = await staffSession(t, 'supervisora@alfa.test', 'a supervisor password 1');
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    admin = await staffSession(t, a?.email ?? '', a?.password ?? '');
    const notice = (await expiry(supervisor)).json<{ data: { expiry: { daysLeft: number } } }>().data.expiry;
    expect(notice.daysLeft).toBe(24);
    expect((await overview()).expiry?.daysLeft).toBe(24);
    // The other organisation's people hear nothing.
    expect(t.mail.sent.some((m) => m.to.endsWith('beta.test') || m.to.includes('@beta.'))).toBe(false);
  });
});

describe('the precedence of the seals: installed > SEAL_P12_PATH > development', () => {
  let t: TestApp;
  let admin: Session;
  let file = '';
  let configured: ReturnType<typeof testSealP12>;

  beforeAll(async () => {
    // The configured file ends within 30 days of the test clock: the warning covers it too.
    configured = testSealP12({ now: new Date('2026-03-02T07:00:00Z'), password: 'fitxer configurat', commonName: 'Segell del fitxer configurat', notAfter: new Date('2026-03-22T07:00:00Z') });
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-configured-seal-')), 'seal.p12');
    fs.writeFileSync(file, configured.p12);
    t = await createTestApp({ env: { SEAL_P12_PATH: file, SEAL_P12_PASSWORD: 'fitxer configurat' } });
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    admin = await staffSession(t, a?.email ?? '', a?.password ?? '');
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  const overview = async () =>
    (await t.app.http.inject({ method: 'GET', url: '/api/admin/seal', headers: { host: 'alfa.test', cookie: admin.cookie } })).json<{ data: SealOverviewView }>().data;

  it('uses the configured file until a seal is installed, then the installed one, for that organisation only', async () => {
    const before = await overview();
    expect(before.inUse).toMatchObject({ source: 'configured', isTest: false, certificate: { serial: configured.serial.toUpperCase() } });
    expect(before.expiry).toEqual({ notAfter: '2026-03-22T07:00:00.000Z', daysLeft: 20 });
    const installed = testSealP12({ now: t.clock.now(), password: PASSWORD, commonName: 'Segell instal·lat' });
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/api/admin/seal',
      headers: { host: 'alfa.test', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { file: installed.p12.toString('base64'), password: PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    const after = res.json<{ data: SealOverviewView }>().data;
    expect(after.inUse).toMatchObject({ source: 'installed', certificate: { serial: installed.serial.toUpperCase() } });
    expect(after.expiry).toBeNull();
    expect((await t.ctx.seals.inUse(t.orgB.id)).source).toBe('configured');
  });
});
