/**
 * bench/waiting-room — N citizens connected to one server process (a child
 * process, so its memory is its own), and the time from a citizen's
 * `join_waiting_room` to the agent's `citizen_waiting`, over many joins one
 * after another; then the same measured on a bare `ws` relay (no database,
 * no authentication, no protocol) in the same run, as the baseline.
 *
 *   npm run bench:waiting-room                     (1 000 citizens)
 *   BENCH_CITIZENS=10000 npm run bench:waiting-room
 *
 * Goals (issue "Waiting room and video call"): p99 < 50 ms at 10 000
 * connected citizens; ≤ 20 KiB of server memory per connection
 * ((RSS with N connected − RSS before) / N).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { closeContext, createContext } from '../src/server/bootstrap.ts';
import { loadConfig } from '../src/server/config.ts';
import { seedOrganisation } from '../src/server/seed/demo.seed.ts';
import { sha256Hex } from '../src/server/security/secrets.ts';
import { WS_PATH, type ServerMessage } from '../src/shared/signalling.ts';

const N = Number(process.env.BENCH_CITIZENS ?? 1000);
const JOINS = Math.min(N, Number(process.env.BENCH_JOINS ?? 500));
const CONNECT_CONCURRENCY = 200;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process, bytes (Linux). */
function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? NaN) * 1024;
}

/** A socket whose messages can be awaited by predicate. */
class Client {
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as ServerMessage;
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(m);
    });
  }
  next(match: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }
}

function connect(url: string, headers: Record<string, string>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const client = new Client(ws);
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

/** Waits until a child prints `marker` on stdout. */
function started(child: ChildProcess, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(marker)) resolve();
    });
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)}) before starting:\n${out}`)));
  });
}

/** Seeds one organisation, one agent and N citizens with appointments starting in five minutes, each signed in. */
async function seed(dataDir: string) {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const ctx = await createContext(config);
  const now = new Date();
  const seeded = await seedOrganisation(ctx.db, { slug: 'bench', name: 'Ajuntament de Bench', now, agents: 1 });
  const agentAccount = seeded.accounts.find((a) => a.role === 'agent');
  if (!agentAccount) throw new Error('no agent seeded');
  const agent = await ctx.db.selectFrom('staff').select('id').where('email', '=', agentAccount.email).executeTakeFirstOrThrow();
  const procedure = await ctx.db.selectFrom('procedures').select('id').where('organisation_id', '=', seeded.organisationId).executeTakeFirstOrThrow();
  const startsAt = new Date(now.getTime() + 5 * 60_000);
  const nowIso = now.toISOString();
  const citizens: { cookie: string; csrf: string; appointmentId: string }[] = [];
  for (let from = 0; from < N; from += 500) {
    const batch = Array.from({ length: Math.min(500, N - from) }, (_, k) => {
      const i = from + k;
      const token = randomBytes(24).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      const id = randomUUID();
      citizens.push({ cookie: `fin_citizen=${token}`, csrf, appointmentId: id });
      return { i, id, token, csrf };
    });
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('appointments')
        .values(
          batch.map(({ i, id }) => ({
            id,
            organisation_id: seeded.organisationId,
            reference: `B${String(i).padStart(6, '0')}`,
            procedure_id: procedure.id,
            agent_id: agent.id,
            channel: 'video' as const,
            status: 'booked' as const,
            starts_at: startsAt.toISOString(),
            ends_at: new Date(startsAt.getTime() + 60 * 60_000).toISOString(),
            busy_start_unit: 0,
            busy_end_unit: 0,
            citizen_name: `Citizen ${i}`,
            citizen_surnames: 'Bench',
            citizen_id_type: 'nif' as const,
            citizen_id_number: `${String(i).padStart(8, '0')}X`,
            citizen_email: `c${i}@bench.invalid`,
            citizen_phone: '+34 600 000 000',
            language: 'ca',
            needs: JSON.stringify({ signLanguage: false, languageInterpreter: null, other: null }),
            access_token_hash: null,
            password_hash: null,
            failed_logins: 0,
            locked_until: null,
            upload_deadline: nowIso,
            ics_sequence: 0,
            cancelled_at: null,
            created_at: nowIso,
            updated_at: nowIso,
          })),
        )
        .execute();
      await trx
        .insertInto('citizen_sessions')
        .values(
          batch.map(({ id, token, csrf }) => ({
            id_hash: sha256Hex(token),
            organisation_id: seeded.organisationId,
            appointment_id: id,
            csrf_token: csrf,
            expires_at: new Date(now.getTime() + 4 * 3_600_000).toISOString(),
            created_at: nowIso,
          })),
        )
        .execute();
    });
  }
  await closeContext(ctx);
  return { agentAccount, citizens, database: config.database };
}

interface Figures {
  p50: number;
  p99: number;
  bytesPerConnection: number;
}

async function benchFinestreta(): Promise<Figures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-bench-wr-'));
  const t0 = performance.now();
  const { agentAccount, citizens } = await seed(dataDir);
  process.stdout.write(`  seeded ${N} appointments and sessions in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      MASTER_KEY: randomBytes(32).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await started(child, 'Finestreta is running');
    const pid = child.pid ?? 0;
    const login = await fetch(`${base}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: agentAccount.email, password: agentAccount.password }),
    });
    const staffCookie = /fin_staff=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const staffCsrf = ((await login.json()) as { data: { csrfToken: string } }).data.csrfToken;
    const url = `ws://127.0.0.1:${port}${WS_PATH}`;
    const agent = await connect(url, { origin: base, cookie: `fin_staff=${staffCookie}` });
    const welcomed = agent.next((m) => m.type === 'welcome');
    agent.send({ type: 'hello', role: 'agent', csrf: staffCsrf });
    await welcomed;
    const queued = agent.next((m) => m.type === 'queue');
    agent.send({ type: 'watch_queue' });
    const queue = (await queued) as Extract<ServerMessage, { type: 'queue' }>;
    if (queue.entries.length !== N) throw new Error(`the agent's queue has ${queue.entries.length} entries, not ${N}`);
    // Settle, then the baseline: the server with its agent and nobody else.
    await new Promise((r) => setTimeout(r, 1_000));
    const rssBefore = rssOf(pid);

    const sockets: Client[] = new Array<Client>(N);
    const tc = performance.now();
    await pool(Array.from({ length: N }, (_, i) => i), CONNECT_CONCURRENCY, async (i) => {
      const c = citizens[i];
      if (!c) return;
      const client = await connect(url, { origin: base, cookie: c.cookie });
      const status = client.next((m) => m.type === 'waiting_status');
      client.send({ type: 'hello', role: 'citizen', csrf: c.csrf });
      await status;
      sockets[i] = client;
    });
    process.stdout.write(`  ${N} citizens connected and greeted in ${((performance.now() - tc) / 1000).toFixed(1)} s\n`);
    await new Promise((r) => setTimeout(r, 2_000));
    const rssAfter = rssOf(pid);

    const latencies: number[] = [];
    // Joins spread over the whole population, one after another.
    const step = Math.max(1, Math.floor(N / JOINS));
    for (let i = 0; i < N && latencies.length < JOINS; i += step) {
      const c = citizens[i];
      const socket = sockets[i];
      if (!c || !socket) throw new Error(`citizen ${i} is not connected`);
      const alerted = agent.next((m) => m.type === 'citizen_waiting' && m.entry.appointmentId === c.appointmentId);
      const start = performance.now();
      socket.send({ type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } });
      await alerted;
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    for (const s of sockets) s.ws.terminate();
    agent.ws.terminate();
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), bytesPerConnection: (rssAfter - rssBefore) / N };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The baseline: a bare `ws` server relaying one socket's message to another, with the same N idle sockets. */
const RELAY_SERVER = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', perMessageDeflate: false });
let agent = null;
wss.on('connection', (ws, req) => {
  if (req.url === '/agent') agent = ws;
  ws.on('message', (data) => agent?.send(data));
});
wss.on('listening', () => process.stdout.write('relay listening\\n'));
`;

async function benchBaseline(): Promise<Figures> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--input-type=module', '-e', RELAY_SERVER], { cwd: ROOT, env: { PATH: process.env.PATH, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await started(child, 'relay listening');
    const pid = child.pid ?? 0;
    const agent = await connect(`ws://127.0.0.1:${port}/agent`, {});
    await new Promise((r) => setTimeout(r, 1_000));
    const rssBefore = rssOf(pid);
    const sockets: Client[] = [];
    await pool(Array.from({ length: N }, (_, i) => i), CONNECT_CONCURRENCY, async () => {
      sockets.push(await connect(`ws://127.0.0.1:${port}/citizen`, {}));
    });
    await new Promise((r) => setTimeout(r, 2_000));
    const rssAfter = rssOf(pid);
    const latencies: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      const id = String(i);
      const got = agent.next(() => true);
      const start = performance.now();
      sockets[i]?.ws.send(JSON.stringify({ type: 'join', id }));
      await got;
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);
    for (const s of sockets) s.ws.terminate();
    agent.ws.terminate();
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), bytesPerConnection: (rssAfter - rssBefore) / N };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

process.stdout.write(`bench/waiting-room: ${N} connected citizens, ${JOINS} joins one after another\n`);
const ours = await benchFinestreta();
const raw = await benchBaseline();
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const rows = [
  ['', 'Finestreta', 'bare ws relay', 'ratio'],
  ['join → alert p50', `${ours.p50.toFixed(2)} ms`, `${raw.p50.toFixed(2)} ms`, `${(ours.p50 / raw.p50).toFixed(1)}×`],
  ['join → alert p99', `${ours.p99.toFixed(2)} ms`, `${raw.p99.toFixed(2)} ms`, `${(ours.p99 / raw.p99).toFixed(1)}×`],
  ['memory per connection', kib(ours.bytesPerConnection), kib(raw.bytesPerConnection), `${(ours.bytesPerConnection / raw.bytesPerConnection).toFixed(1)}×`],
];
for (const r of rows) process.stdout.write(`  ${(r[0] ?? '').padEnd(24)}${(r[1] ?? '').padStart(14)}${(r[2] ?? '').padStart(16)}${(r[3] ?? '').padStart(8)}\n`);
process.stdout.write(
  `  goals: p99 < 50 ms ${ours.p99 < 50 ? 'met' : 'NOT met'}; ≤ 20 KiB per connection ${ours.bytesPerConnection <= 20 * 1024 ? 'met' : 'NOT met'}${N < 10_000 ? ' (the p99 goal is stated at 10 000 citizens)' : ''}\n`,
);
