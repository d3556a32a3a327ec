import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/finestreta.js', import.meta.url));

/** Runs the operators' CLI on the e2e server's data directory, with `stdin` as its input; throws with its stderr on failure. */
export function runCli(args: string[], stdin = ''): void {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)');
  execFileSync(process.execPath, [CLI, ...args], {
    input: stdin,
    env: { ...process.env, DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * Creates a member of staff with the CLI (it joins the demo's only office);
 * an account left by an earlier test of the same run is fine.
 */
export function createStaff(account: { email: string; password: string; name: string }, role: 'agent' | 'supervisor' | 'admin'): void {
  try {
    runCli(['user', 'create', '--role', role, '--email', account.email, '--name', account.name], `${account.password}\n`);
  } catch (error) {
    const output = (error as { stderr?: Buffer | string }).stderr ?? '';
    const stderr = typeof output === 'string' ? output : output.toString('utf8');
    if (!stderr.includes('already exists')) throw error;
  }
}
