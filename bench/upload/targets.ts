/**
 * The servers bench/upload measures, each started in its own process (its
 * memory and CPU time are read from /proc/<pid>): the app itself, the plain
 * HTTP → disk baseline, and the two bare tus servers of BENCH_DIAGNOSE=1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort, waitFor } from '../../test/server-process.ts';
import type { prepareApp } from './app-database.ts';
import { expectStatus, pieces, send, tusUpload } from './client.ts';
import { APP_ENTRY, APP_NODE_FLAGS, BYTES, ENTRY, MiB, ROOT } from './config.ts';

/** A server receiving the benchmark file, running in its own process. */
export interface RunningTarget {
  pid: number;
  /** Uploads a whole file of `size` bytes; resolves once the server has answered its last byte. */
  upload(size: number): Promise<void>;
  /** The SHA-256 the server recorded for the (last) file of BENCH_BYTES, if it records one (asked after the clock stops). */
  recordedSha256?(): Promise<string>;
  stop(): Promise<void>;
}

/** How to start one kind of server. */
export interface UploadTarget {
  name: string;
  start(workDir: string): Promise<RunningTarget>;
}

/** Runs the entry point with `args` in a child process and returns what it printed. */
async function runThis(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const output: Buffer[] = [];
  child.stdout?.on('data', (data: Buffer) => output.push(data));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`upload.ts ${args[0] ?? ''} exited with ${code}`);
  return Buffer.concat(output).toString().trim();
}

/** Starts the entry point in `serve <kind>` mode and waits for the port it listens on. */
async function spawnServer(kind: string, workDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', kind, workDir], {
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

/** The app itself: `src/server/main.ts` in production mode, a citizen session, tus at /api/uploads. */
export const appTarget: UploadTarget = {
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
export const tusStoreTarget: UploadTarget = {
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
export const tusDiscardTarget: UploadTarget = {
  name: 'bare tus → discard',
  async start(workDir) {
    const { child, base } = await spawnServer('tus-discard', workDir);
    return { pid: child.pid ?? 0, stop: stopper(child), upload: async (size) => void (await tusUpload(`${base}/files`, {}, 200, size)) };
  },
};

/** The baseline: each request's body streamed to the file at its offset with fs.createWriteStream, then fsynced. */
export const plainTarget: UploadTarget = {
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
