import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseManagementKindView, CaseManagementProbeView, CaseManagementView } from '../../shared/case-management.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { openSecret } from '../security/master-key.ts';
import { verifySignature } from '../webhooks/webhook.signature.ts';

const SECRET_1 = 'first secret of the town hall receiver';
const SECRET_2 = 'second secret, after a rotation';
const INSTALLATION_SECRET = 'installation secret never shown to anyone';

type Issue = { path: string; code: string };

/**
 * The console's case-management section: an administrator sets the
 * organisation's own receiver per connector kind; answers and audit rows
 * never carry a secret; bad input is refused field by field and changes
 * nothing; a drop folder is only a name under the installation's root.
 */
describe.each(DIALECTS)('case-management receivers in the administration console (%s)', (dialect) => {
  let t: TestApp;
  let bare: TestApp;
  let dropDir = '';
  let admin: Session;
  let agent: Session;
  let adminB: Session;
  let bareAdmin: Session;
  /** Every body any call answered: none may hold a secret. */
  const bodies: string[] = [];

  beforeAll(async () => {
    dropDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-cm-drop-'));
    t = await createTestApp({
      dialect,
      env: { DELIVERY_REST_URL: 'https://gestor.example.cat/api/v2/expedients?token=abc', DELIVERY_REST_SECRET: INSTALLATION_SECRET, DELIVERY_DROP_DIR: dropDir },
    });
    bare = await createTestApp({ dialect });
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    const g = t.orgA.accounts.find((x) => x.role === 'agent');
    const b = t.orgB.accounts.find((x) => x.role === 'admin');
    const z = bare.orgA.accounts.find((x) => x.role === 'admin');
    if (!a || !g || !b || !z) throw new Error('seed without admin or agent');
    admin = await staffSession(t, a.email, a.password);
    agent = await staffSession(t, g.email, g.password);
    adminB = await staffSession(t, b.email, b.password, 'beta.test');
    bareAdmin = await staffSession(bare, z.email, z.password);
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: 'rest' }).where('id', '=', await procedureId(t, t.orgA.id)).execute();
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await bare.close();
    fs.rmSync(dropDir, { recursive: true, force: true });
  });

  const call = async (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown, who: Session = admin, host = 'alfa.test', app: TestApp = t) => {
    const res = await app.app.http.inject({
      method,
      url,
      headers: { host, cookie: who.cookie, 'x-csrf-token': who.csrf, 'accept-language': 'ca' },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    bodies.push(res.body);
    return res;
  };
  const overview = async (who: Session = admin, host = 'alfa.test'): Promise<CaseManagementView> => {
    const res = await call('GET', '/api/admin/case-management', undefined, who, host);
    expect(res.statusCode).toBe(200);
    return res.json<{ data: CaseManagementView }>().data;
  };
  const kind = (view: CaseManagementView, k: string): CaseManagementKindView | undefined => view.kinds.find((x) => x.kind === k);
  const auditOf = (action: string) => t.ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', t.orgA.id).where('action', '=', action).orderBy('seq').execute();
  const issuesOf = async (kindName: string, payload: unknown): Promise<Issue[]> => {
    const res = await call('PUT', `/api/admin/case-management/${kindName}`, payload);
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json<{ error: { id: string; message: string; details: { issues: Issue[] } } }>().error;
    expect(body.id).toBe('validation_failed');
    expect(body.message).not.toBe('');
    return body.details.issues;
  };

  it('is for administrators of the organisation only', async () => {
    expect((await t.app.http.inject({ method: 'GET', url: '/api/admin/case-management', headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    expect((await call('GET', '/api/admin/case-management', undefined, agent)).statusCode).toBe(403);
    expect((await call('PUT', '/api/admin/case-management/rest', { url: 'https://x.example/', secret: SECRET_1 }, agent)).statusCode).toBe(403);
    expect((await call('DELETE', '/api/admin/case-management/rest', undefined, agent)).statusCode).toBe(403);
    expect((await call('GET', '/api/admin/case-management', undefined, admin, 'beta.test')).statusCode).toBe(401);
    expect((await call('PUT', '/api/admin/case-management/ftp', { url: 'https://x.example/' })).statusCode).toBe(404);
  });

  it('shows the installation’s defaults by origin only, and how many procedures use each kind', async () => {
    const view = await overview();
    expect(view.dropFolderRoot).toBe(true);
    expect(kind(view, 'rest')).toEqual({ kind: 'rest', installation: { configured: true, origin: 'https://gestor.example.cat' }, own: null, procedures: 1 });
    expect(kind(view, 'eni')).toEqual({ kind: 'eni', installation: { configured: false, origin: null }, own: null, procedures: 0 });
    expect(kind(view, 'drop_folder')).toEqual({ kind: 'drop_folder', installation: { configured: true, origin: null }, own: null, procedures: 0 });
    const raw = bodies.at(-1) ?? '';
    expect(raw).not.toContain(INSTALLATION_SECRET);
    expect(raw).not.toContain('token=abc');
    expect(raw).not.toContain(dropDir);
  });

  it('refuses bad receivers field by field with their codes, and changes nothing', async () => {
    expect(await issuesOf('rest', { url: 'https://gestor.alfa.cat/expedients' })).toEqual([{ path: 'secret', code: 'required' }]);
    expect(await issuesOf('rest', { url: 'ftp://gestor.alfa.cat/x', secret: SECRET_1 })).toContainEqual({ path: 'url', code: 'invalid_url' });
    expect(await issuesOf('rest', { url: 'https://user:pw@gestor.alfa.cat/x', secret: SECRET_1 })).toContainEqual({ path: 'url', code: 'url_has_credentials' });
    expect(await issuesOf('rest', { secret: SECRET_1 })).toContainEqual({ path: 'url', code: 'required' });
    expect(await issuesOf('eni', { url: 'https://gestor.alfa.cat/eni', secret: 'too short' })).toContainEqual({ path: 'secret', code: 'too_short' });
    expect(await issuesOf('eni', { url: 'https://gestor.alfa.cat/eni', secret: SECRET_1, timeoutSeconds: 0 })).toContainEqual({ path: 'timeoutSeconds', code: 'out_of_range' });
    expect(await issuesOf('eni', { url: 'https://gestor.alfa.cat/eni', secret: SECRET_1, timeoutSeconds: 601 })).toContainEqual({ path: 'timeoutSeconds', code: 'out_of_range' });
    expect(await issuesOf('eni', { url: 'https://gestor.alfa.cat/eni', secret: SECRET_1, timeoutSeconds: 2.5 })).toContainEqual({ path: 'timeoutSeconds', code: 'invalid' });
    for (const folder of ['../etc', '..', '/srv/data', 'Alfa', '.hidden', 'a/b', 'x'.repeat(65)]) {
      expect(await issuesOf('drop_folder', { folder })).toEqual([{ path: 'folder', code: 'invalid_folder' }]);
    }
    expect(await issuesOf('drop_folder', { folder: '  ' })).toEqual([{ path: 'folder', code: 'required' }]);
    expect((await overview()).kinds.map((k) => k.own)).toEqual([null, null, null]);
    expect(fs.readdirSync(dropDir)).toEqual([]);
    expect(await t.ctx.db.selectFrom('audit_log').select('seq').where('action', 'like', 'admin.case_management.%').execute()).toEqual([]);
  });

  it('saves a REST receiver with its secret sealed, lists it without the secret and audits it without the secret', async () => {
    const res = await call('PUT', '/api/admin/case-management/rest', { url: 'https://gestor.alfa.cat/expedients', secret: SECRET_1, timeoutSeconds: 45 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const own = kind(res.json<{ data: CaseManagementView }>().data, 'rest')?.own;
    expect(own).toMatchObject({ url: 'https://gestor.alfa.cat/expedients', hasSecret: true, timeoutSeconds: 45, folder: null, updatedAt: t.clock.now().toISOString() });
    expect(own?.updatedBy).toBeTruthy();
    const row = await t.ctx.db.selectFrom('organisation_connectors').selectAll().where('organisation_id', '=', t.orgA.id).where('kind', '=', 'rest').executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(SECRET_1);
    expect(openSecret(t.ctx.masterKey, row.secret_sealed ?? '', `connector:${t.orgA.id}:rest`)).toBe(SECRET_1);
    // Bound to its organisation: it does not open as another's.
    expect(() => openSecret(t.ctx.masterKey, row.secret_sealed ?? '', `connector:${t.orgB.id}:rest`)).toThrow();

    await expect.poll(async () => (await auditOf('admin.case_management.set')).length).toBe(1);
    const [audit] = await auditOf('admin.case_management.set');
    expect(audit?.target).toBe('connector:rest');
    const changes = (JSON.parse(audit?.details ?? '{}') as { changes: Record<string, { before: unknown; after: unknown }> }).changes;
    expect(changes).toMatchObject({ url: { before: null, after: 'https://gestor.alfa.cat/expedients' }, hasSecret: { before: null, after: true }, secretChanged: { before: null, after: true }, timeoutSeconds: { after: 45 } });
    // Another organisation does not see it.
    expect(kind(await overview(adminB, 'beta.test'), 'rest')?.own).toBeNull();
  });

  it('keeps the secret when none is given, replaces it when one is, and says only that it changed', async () => {
    const sealedBefore = (await t.ctx.db.selectFrom('organisation_connectors').select('secret_sealed').where('organisation_id', '=', t.orgA.id).where('kind', '=', 'rest').executeTakeFirstOrThrow()).secret_sealed;
    t.clock.advance(60_000);
    const kept = await call('PUT', '/api/admin/case-management/rest', { url: 'https://gestor.alfa.cat/v2/expedients', secret: '', timeoutSeconds: 60 });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kind(kept.json<{ data: CaseManagementView }>().data, 'rest')?.own).toMatchObject({ url: 'https://gestor.alfa.cat/v2/expedients', hasSecret: true, timeoutSeconds: 60 });
    const after = await t.ctx.db.selectFrom('organisation_connectors').select('secret_sealed').where('organisation_id', '=', t.orgA.id).where('kind', '=', 'rest').executeTakeFirstOrThrow();
    expect(after.secret_sealed).toBe(sealedBefore);
    await expect.poll(async () => (await auditOf('admin.case_management.changed')).length).toBe(1);
    const first = JSON.parse((await auditOf('admin.case_management.changed'))[0]?.details ?? '{}') as { changes: Record<string, unknown> };
    expect(Object.keys(first.changes).sort()).toEqual(['timeoutSeconds', 'url']);

    // A bad update leaves the setting as it was.
    expect(await issuesOf('rest', { url: 'nota url', secret: SECRET_2 })).toContainEqual({ path: 'url', code: 'invalid_url' });
    expect(kind(await overview(), 'rest')?.own).toMatchObject({ url: 'https://gestor.alfa.cat/v2/expedients', timeoutSeconds: 60 });

    const rotated = await call('PUT', '/api/admin/case-management/rest', { url: 'https://gestor.alfa.cat/v2/expedients', secret: SECRET_2, timeoutSeconds: 60 });
    expect(rotated.statusCode).toBe(200);
    const sealed = (await t.ctx.db.selectFrom('organisation_connectors').select('secret_sealed').where('organisation_id', '=', t.orgA.id).where('kind', '=', 'rest').executeTakeFirstOrThrow()).secret_sealed;
    expect(openSecret(t.ctx.masterKey, sealed ?? '', `connector:${t.orgA.id}:rest`)).toBe(SECRET_2);
    await expect.poll(async () => (await auditOf('admin.case_management.changed')).length).toBe(2);
    const second = JSON.parse((await auditOf('admin.case_management.changed'))[1]?.details ?? '{}') as { changes: Record<string, unknown> };
    expect(second.changes).toEqual({ secretChanged: { before: null, after: true } });
  });

  it('sets a drop folder only as a sub-folder of the installation’s root, one organisation per folder', async () => {
    const res = await call('PUT', '/api/admin/case-management/drop_folder', { folder: ' alfa-expedients ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(kind(res.json<{ data: CaseManagementView }>().data, 'drop_folder')?.own).toMatchObject({ folder: 'alfa-expedients', url: null, hasSecret: false, timeoutSeconds: null });
    expect(fs.statSync(path.join(dropDir, 'alfa-expedients')).isDirectory()).toBe(true);
    const taken = await call('PUT', '/api/admin/case-management/drop_folder', { folder: 'alfa-expedients' }, adminB, 'beta.test');
    expect(taken.statusCode).toBe(400);
    expect(taken.json<{ error: { details: { issues: Issue[] } } }>().error.details.issues).toEqual([{ path: 'folder', code: 'folder_taken' }]);
    expect(kind(await overview(adminB, 'beta.test'), 'drop_folder')?.own).toBeNull();
  });

  it('tests the receiver in use without creating a delivery: a signed request, or a probe file written and removed', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const state = { status: 204 };
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = state.status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gestor`;
      expect((await call('PUT', '/api/admin/case-management/rest', { url, timeoutSeconds: 5 })).statusCode).toBe(200);
      const probe = async (k: string) => {
        const res = await call('POST', `/api/admin/case-management/${k}/test`, {});
        return { status: res.statusCode, body: res.json<{ data: CaseManagementProbeView; error: { id: string } }>() };
      };
      expect((await probe('rest')).body.data).toEqual({ ok: true, source: 'own', status: 204, error: null });
      expect(received).toHaveLength(1);
      const got = received[0];
      const timestamp = String(got?.headers['finestreta-timestamp']);
      // Signed with the organisation's (kept, rotated) secret.
      expect(verifySignature(SECRET_2, String(got?.headers['finestreta-signature']), timestamp, got?.body ?? '', Number(timestamp))).toBe(true);
      expect(got?.headers['finestreta-test']).toBe('1');
      expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ test: true, organisation: { dir3: expect.any(String) as string } });
      state.status = 500;
      expect((await probe('rest')).body.data).toEqual({ ok: false, source: 'own', status: 500, error: 'HTTP 500' });
      expect((await probe('drop_folder')).body.data).toEqual({ ok: true, source: 'own', status: null, error: null });
      expect(fs.readdirSync(path.join(dropDir, 'alfa-expedients'))).toEqual([]);
      const nothing = await probe('eni');
      expect(nothing.status).toBe(409);
      expect(nothing.body.error.id).toBe('case_management_not_configured');
      expect(await t.ctx.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a drop folder with a translated 409 when the installation has no drop-folder root', async () => {
    const res = await call('PUT', '/api/admin/case-management/drop_folder', { folder: 'alfa' }, bareAdmin, 'alfa.test', bare);
    expect(res.statusCode).toBe(409);
    const error = res.json<{ error: { id: string; message: string } }>().error;
    expect(error.id).toBe('drop_folder_root_missing');
    expect(error.message).toContain('DELIVERY_DROP_DIR');
    expect(error.message).toMatch(/instal·lació/);
    const view = await call('GET', '/api/admin/case-management', undefined, bareAdmin, 'alfa.test', bare);
    expect(view.json<{ data: CaseManagementView }>().data).toMatchObject({ dropFolderRoot: false, kinds: [{ own: null }, { own: null }, { own: null }] });
  });

  it('goes back to the installation’s default, audited; removing twice answers 404', async () => {
    const res = await call('DELETE', '/api/admin/case-management/rest');
    expect(res.statusCode).toBe(204);
    expect(kind(await overview(), 'rest')?.own).toBeNull();
    await expect.poll(async () => (await auditOf('admin.case_management.removed')).length).toBe(1);
    expect((await call('DELETE', '/api/admin/case-management/rest')).statusCode).toBe(404);
    expect((await call('DELETE', '/api/admin/case-management/eni', undefined, adminB, 'beta.test')).statusCode).toBe(404);
  });

  it('never answered or audited a secret', async () => {
    const audit = await t.ctx.db.selectFrom('audit_log').select('details').execute();
    for (const text of [...bodies, ...audit.map((a) => a.details ?? '')]) {
      for (const secret of [SECRET_1, SECRET_2, INSTALLATION_SECRET]) expect(text).not.toContain(secret);
    }
    expect(bodies.length).toBeGreaterThan(20);
  });
});
