/**
 * A real server process for crash tests: started with `node --import tsx
 * src/server/main.ts`, or as `npm start` runs it (`node dist/server/main.mjs`,
 * the bundle {@link buildServerBundle} makes), killed with SIGKILL.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A free local TCP port. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Builds dist/server as `npm start` does (scripts/build-server.mjs); one test file at a time, the output is shared. */
export function buildServerBundle(): void {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'pipe' });
}

/** One server process on the test's data folder: the sources through tsx, or the bundle (`bundle: true`, built first). */
export class ServerProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(env: Record<string, string>, options: { bundle?: boolean } = {}) {
    const entry = options.bundle ? ['dist/server/main.mjs'] : ['--import', 'tsx', 'src/server/main.ts'];
    this.child = spawn(process.execPath, entry, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  async ready(baseUrl: string): Promise<void> {
    await waitFor(`server ready\n${this.output.join('')}`, 60_000, async () => {
      if (this.child.exitCode !== null) throw new Error(`server exited:\n${this.output.join('')}`);
      return fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    });
  }

  /** SIGKILL: no shutdown handler runs, nothing is flushed or closed. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
