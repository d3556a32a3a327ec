/**
 * bench/upload — how fast a large document goes through the tus endpoint
 * into the encrypted store, against a plain HTTP → disk writer receiving the
 * same bytes in the same run, and how much memory the server needs for it.
 *
 *   npm run bench:upload                          (2 GiB)
 *   BENCH_BYTES=536870912 npm run bench:upload    (any size)
 *   BENCH_PATCH_BYTES=67108864 BENCH_ROUNDS=3 npm run bench:upload
 *
 * Goals (issue "Secure document space"): throughput ≥ 0.85 × the plain
 * writer's; server peak RSS ≤ 150 MB and flat over the upload.
 *
 * Both servers are child processes (their memory is read from
 * /proc/<pid>/status) and get the same requests: the body split into
 * BENCH_PATCH_BYTES pieces, each flushed to disk before it is answered —
 * what tus promises for every acknowledged offset, so the baseline writer
 * fsyncs each request too. The bytes are generated on the fly from a
 * deterministic pattern; nothing of the file is kept on disk or in memory
 * outside the servers. The tus target is one `UploadTarget`; another one
 * (e.g. the app's authenticated /api/uploads) plugs in beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const MiB = 1024 * 1024;
const BYTES = Number(process.env.BENCH_BYTES ?? 2 * 1024 * MiB);
const CHUNK = 256 * 1024;
const REQUEST_BYTES = Number(process.env.BENCH_PATCH_BYTES ?? 256 * MiB);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const SAMPLE_MS = 100;
const GOALS = { ratio: 0.85, peakRssMb: 150 };

// ---------------------------------------------------------------- the bytes

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

/** The bytes [from, to) of the benchmark file, in chunks; `from` is a multiple of CHUNK. */
function* chunks(from: number, to: number): Generator<Buffer> {
  for (let at = from; at < to; at += CHUNK) {
    const index = at / CHUNK;
    const length = Math.min(CHUNK, to - at);
    const start = (index * 104_729) % (PATTERN.length - CHUNK);
    const chunk = Buffer.allocUnsafe(length);
    PATTERN.copy(chunk, 0, start, start + length);
    if (length >= 8) chunk.writeBigUInt64LE(BigInt(index), 0); // no two chunks alike
    yield chunk;
  }
}

function expectedSha256(): string {
  const hash = createHash('sha256');
  for (const chunk of chunks(0, BYTES)) hash.update(chunk);
  return hash.digest('hex');
}

// ---------------------------------------------------------------- client

const agent = new http.Agent({ keepAlive: true });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** Sends bytes [from, to) as the body of one request, honouring backpressure. */
function send(url: string, method: string, headers: Record<string, string>, from: number, to: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { ...headers, 'Content-Length': String(to - from) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on('error', reject);
    const body = chunks(from, to);
    const pump = (): void => {
      for (let next = body.next(); ; next = body.next()) {
        if (next.done) {
          request.end();
          return;
        }
        if (!request.write(next.value)) {
          request.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

function pieces(): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at < BYTES; at += REQUEST_BYTES) out.push([at, Math.min(BYTES, at + REQUEST_BYTES)]);
  return out;
}

// ---------------------------------------------------------------- targets

/** A server receiving the benchmark file, running in its own process. */
interface RunningTarget {
  pid: number;
  /** Uploads the whole file; resolves once the server has answered the last byte (and hashed, if it does). */
  upload(): Promise<{ sha256?: string }>;
  stop(): Promise<void>;
}

/** How to start one kind of server; swap in the app's endpoint by writing another. */
interface UploadTarget {
  name: string;
  start(workDir: string): Promise<RunningTarget>;
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
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status}, expected ${status}`);
}

/** A tus 1.0 client: POST, then one PATCH per piece; the last answer carries the server's SHA-256 when it has one. */
async function tusUpload(base: string): Promise<{ sha256?: string }> {
  const tus = { 'Tus-Resumable': '1.0.0' };
  const created = await send(`${base}/files`, 'POST', { ...tus, 'Upload-Length': String(BYTES) }, 0, 0);
  expectStatus(created, 201, 'tus POST');
  const url = String(created.headers.location);
  let sha256: string | undefined;
  for (const [from, to] of pieces()) {
    const headers = { ...tus, 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' };
    const answer = await send(url, 'PATCH', headers, from, to);
    expectStatus(answer, to === BYTES ? 200 : 204, 'tus PATCH');
    if (answer.headers['upload-offset'] !== String(to)) throw new Error(`tus PATCH: offset ${String(answer.headers['upload-offset'])}, expected ${to}`);
    const digest = answer.headers['upload-sha256'];
    if (typeof digest === 'string') sha256 = digest;
  }
  return { sha256 };
}

/** `@tus/server` + the encrypted store, mounted on a bare node:http server (no auth). */
const tusStoreTarget: UploadTarget = {
  name: 'tus → encrypted store',
  async start(workDir) {
    const { child, base } = await spawnServer('tus', workDir, { BENCH_MASTER_KEY: randomBytes(32).toString('hex') });
    return { pid: child.pid ?? 0, stop: stopper(child), upload: () => tusUpload(base) };
  },
};

/**
 * Diagnostic: the same tus server with a store that counts and drops the
 * bytes, to tell the framework's cost (request → web stream → tus) from the
 * encrypted store's.
 */
const tusDiscardTarget: UploadTarget = {
  name: 'tus → discard',
  async start(workDir) {
    const { child, base } = await spawnServer('tus-discard', workDir);
    return { pid: child.pid ?? 0, stop: stopper(child), upload: () => tusUpload(base) };
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
      async upload() {
        for (const [from, to] of pieces()) expectStatus(await send(`${base}/file`, 'PUT', { 'Upload-Offset': String(from) }, from, to), 204, 'PUT');
        return {};
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

async function serve(kind: string | undefined, workDir: string | undefined): Promise<void> {
  if (!workDir) throw new Error('usage: upload.ts serve <tus|plain> <dir>');
  const server = kind === 'tus' ? await serveTus(workDir) : kind === 'tus-discard' ? await serveTusDiscard() : servePlain(workDir);
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

// ---------------------------------------------------------------- measuring

/** CPU seconds (user + system) the process has used: fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s. */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

interface Measure {
  seconds: number;
  /** CPU seconds the server used for the upload: on a shared machine a steadier cost than wall time. */
  cpu: number;
  idleRss: number;
  peakRss: number;
  samples: number[];
  sha256?: string;
}

async function measure(target: UploadTarget): Promise<Measure> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-bench-upload-'));
  const running = await target.start(workDir);
  try {
    const idleRss = (await memoryOf(running.pid)).rss;
    const samples: number[] = [];
    const sampler = setInterval(() => {
      memoryOf(running.pid).then(
        (m) => samples.push(m.rss),
        () => undefined,
      );
    }, SAMPLE_MS);
    const cpu0 = await cpuSecondsOf(running.pid);
    const t0 = performance.now();
    const { sha256 } = await running.upload().finally(() => clearInterval(sampler));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (await cpuSecondsOf(running.pid)) - cpu0;
    const peakRss = (await memoryOf(running.pid)).hwm;
    return { seconds, cpu, idleRss, peakRss, samples, sha256 };
  } finally {
    await running.stop();
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
  const expected = expectedSha256();
  const out = [`bench/upload: ${(BYTES / MiB).toFixed(0)} MiB in ${(REQUEST_BYTES / MiB).toFixed(0)} MiB requests, fsync per request, ${os.cpus().length} CPUs, ${ROUNDS} round(s)`];
  const rounds: { plain: Measure; tus: Measure; discard: Measure; ratio: number }[] = [];
  const line = (name: string, m: Measure) => `${name} ${rate(m).toFixed(0)} MiB/s (server CPU ${m.cpu.toFixed(1)} s)`;
  for (let round = 1; round <= ROUNDS; round += 1) {
    const plain = await measure(plainTarget);
    const tus = await measure(tusStoreTarget);
    const discard = await measure(tusDiscardTarget);
    if (tus.sha256 !== expected) throw new Error(`the server's SHA-256 ${tus.sha256 ?? '(none)'} is not the file's ${expected}`);
    const ratio = rate(tus) / rate(plain);
    rounds.push({ plain, tus, discard, ratio });
    out.push(
      `round ${round}: ${line(plainTarget.name, plain)}; ${line(tusStoreTarget.name, tus)}; ${line(tusDiscardTarget.name, discard)}; ratio ${ratio.toFixed(2)}`,
    );
  }
  agent.destroy();
  // The round with the median ratio speaks for the run (the lower middle one for an even count).
  const median = rounds.sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
  if (!median) return;
  const { ratio } = median;
  const peak = median.tus.peakRss / 1e6;
  out.push(
    `${plainTarget.name}: ${rate(median.plain).toFixed(0)} MiB/s (${median.plain.seconds.toFixed(1)} s)`,
    `${tusStoreTarget.name}: ${rate(median.tus).toFixed(0)} MiB/s (${median.tus.seconds.toFixed(1)} s, SHA-256 verified)`,
    `ratio tus/plain: ${ratio.toFixed(2)}  (goal ≥ ${GOALS.ratio})  ${ratio >= GOALS.ratio ? 'OK' : 'MISSED'}`,
    `tus server peak RSS (VmHWM): ${peak.toFixed(0)} MB, idle ${mb(median.tus.idleRss)} MB  (goal ≤ ${GOALS.peakRssMb} MB)  ${peak <= GOALS.peakRssMb ? 'OK' : 'MISSED'}`,
    `tus server RSS sampled every ${SAMPLE_MS} ms: ${trace(median.tus.samples)}`,
    `plain server peak RSS: ${mb(median.plain.peakRss)} MB; tus → discard: ${rate(median.discard).toFixed(0)} MiB/s (ratio ${(rate(median.discard) / rate(median.plain)).toFixed(2)}, the framework's ceiling), peak RSS ${mb(median.discard.peakRss)} MB`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

const [mode, kind, workDir] = process.argv.slice(2);
(mode === 'serve' ? serve(kind, workDir) : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
