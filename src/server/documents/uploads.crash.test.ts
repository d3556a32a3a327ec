/**
 * A large upload survives kill -9. A real server process receives a
 * streamed PATCH and is killed with SIGKILL half-way; a new process on the
 * same data answers HEAD with the offset it holds, the client sends the rest
 * from there, and the document that results is byte-exact: the SHA-256 the
 * server recorded and the one of the decrypted blob both equal the file's.
 * The processes run the bundle `npm start` runs (dist/server/main.mjs), so
 * this also proves that the bundle finds the files it loads at run time (the
 * encryption worker, seal-worker.js: once missing beside the chunk that
 * starts it, every upload to `npm start` failed).
 */
import { createCipheriv, createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { seedOrganisation } from '../seed/demo.seed.ts';
import { issueCredentials } from '../citizen/credentials.ts';
import { localBlobStore } from '../adapters/storage/local-blob-store.ts';
import { loadMasterKey } from '../security/master-key.ts';
import { uploadMetadata } from '../../../test/documents-helpers.ts';
import { buildServerBundle, freePort, ServerProcess } from '../../../test/server-process.ts';
import pino from 'pino';

const SIZE = 48 * 1024 * 1024;
const KILL_AFTER = 20 * 1024 * 1024;
const HEAD = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
const TRAILER = Buffer.from('\ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n');
const KEY = Buffer.alloc(16, 7);

/** Bytes [start, end) of the test file: a PDF header and trailer around a deterministic keystream (seekable, never stored whole). */
function fileBytes(start: number, end: number): Buffer {
  const aligned = start - (start % 16);
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(aligned / 16), 8);
  const out = createCipheriv('aes-128-ctr', KEY, iv).update(Buffer.alloc(end - aligned)).subarray(start - aligned);
  for (let i = start; i < Math.min(end, HEAD.length); i++) out[i - start] = HEAD[i] ?? 0;
  for (let i = Math.max(start, SIZE - TRAILER.length); i < end; i++) out[i - start] = TRAILER[i - (SIZE - TRAILER.length)] ?? 0;
  return out;
}

function expectedSha256(): string {
  const hash = createHash('sha256');
  for (let at = 0; at < SIZE; at += 4 * 1024 * 1024) hash.update(fileBytes(at, Math.min(SIZE, at + 4 * 1024 * 1024)));
  return hash.digest('hex');
}

describe('resumable upload across kill -9', () => {
  let dataDir = '';
  let dbFile = '';
  let appointmentId = '';
  let credentials = { token: '', password: '' };
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    buildServerBundle();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-upload-crash-'));
    dbFile = path.join(dataDir, 'finestreta.sqlite');
    const { db } = openDatabase({ kind: 'sqlite', file: dbFile });
    try {
      await migrateToLatest(db);
      const now = new Date();
      const { organisationId } = await seedOrganisation(db, { now, slug: 'crash', agents: 1 });
      const agent = await db.selectFrom('staff').select('id').where('organisation_id', '=', organisationId).where('role', '=', 'agent').executeTakeFirstOrThrow();
      const procedure = await db.selectFrom('procedures').select('id').where('organisation_id', '=', organisationId).executeTakeFirstOrThrow();
      appointmentId = randomUUID();
      const starts = new Date(now.getTime() + 7 * 86_400_000);
      await db
        .insertInto('appointments')
        .values({
          id: appointmentId,
          organisation_id: organisationId,
          reference: 'CRASH-1',
          procedure_id: procedure.id,
          agent_id: agent.id,
          channel: 'video',
          status: 'booked',
          starts_at: starts.toISOString(),
          ends_at: new Date(starts.getTime() + 15 * 60_000).toISOString(),
          busy_start_unit: 0,
          busy_end_unit: 0,
          citizen_name: 'Núria',
          citizen_surnames: 'Puig',
          citizen_id_type: 'nif',
          citizen_id_number: '12345678Z',
          citizen_email: 'nuria@example.org',
          citizen_phone: '600000000',
          language: 'ca',
          needs: JSON.stringify({ signLanguage: false, languageInterpreter: null, other: null }),
          access_token_hash: null,
          password_hash: null,
          failed_logins: 0,
          locked_until: null,
          upload_deadline: new Date(starts.getTime() - 48 * 3_600_000).toISOString(),
          ics_sequence: 0,
          cancelled_at: null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .execute();
      credentials = await issueCredentials(db, organisationId, appointmentId);
    } finally {
      await db.destroy();
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.kill9();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startServer(): Promise<number> {
    const port = await freePort();
    const server = new ServerProcess({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      CLAMD_URL: '',
    }, { bundle: true });
    servers.push(server);
    await server.ready(`http://127.0.0.1:${port}`);
    return port;
  }

  it('is run from a bundle that finds every file it loads by a URL relative to itself', () => {
    // `new URL('./x', import.meta.url)` resolves from the output file the code landed in, entry or chunk.
    const dist = path.resolve(import.meta.dirname, '../../../dist/server');
    const outputs = fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));
    const loaded: string[] = [];
    for (const file of outputs) {
      for (const [, relative] of fs.readFileSync(path.join(dist, file), 'utf8').matchAll(/new URL\("(\.{1,2}\/[^"]+)", import\.meta\.url\)/g)) {
        loaded.push(path.join(path.dirname(file), relative ?? ''));
      }
    }
    expect(loaded.map((f) => path.basename(f))).toContain('seal-worker.js');
    expect(loaded.filter((f) => !fs.existsSync(path.join(dist, f)))).toEqual([]);
  });

  it('is run from a bundle that loads at start none of the libraries kept for first use (memory at idle)', () => {
    // README "Benchmarks": a library imported statically anywhere in the start graph (even for a constant)
    // is loaded at boot, and the server's idle and peak memory grow with it (pkijs alone: ~5 MB).
    const dist = path.resolve(import.meta.dirname, '../../../dist/server');
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier = ''] of fs.readFileSync(path.join(dist, file), 'utf8').matchAll(/^import\s(?:[^;]*?\sfrom\s)?"([^"]+)";?$/gms)) {
        if (specifier.startsWith('.')) visit(path.join(path.dirname(file), specifier));
        else packages.add(specifier);
      }
    };
    visit('main.mjs');
    expect(packages).toContain('fastify');
    const onFirstUse = ['pdf-lib', 'pkijs', 'asn1js', 'node-forge', 'yauzl', 'nodemailer', 'mailparser', 'openid-client', 'pg', 'ioredis'];
    expect(onFirstUse.filter((name) => packages.has(name))).toEqual([]);
  });

  it('resumes where the killed server left off and stores the file byte-exact', async () => {
    let port = await startServer();
    const login = await fetch(`http://127.0.0.1:${port}/api/citizen/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = ((await login.json()) as { data: { csrfToken: string } }).data.csrfToken;
    const tusHeaders = { 'tus-resumable': '1.0.0', cookie, 'x-csrf-token': csrf };

    const created = await fetch(`http://127.0.0.1:${port}/api/uploads`, {
      method: 'POST',
      headers: { ...tusHeaders, 'upload-length': String(SIZE), 'upload-metadata': uploadMetadata({ slot: 'other', filename: 'expedient.pdf', filetype: 'application/pdf' }) },
    });
    expect(created.status).toBe(201);
    const uploadPath = new URL(created.headers.get('location') ?? '').pathname;

    // Stream the file; once KILL_AFTER bytes are on the wire, kill the server without warning.
    const first = servers[0];
    if (!first) throw new Error('no server');
    let sent = 0;
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'PATCH',
        path: uploadPath,
        headers: { ...tusHeaders, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(SIZE) },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      const pump = async () => {
        while (sent < SIZE) {
          const chunk = fileBytes(sent, Math.min(SIZE, sent + 256 * 1024));
          sent += chunk.length;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
          if (sent >= KILL_AFTER) {
            await first.kill9();
            req.destroy();
            return;
          }
        }
      };
      void pump().catch(() => resolve());
    });
    expect(sent).toBeLessThan(SIZE);

    port = await startServer();
    const base = `http://127.0.0.1:${port}`;
    const head = await fetch(`${base}${uploadPath}`, { method: 'HEAD', headers: tusHeaders });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(sent);

    const rest = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'PATCH',
          path: uploadPath,
          headers: { ...tusHeaders, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(SIZE - offset) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      void (async () => {
        for (let at = offset; at < SIZE; at += 1024 * 1024) {
          if (!req.write(fileBytes(at, Math.min(SIZE, at + 1024 * 1024)))) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })();
    });
    expect(rest).toBe(204);

    const expected = expectedSha256();
    const space = await fetch(`${base}/api/citizen/appointment/documents`, { headers: { cookie } });
    const view = (await space.json()) as { data: { slots: { slot: string; documents: { size: number; status: string }[] }[] } };
    expect(view.data.slots.find((s) => s.slot === 'other')?.documents).toEqual([expect.objectContaining({ size: SIZE, status: 'uploaded' })]);

    for (const s of servers) await s.kill9();
    const { db } = openDatabase({ kind: 'sqlite', file: dbFile });
    try {
      const doc = await db.selectFrom('documents').select(['sha256', 'blob_id']).where('appointment_id', '=', appointmentId).executeTakeFirstOrThrow();
      expect(doc.sha256).toBe(expected);
      const store = localBlobStore(path.join(dataDir, 'storage'), loadMasterKey(undefined, dataDir, pino({ level: 'silent' })));
      const hash = createHash('sha256');
      for await (const chunk of store.read(doc.blob_id ?? '')) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(expected);
    } finally {
      await db.destroy();
    }
  }, 180_000);
});
