import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { seedOrganisation } from '../seed/demo.seed.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { sha256Hex, verifyPassword } from '../security/secrets.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/finestreta.js');

describe('the finestreta operator CLI', () => {
  let dataDir = '';
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
      input: input ?? '',
      encoding: 'utf8',
    });
  const db = () => openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'finestreta.sqlite') }).db;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates a new database, then reports it up to date', async () => {
    const first = run(['migrate']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('0001_initial');
    const again = run(['migrate']);
    expect(again.stdout).toContain('up to date');
    const handle = db();
    await seedOrganisation(handle, { now: new Date(), slug: 'demo' });
    await handle.destroy();
  });

  it('creates an API key, printed on the last line and stored only hashed', async () => {
    const res = run(['api-key', 'create', '--name', 'cita-previa']);
    expect(res.status).toBe(0);
    const key = res.stdout.trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^fin_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const handle = db();
    const row = await handle.selectFrom('api_keys').selectAll().where('name', '=', 'cita-previa').executeTakeFirstOrThrow();
    await handle.destroy();
    expect(row.key_hash).toBe(sha256Hex(key));
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it('creates a user whose password comes from stdin, hashed with argon2id', async () => {
    const res = run(['user', 'create', '--role', 'supervisor', '--email', 'Cap@Ajuntament.cat'], 'a long enough password\n');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('cap@ajuntament.cat');
    const handle = db();
    const row = await handle.selectFrom('staff').selectAll().where('email', '=', 'cap@ajuntament.cat').executeTakeFirstOrThrow();
    await handle.destroy();
    expect(row.role).toBe('supervisor');
    // The organisation has one office: the new account joins it, so it sees that office's agenda.
    expect(res.stdout).toContain('in office');
    const check = db();
    const membership = await check.selectFrom('staff_offices').select('office_id').where('staff_id', '=', row.id).execute();
    await check.destroy();
    expect(membership).toHaveLength(1);
    expect(await verifyPassword(row.password_hash ?? '', 'a long enough password')).toBe(true);
  });

  it('configures an OpenID Connect provider with the secret from stdin, https only', async () => {
    const ok = run(['oidc', 'set', '--issuer', 'https://idp.ajuntament.cat/realms/staff', '--client-id', 'finestreta'], 'the-client-secret\n');
    expect(ok.status).toBe(0);
    const handle = db();
    const row = await handle.selectFrom('oidc_providers').selectAll().executeTakeFirstOrThrow();
    await handle.destroy();
    expect(row).toMatchObject({ issuer: 'https://idp.ajuntament.cat/realms/staff', client_id: 'finestreta' });
    expect(row.client_secret).not.toContain('the-client-secret');
    const plain = run(['oidc', 'set', '--issuer', 'http://idp.example.org', '--client-id', 'x'], 's');
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain('https');
  });

  it('adds offices; a new member of staff then names theirs', async () => {
    expect(run(['office', 'create', '--name', 'Oficina del Centre']).status).toBe(0);
    expect(run(['office', 'create', '--name', 'Oficina del Centre']).status).toBe(2);
    const res = run(['user', 'create', '--role', 'agent', '--email', 'centre@ajuntament.cat', '--office', 'Oficina del Centre'], 'a long enough password');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('in office "Oficina del Centre"');
    // With two offices and none named, nobody guesses: the account joins none and says so.
    const none = run(['user', 'create', '--role', 'agent', '--email', 'nowhere@ajuntament.cat'], 'a long enough password');
    expect(none.stdout).toContain('in no office yet');
  });

  it('verifies the audit trail’s hash chain, and names the first entry removed or changed', async () => {
    const handle = db();
    const clock = { now: () => new Date() };
    const org = await handle.selectFrom('organisations').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    for (const action of ['appointment.viewed', 'document.downloaded', 'recording.played']) {
      await appendAudit({ db: handle, clock }, { organisationId: org.id, actor: 'staff:s1', action, details: {} });
    }
    await handle.destroy();
    const intact = run(['audit', 'verify']);
    expect(intact.stdout).toContain('demo: 3 entries, chain intact');
    expect(intact.status).toBe(0);
    const edit = db();
    await edit.updateTable('audit_log').set({ actor: 'staff:someone-else' }).where('seq', '=', 2).execute();
    await edit.destroy();
    const changed = run(['audit', 'verify', '--org', 'demo']);
    expect(changed.stderr).toContain('demo: BROKEN at entry 2: entry 2 was changed after it was written (hash mismatch)');
    expect(changed.status).toBe(1);
    const cut = db();
    await cut.deleteFrom('audit_log').where('seq', 'in', [1, 2]).execute();
    await cut.destroy();
    const removed = run(['audit', 'verify']);
    expect(removed.stderr).toContain('demo: BROKEN at entry 1: entry 1 is missing (the next one is 3)');
    expect(removed.status).toBe(1);
  });

  it('finds the newest audit entries cut off the end of the trail, by the anchor kept outside the database', async () => {
    const handle = db();
    const clock = { now: () => new Date() };
    const org = await handle.selectFrom('organisations').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow();
    await handle.deleteFrom('audit_log').execute();
    for (const action of ['appointment.viewed', 'document.downloaded', 'recording.played', 'appointment.exported']) {
      await appendAudit({ db: handle, clock }, { organisationId: org.id, actor: 'staff:s1', action, details: {} });
    }
    await handle.destroy();
    const anchored = run(['audit', 'anchor']);
    expect(anchored.stdout).toContain('1 chain head(s) anchored');
    // Nothing new since: no second line.
    expect(run(['audit', 'anchor']).stdout).toContain('0 chain head(s) anchored');
    const intact = run(['audit', 'verify']);
    expect(intact.stdout).toMatch(/demo: 4 entries, chain intact, anchored up to entry 4 \(\d{4}-/);
    expect(intact.status).toBe(0);
    // The last two entries go: what is left is a valid chain of two, but the anchor names entry 4.
    const cut = db();
    await cut.deleteFrom('audit_log').where('seq', 'in', [3, 4]).execute();
    await cut.destroy();
    const truncated = run(['audit', 'verify']);
    expect(truncated.stderr).toMatch(/demo: BROKEN at entry 4: entry 4, anchored at .+, is gone: entries were removed from the end of the trail/);
    expect(truncated.status).toBe(1);
    // Editing the anchor file back to entry 2 does not help: its lines are signed.
    const file = path.join(dataDir, 'audit-anchors', `${org.id}.jsonl`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"seq":4', '"seq":2'));
    const forged = run(['audit', 'verify']);
    expect(forged.stderr).toContain('anchor line 1 of');
    expect(forged.stderr).toContain('is not one this installation wrote (edited or forged)');
    expect(forged.status).toBe(1);
  });

  it('explains mistakes with exit code 2 and no stack trace', () => {
    const dup = run(['user', 'create', '--role', 'agent', '--email', 'cap@ajuntament.cat'], 'another long password');
    expect(dup.status).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const weak = run(['user', 'create', '--role', 'agent', '--email', 'new@ajuntament.cat'], 'short');
    expect(weak.status).toBe(2);
    expect(weak.stderr).toContain('12 characters');
    const noOffice = run(['user', 'create', '--role', 'agent', '--email', 'z@ajuntament.cat', '--office', 'Mars'], 'a long enough password');
    expect(noOffice.status).toBe(2);
    expect(noOffice.stderr).toContain('No office "Mars"');
    const role = run(['user', 'create', '--role', 'root', '--email', 'x@y.cat']);
    expect(role.status).toBe(2);
    const unknown = run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Usage');
    expect(`${dup.stderr}${weak.stderr}`).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
