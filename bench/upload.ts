/**
 * bench/upload — how fast a large document goes through the app's real tus
 * endpoint (`/api/uploads`: authenticated, into the encrypted store, checked
 * and recorded at the end), against a plain HTTP → disk writer receiving the
 * same bytes in the same run, and how much memory the app server needs.
 *
 *   npm run bench:upload                          (2 GiB, 2 rounds)
 *   BENCH_BYTES=536870912 npm run bench:upload    (any size)
 *   BENCH_PATCH_BYTES=67108864 BENCH_ROUNDS=3 npm run bench:upload
 *   BENCH_DIAGNOSE=1 npm run bench:upload         (adds bare tus → store and tus → discard)
 *   BENCH_APP_FLAGS='--max-semi-space-size=2' npm run bench:upload   (other node flags for the app)
 *
 * Goals (issue "Secure document space"): throughput ≥ 0.85 × the plain
 * writer's; server peak RSS ≤ 150 MB and flat over the upload.
 *
 * Every server is a child process (its memory is read from /proc/<pid>/status)
 * and gets the same requests: the body split into BENCH_PATCH_BYTES pieces,
 * each flushed to disk before it is answered — what tus promises for every
 * acknowledged offset, so the baseline writer fsyncs each request too. Each
 * server first receives an untimed upload of BENCH_WARMUP_BYTES (default
 * 64 MiB; 0 for none), so that both are measured warm, as servers run. The
 * app runs as `npm start` runs it, `node <flags> dist/server/main.mjs` (the
 * bundle, built from the current sources first), on a fresh SQLite database
 * holding one organisation, one appointment and its signed-in citizen. The file is a PDF
 * by header and trailer (the app checks both before recording the document)
 * around bytes generated on the fly from a deterministic pattern; nothing of
 * it is kept on disk or in memory outside the servers. The SHA-256 the app
 * records for the document must equal the file's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../test/server-process.ts';

const MiB = 1024 * 1024;
const BYTES = Number(process.env.BENCH_BYTES ?? 2 * 1024 * MiB);
const CHUNK = 256 * 1024;
const REQUEST_BYTES = Number(process.env.BENCH_PATCH_BYTES ?? 256 * MiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WARMUP_BYTES = Number(process.env.BENCH_WARMUP_BYTES ?? 64 * MiB);
const DIAGNOSE = process.env.BENCH_DIAGNOSE === '1';
const SAMPLE_MS = 100;
const GOALS = { ratio: 0.85, peakRssMb: 150 };
const ROOT = path.resolve(import.meta.dirname, '..');
/** The server `npm start` runs: the bundle `npm run build:server` makes. */
const APP_ENTRY = 'dist/server/main.mjs';
/** Node flags of the app server: those `npm start` gives it (`node <flags> dist/server/main.mjs`), unless BENCH_APP_FLAGS tries others. */
const APP_NODE_FLAGS = (process.env.BENCH_APP_FLAGS ?? startScriptFlags()).split(' ').filter(Boolean);

function startScriptFlags(): string {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const start = /\bnode((?:\s+--\S+)*)\s+dist\/server\/main\.mjs/.exec(scripts?.start ?? '');
  if (!start) throw new Error(`package.json: the start script no longer runs \`node [flags] ${APP_ENTRY}\`; update bench/upload.ts`);
  return start[1] ?? '';
}

/** Builds the server bundle from the current sources (a fraction of a second), so that the bench never measures a stale one. */
async function buildServer(): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`scripts/build-server.mjs exited with ${code}`);
}

// ---------------------------------------------------------------- the bytes

// ISO 32000-1 §7.5.2 and §7.5.5: what the app's content check looks for at either end of a PDF.
const PDF_HEAD = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
const PDF_TRAILER = Buffer.from('\ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n', 'latin1');

/** 4 MiB of seeded xorshift32 output: every chunk is a slice of it, stamped with its index. */
const PATTERN = (() => {
  const words = new Uint32Array((4 * MiB) / 4);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer);
})();

/** Writes the bytes [at, at + into.length) of a benchmark file of `size` bytes into `into`; `at` is a multiple of CHUNK, the length at most CHUNK. */
function fileBytes(size: number, at: number, into: Buffer): Buffer {
  const index = at / CHUNK;
  const start = (index * 104_729) % (PATTERN.length - CHUNK);
  PATTERN.copy(into, 0, start, start + into.length);
  if (into.length >= 8) into.writeBigUInt64LE(BigInt(index), 0); // no two chunks alike
  if (at === 0) PDF_HEAD.copy(into, 0);
  const trailerAt = size - PDF_TRAILER.length;
  if (at + into.length > trailerAt) PDF_TRAILER.copy(into, Math.max(0, trailerAt - at), Math.max(0, at - trailerAt));
  return into;
}

function expectedSha256(size: number): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let at = 0; at < size; at += CHUNK) hash.update(fileBytes(size, at, buffer.subarray(0, Math.min(CHUNK, size - at))));
  return hash.digest('hex');
}

// ---------------------------------------------------------------- client

const agent = new http.Agent({ keepAlive: true });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

// Chunks the client has on their way to the kernel at most: it reuses them, so that it allocates nothing per
// request and its garbage collector stays out of the measurement (it shares the machine with the server).
const CLIENT_CHUNKS = 16;

/** Sends bytes [from, to) of a file of `size` bytes as the body of one request, at most CLIENT_CHUNKS chunks ahead of the socket. */
function send(url: string, method: string, headers: Record<string, string>, size: number, from: number, to: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { ...headers, 'Content-Length': String(to - from) } }, (response) => {
      const body: Buffer[] = [];
      response.on('data', (data: Buffer) => body.push(data));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(body).toString() }));
    });
    request.on('error', reject);
    const spare = Array.from({ length: CLIENT_CHUNKS }, () => Buffer.allocUnsafeSlow(CHUNK));
    let at = from;
    let ended = false;
    const pump = (): void => {
      for (let buffer = spare.pop(); buffer && at < to; buffer = spare.pop()) {
        const chunk = fileBytes(size, at, buffer.subarray(0, Math.min(CHUNK, to - at)));
        at += chunk.length;
        // Called once the chunk is in the kernel: the buffer is free again.
        const recycled = buffer;
        request.write(chunk, () => {
          spare.push(recycled);
          pump();
        });
      }
      if (at >= to && !ended) {
        ended = true;
        request.end();
      }
    };
    pump();
  });
}

function pieces(size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at < size; at += REQUEST_BYTES) out.push([at, Math.min(size, at + REQUEST_BYTES)]);
  return out;
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status}, expected ${status} ${answer.body.slice(0, 300)}`);
}

/**
 * A tus 1.0 client: POST to `createUrl`, then one PATCH per piece to the
 * Location. Returns the headers of the last answer (a bare server may carry
 * its SHA-256 there).
 */
async function tusUpload(createUrl: string, extra: Record<string, string>, finalStatus: number, size: number): Promise<http.IncomingHttpHeaders> {
  const tus = { ...extra, 'Tus-Resumable': '1.0.0' };
  const created = await send(createUrl, 'POST', { ...tus, 'Upload-Length': String(size) }, size, 0, 0);
  expectStatus(created, 201, 'tus POST');
  const url = String(created.headers.location);
  let last: http.IncomingHttpHeaders = {};
  for (const [from, to] of pieces(size)) {
    const headers = { ...tus, 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' };
    const answer = await send(url, 'PATCH', headers, size, from, to);
    expectStatus(answer, to === size ? finalStatus : 204, 'tus PATCH');
    if (answer.headers['upload-offset'] !== String(to)) throw new Error(`tus PATCH: offset ${String(answer.headers['upload-offset'])}, expected ${to}`);
    last = answer.headers;
  }
  return last;
}

// ---------------------------------------------------------------- targets

/** A server receiving the benchmark file, running in its own process. */
interface RunningTarget {
  pid: number;
  /** Uploads a whole file of `size` bytes; resolves once the server has answered its last byte. */
  upload(size: number): Promise<void>;
  /** The SHA-256 the server recorded for the (last) file of BENCH_BYTES, if it records one (asked after the clock stops). */
  recordedSha256?(): Promise<string>;
  stop(): Promise<void>;
}

/** How to start one kind of server. */
interface UploadTarget {
  name: string;
  start(workDir: string): Promise<RunningTarget>;
}

/** Runs this file with `args` in a child process and returns what it printed. */
async function runThis(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const output: Buffer[] = [];
  child.stdout?.on('data', (data: Buffer) => output.push(data));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`upload.ts ${args[0] ?? ''} exited with ${code}`);
  return Buffer.concat(output).toString().trim();
}

/** Starts this file in `serve <kind>` mode and waits for the port it listens on. */
async function spawnServer(kind: string, workDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve', kind, workDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim()));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** A fresh database with one organisation and one booked appointment whose citizen has credentials, as uploads.crash.test.ts prepares it. */
async function prepareApp(dbFile: string): Promise<{ appointmentId: string; credentials: { token: string; password: string } }> {
  const { migrateToLatest, openDatabase } = await import('../src/server/db/database.ts');
  const { seedOrganisation } = await import('../src/server/seed/demo.seed.ts');
  const { issueCredentials } = await import('../src/server/citizen/credentials.ts');
  const { db } = openDatabase({ kind: 'sqlite', file: dbFile });
  try {
    await migrateToLatest(db);
    const now = new Date();
    const { organisationId } = await seedOrganisation(db, { now, slug: 'bench', agents: 1 });
    const agentRow = await db.selectFrom('staff').select('id').where('organisation_id', '=', organisationId).where('role', '=', 'agent').executeTakeFirstOrThrow();
    const procedure = await db.selectFrom('procedures').select('id').where('organisation_id', '=', organisationId).executeTakeFirstOrThrow();
    const appointmentId = randomUUID();
    const starts = new Date(now.getTime() + 7 * 86_400_000);
    await db
      .insertInto('appointments')
      .values({
        id: appointmentId,
        organisation_id: organisationId,
        reference: 'BENCH-1',
        procedure_id: procedure.id,
        agent_id: agentRow.id,
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
    return { appointmentId, credentials: await issueCredentials(db, organisationId, appointmentId) };
  } finally {
    await db.destroy();
  }
}

/** The SHA-256 the app recorded for the appointment's one document. */
async function recordedDocumentSha256(dbFile: string, appointmentId: string): Promise<string> {
  const { openDatabase } = await import('../src/server/db/database.ts');
  const { db } = openDatabase({ kind: 'sqlite', file: dbFile });
  try {
    // The measured upload is the appointment's last document (the one before is the warm-up's).
    const doc = await db
      .selectFrom('documents')
      .select(['sha256', 'size'])
      .where('appointment_id', '=', appointmentId)
      .orderBy('uploaded_at', 'desc')
      .executeTakeFirstOrThrow();
    if (doc.size !== BYTES || doc.sha256 === null) throw new Error(`the app recorded ${doc.size} bytes and SHA-256 ${doc.sha256 ?? '(none)'}, not ${BYTES} bytes`);
    return doc.sha256;
  } finally {
    await db.destroy();
  }
}

/** The app itself: `src/server/main.ts` in production mode, a citizen session, tus at /api/uploads. */
const appTarget: UploadTarget = {
  name: 'app /api/uploads',
  async start(workDir) {
    const dbFile = path.join(workDir, 'finestreta.sqlite');
    // In a child process, like the SHA-256 read below: the app's modules would weigh on this process's
    // garbage collector, which the client's speed depends on, and only for the app's turn.
    const { appointmentId, credentials } = JSON.parse(await runThis(['prepare', dbFile])) as Awaited<ReturnType<typeof prepareApp>>;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [...APP_NODE_FLAGS, APP_ENTRY], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATA_DIR: workDir,
        DATABASE_URL: `sqlite:${dbFile}`,
        MASTER_KEY: randomBytes(32).toString('base64'),
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: base,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        CLAMD_URL: '',
        UPLOAD_MAX_BYTES: String(Math.max(BYTES, 4 * 1024 * MiB)),
      },
    });
    const output: string[] = [];
    child.stdout?.on('data', (data: Buffer) => output.push(data.toString()));
    child.stderr?.on('data', (data: Buffer) => output.push(data.toString()));
    const stop = stopper(child);
    try {
      await waitFor('the app to be ready', 60_000, async () => {
        if (child.exitCode !== null) throw new Error(`the app exited:\n${output.join('')}`);
        return fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
      });
      const login = await fetch(`${base}/api/citizen/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
      if (login.status !== 200) throw new Error(`citizen sign-in: HTTP ${login.status} ${await login.text()}`);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const { data } = (await login.json()) as { data: { csrfToken: string } };
      const metadata = Object.entries({ slot: 'other', filename: 'expedient.pdf', filetype: 'application/pdf' })
        .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
        .join(',');
      const session = { Cookie: cookie, 'X-CSRF-Token': data.csrfToken };
      return {
        pid: child.pid ?? 0,
        stop,
        upload: async (size) => {
          // The app records the document before it answers the last PATCH, with 204 like every other.
          await tusUpload(`${base}/api/uploads`, { ...session, 'Upload-Metadata': metadata }, 204, size);
        },
        recordedSha256: () => runThis(['recorded', dbFile, appointmentId]),
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};

/** Diagnostic: `@tus/server` + the encrypted store on a bare node:http server (no Fastify, no auth, no checks). */
const tusStoreTarget: UploadTarget = {
  name: 'bare tus → encrypted store',
  async start(workDir) {
    const { child, base } = await spawnServer('tus', workDir, { BENCH_MASTER_KEY: randomBytes(32).toString('hex') });
    let sha256 = '';
    return {
      pid: child.pid ?? 0,
      stop: stopper(child),
      upload: async (size) => {
        sha256 = String((await tusUpload(`${base}/files`, {}, 200, size))['upload-sha256']);
      },
      recordedSha256: async () => sha256,
    };
  },
};

/** Diagnostic: the bare tus server with a store that counts and drops the bytes, the framework's own cost. */
const tusDiscardTarget: UploadTarget = {
  name: 'bare tus → discard',
  async start(workDir) {
    const { child, base } = await spawnServer('tus-discard', workDir);
    return { pid: child.pid ?? 0, stop: stopper(child), upload: async (size) => void (await tusUpload(`${base}/files`, {}, 200, size)) };
  },
};

/** The baseline: each request's body streamed to the file at its offset with fs.createWriteStream, then fsynced. */
const plainTarget: UploadTarget = {
  name: 'plain HTTP → disk',
  async start(workDir) {
    const { child, base } = await spawnServer('plain', workDir);
    return {
      pid: child.pid ?? 0,
      stop: stopper(child),
      async upload(size) {
        for (const [from, to] of pieces(size)) expectStatus(await send(`${base}/file`, 'PUT', { 'Upload-Offset': String(from) }, size, from, to), 204, 'PUT');
      },
    };
  },
};

// ---------------------------------------------------------------- servers (child processes)

async function serveTus(workDir: string): Promise<http.Server> {
  const { Server } = await import('@tus/server');
  const { localBlobStore } = await import('../src/server/adapters/storage/local-blob-store.ts');
  const { EncryptedTusStore } = await import('../src/server/adapters/storage/tus-store.ts');
  const store = new EncryptedTusStore(localBlobStore(path.join(workDir, 'blobs'), Buffer.from(process.env.BENCH_MASTER_KEY ?? '', 'hex')));
  const tus = new Server({
    path: '/files',
    datastore: store,
    // What the app does when the last byte is in: seal the blob and take its hash.
    onUploadFinish: async (_req, upload) => {
      const { sha256 } = await store.finish(upload.id);
      return { status_code: 200, headers: { 'Upload-Sha256': sha256 } };
    },
  });
  return http.createServer((req, res) => void tus.handle(req, res));
}

async function serveTusDiscard(): Promise<http.Server> {
  const { Server } = await import('@tus/server');
  const { DataStore, Upload } = await import('@tus/utils');
  const uploads = new Map<string, { size?: number; offset: number }>();
  class DiscardStore extends DataStore {
    override async create(upload: InstanceType<typeof Upload>) {
      uploads.set(upload.id, { size: upload.size, offset: 0 });
      return upload;
    }
    override async write(readable: NodeJS.ReadableStream, id: string, offset: number) {
      let received = 0;
      for await (const chunk of readable) received += (chunk as Buffer).length;
      uploads.set(id, { size: uploads.get(id)?.size, offset: offset + received });
      return offset + received;
    }
    override async getUpload(id: string) {
      const known = uploads.get(id);
      return new Upload({ id, size: known?.size, offset: known?.offset ?? 0 });
    }
  }
  const tus = new Server({ path: '/files', datastore: new DiscardStore(), onUploadFinish: async () => ({ status_code: 200 }) });
  return http.createServer((req, res) => void tus.handle(req, res));
}

function servePlain(workDir: string): http.Server {
  const file = path.join(workDir, 'file');
  return http.createServer((req, res) => {
    const offset = Number(req.headers['upload-offset'] ?? 0);
    void (async () => {
      await pipeline(req, createWriteStream(file, { flags: offset === 0 ? 'w' : 'r+', start: offset }));
      // fsync flushes the file, whichever descriptor asks.
      const handle = await open(file, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      res.writeHead(204).end();
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
}

async function serve(kind: string, workDir: string): Promise<void> {
  if (!workDir) throw new Error('usage: upload.ts serve <tus|tus-discard|plain> <dir>');
  const server = kind === 'tus' ? await serveTus(workDir) : kind === 'tus-discard' ? await serveTusDiscard() : servePlain(workDir);
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

// ---------------------------------------------------------------- measuring

/** CPU seconds (user + system) used by the process and by its main thread: fields 14 and 15 of /proc/<pid>/stat, in ticks of 1/100 s. */
async function cpuSecondsOf(pid: number): Promise<{ all: number; main: number }> {
  const seconds = async (file: string) => {
    const stat = await readFile(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return { all: await seconds(`/proc/${pid}/stat`), main: await seconds(`/proc/${pid}/task/${pid}/stat`) };
}

async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** The 1-minute load average: on a shared machine the first thing to read next to a result. */
async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ')[0] ?? '?';
}

interface Measure {
  seconds: number;
  /** CPU seconds the server used for the upload (all threads, and its main thread): on a shared machine a steadier cost than wall time. */
  cpu: number;
  mainCpu: number;
  /** CPU seconds this process (the client) used meanwhile: it shares the machine with the server. */
  clientCpu: number;
  idleRss: number;
  /** VmHWM after the upload: the process's peak over its whole life, start-up included. */
  peakRss: number;
  samples: number[];
  sha256?: string;
  load: string;
}

async function measure(target: UploadTarget): Promise<Measure> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-bench-upload-'));
  try {
    const running = await target.start(workDir);
    try {
      const idleRss = (await memoryOf(running.pid)).rss;
      // Measured warm, as a server runs: the JIT has compiled the upload path and the pools have grown.
      if (WARMUP_BYTES > 0) await running.upload(WARMUP_BYTES);
      const samples: number[] = [];
      const sampler = setInterval(() => {
        memoryOf(running.pid).then(
          (m) => samples.push(m.rss),
          () => undefined,
        );
      }, SAMPLE_MS);
      const cpu0 = await cpuSecondsOf(running.pid);
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      await running.upload(BYTES).finally(() => clearInterval(sampler));
      const seconds = (performance.now() - t0) / 1000;
      const client = process.cpuUsage(client0);
      const cpu1 = await cpuSecondsOf(running.pid);
      const peakRss = (await memoryOf(running.pid)).hwm;
      const sha256 = await running.recordedSha256?.();
      return { seconds, cpu: cpu1.all - cpu0.all, mainCpu: cpu1.main - cpu0.main, clientCpu: (client.user + client.system) / 1e6, idleRss, peakRss, samples, sha256, load: await loadAverage() };
    } finally {
      await running.stop();
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const rate = (m: Measure) => BYTES / MiB / m.seconds;

function trace(samples: number[]): string {
  if (samples.length === 0) return 'no samples';
  const tenths = Array.from({ length: 10 }, (_, i) => samples[Math.floor((i * samples.length) / 10)] ?? 0);
  return `min ${mb(Math.min(...samples))} MB, max ${mb(Math.max(...samples))} MB over ${samples.length} samples; by tenths of the upload: ${tenths.map(mb).join(' ')}`;
}

async function main(): Promise<void> {
  if (REQUEST_BYTES % CHUNK !== 0 || REQUEST_BYTES <= 0) throw new Error(`BENCH_PATCH_BYTES must be a positive multiple of ${CHUNK}`);
  if (BYTES <= WARMUP_BYTES || (WARMUP_BYTES > 0 && WARMUP_BYTES < PDF_HEAD.length + PDF_TRAILER.length)) {
    throw new Error('BENCH_BYTES must exceed BENCH_WARMUP_BYTES, which must be 0 or hold a PDF header and trailer');
  }
  await buildServer();
  const expected = expectedSha256(BYTES);
  const out = [
    `bench/upload: ${(BYTES / MiB).toFixed(0)} MiB in ${(REQUEST_BYTES / MiB).toFixed(0)} MiB requests, fsync per request, after ${(WARMUP_BYTES / MiB).toFixed(0)} MiB untimed; ` +
      `${os.cpus().length} CPUs, ${ROUNDS} round(s), app node flags: ${APP_NODE_FLAGS.join(' ') || 'none'}`,
  ];
  const rounds: { plain: Measure; app: Measure; ratio: number }[] = [];
  const line = (name: string, m: Measure) =>
    `${name} ${rate(m).toFixed(0)} MiB/s (CPU s: server ${m.cpu.toFixed(1)}, its main thread ${m.mainCpu.toFixed(1)}, client ${m.clientCpu.toFixed(1)}; load ${m.load})`;
  const verified = (name: string, m: Measure) => {
    if (m.sha256 !== expected) throw new Error(`${name}: the server's SHA-256 ${m.sha256 ?? '(none)'} is not the file's ${expected}`);
  };
  for (let round = 1; round <= ROUNDS; round += 1) {
    const plain = await measure(plainTarget);
    const app = await measure(appTarget);
    verified(appTarget.name, app);
    const ratio = rate(app) / rate(plain);
    rounds.push({ plain, app, ratio });
    const parts = [line(plainTarget.name, plain), line(appTarget.name, app)];
    if (DIAGNOSE) {
      const bare = await measure(tusStoreTarget);
      verified(tusStoreTarget.name, bare);
      const discard = await measure(tusDiscardTarget);
      parts.push(`${line(tusStoreTarget.name, bare)} peak ${mb(bare.peakRss)} MB`, `${line(tusDiscardTarget.name, discard)} peak ${mb(discard.peakRss)} MB`);
    }
    out.push(`round ${round}: ${parts.join('; ')}; ratio ${ratio.toFixed(2)}; app peak RSS ${mb(app.peakRss)} MB`);
  }
  agent.destroy();
  // The round with the median ratio speaks for the run (the lower middle one for an even count).
  const median = rounds.sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
  if (!median) return;
  const { ratio } = median;
  const peak = Math.max(...rounds.map((r) => r.app.peakRss)) / 1e6;
  out.push(
    `${plainTarget.name}: ${rate(median.plain).toFixed(0)} MiB/s (${median.plain.seconds.toFixed(1)} s), peak RSS ${mb(median.plain.peakRss)} MB`,
    `${appTarget.name}: ${rate(median.app).toFixed(0)} MiB/s (${median.app.seconds.toFixed(1)} s, document recorded with the file's SHA-256)`,
    `ratio app/plain (median round): ${ratio.toFixed(2)}  (goal ≥ ${GOALS.ratio})  ${ratio >= GOALS.ratio ? 'OK' : 'MISSED'}`,
    `app server peak RSS (VmHWM, worst round): ${peak.toFixed(0)} MB, idle ${mb(median.app.idleRss)} MB  (goal ≤ ${GOALS.peakRssMb} MB)  ${peak <= GOALS.peakRssMb ? 'OK' : 'MISSED'}`,
    `app server RSS sampled every ${SAMPLE_MS} ms (median round): ${trace(median.app.samples)}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The child-process modes of this file: servers, and the app's database before and after. */
async function child(mode: string | undefined, args: string[]): Promise<void> {
  const [first = '', second = ''] = args;
  if (mode === 'serve') return serve(first, second);
  if (mode === 'prepare') return void process.stdout.write(JSON.stringify(await prepareApp(first)));
  if (mode === 'recorded') return void process.stdout.write(await recordedDocumentSha256(first, second));
  return main();
}

const [mode, ...args] = process.argv.slice(2);
child(mode, args).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
