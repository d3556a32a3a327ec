import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pingClamd } from '../src/server/adapters/scanner/clamd-scanner.ts';

/** Name of the one signature the test clamd knows. */
export const TEST_SIGNATURE_NAME = 'Finestreta.Test.Marker-1';

/** How clamd reports it: signatures not published by the ClamAV project get ".UNOFFICIAL" appended. */
export const TEST_SIGNATURE_REPORTED = `${TEST_SIGNATURE_NAME}.UNOFFICIAL`;

/** A private clamd for one test file. */
export interface TestClamd {
  /** `tcp://127.0.0.1:<port>`. */
  url: string;
  /** The same clamd on its Unix socket: `unix:///…/clamd.sock`. */
  unixUrl: string;
  /** Bytes the test signature matches anywhere in a stream (unique to this clamd). */
  signatureMarker: Buffer;
  /** Stops clamd and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** clamd.conf sizes (clamd SIZE syntax: a number with an optional K or M suffix). */
export interface TestClamdLimits {
  /** StreamMaxLength: longer INSTREAM streams get "INSTREAM size limit exceeded". Default 4000M. */
  streamMaxLength?: string;
  /** MaxFileSize: larger files are "Heuristics.Limits.Exceeded.MaxFileSize" (AlertExceedsMax is on). Default libclamav's ceiling. */
  maxFileSize?: string;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts a clamd of its own — own directory, config, socket and a one-entry
 * signature database — so the scanner's tests talk to the real daemon without
 * the official signatures (which are not available offline) and without
 * touching the system's clamd. The signature is a `.ndb` body signature
 * (ClamAV "Extended signature format": Name:TargetType:Offset:HexSignature)
 * for a random marker, hex-encoded by `sigtool --hex-dump`.
 *
 * Returns null only when clamd or sigtool is not installed, after saying so
 * loudly; in CI (`CI` set) it throws instead, so a missing package fails the
 * run rather than skipping the tests. Starts in well under a second.
 */
export async function startTestClamd(limits: TestClamdLimits = {}): Promise<TestClamd | null> {
  const clamd = await findExecutable('clamd', ['/usr/sbin', '/usr/local/sbin']);
  const sigtool = await findExecutable('sigtool', ['/usr/bin', '/usr/local/bin']);
  if (!clamd || !sigtool) {
    const message =
      `ClamAV is not installed (${!clamd ? 'clamd' : ''}${!clamd && !sigtool ? ', ' : ''}${!sigtool ? 'sigtool' : ''} missing): ` +
      'the malware-scanner tests did NOT run. Install the Debian packages clamav-daemon and clamav (.ci/run does).';
    if (process.env.CI) throw new Error(message);
    process.stderr.write(`\n*** ${message} ***\n\n`);
    return null;
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-clamd-'));
  try {
    const signatureMarker = Buffer.from(`FINESTRETA-TEST-MALWARE-SIGNATURE-${randomBytes(12).toString('hex')}`, 'latin1');
    const hex = await hexDump(sigtool, signatureMarker);
    const dbDir = path.join(dir, 'db');
    const tmpDir = path.join(dir, 'tmp');
    await mkdir(dbDir);
    await mkdir(tmpDir);
    await writeFile(path.join(dbDir, 'finestreta-test.ndb'), `${TEST_SIGNATURE_NAME}:0:*:${hex}\n`);
    const socketPath = path.join(dir, 'clamd.sock');
    const unixUrl = `unix://${socketPath}`;

    // A free port can be taken by someone else before clamd binds it; try another.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const conf = path.join(dir, 'clamd.conf');
      await writeFile(conf, clamdConf({ port, socketPath, dbDir, tmpDir, limits }));
      try {
        const url = `tcp://127.0.0.1:${port}`;
        const child = await launch(clamd, conf, url, unixUrl);
        return {
          url,
          unixUrl,
          signatureMarker,
          stop: async () => {
            await terminate(child);
            await rm(dir, { recursive: true, force: true });
          },
        };
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function clamdConf(o: { port: number; socketPath: string; dbDir: string; tmpDir: string; limits: TestClamdLimits }): string {
  // man clamd.conf. Everything stays inside the temporary directory; logs go
  // to clamd's stdout (kept for error messages), not to syslog or /var/log.
  return [
    'Foreground yes',
    `LocalSocket ${o.socketPath}`,
    'FixStaleSocket yes',
    `TCPSocket ${o.port}`,
    'TCPAddr 127.0.0.1',
    `DatabaseDirectory ${o.dbDir}`,
    `TemporaryDirectory ${o.tmpDir}`,
    'LogSyslog no',
    'LogTime no',
    'SelfCheck 0',
    'MaxThreads 4',
    `StreamMaxLength ${o.limits.streamMaxLength ?? '4000M'}`,
    // libclamav's ceiling is INT_MAX - 2 bytes; asking for more only logs a warning.
    `MaxFileSize ${o.limits.maxFileSize ?? String(2 ** 31 - 3)}`,
    'MaxScanSize 4000M',
    // As production should run: a file clamd cannot scan whole is reported, not passed as OK.
    'AlertExceedsMax yes',
    '',
  ].join('\n');
}

async function launch(clamd: string, conf: string, tcpUrl: string, unixUrl: string): Promise<ChildProcess> {
  const child = spawn(clamd, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Never leave a clamd behind if the test process ends without stop().
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));

  let exited = false;
  let spawnError: Error | undefined;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', (err) => {
    spawnError = err;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  // Wait for the condition itself: clamd answers PING on both sockets once
  // its database is loaded and it serves (a port someone else took makes it exit).
  for (;;) {
    if (spawnError) throw new Error(`could not start ${clamd}: ${spawnError.message}`);
    if (exited) throw new Error(`clamd exited while starting:\n${output}`);
    try {
      await pingClamd(tcpUrl, 1000);
      await pingClamd(unixUrl, 1000);
      return child;
    } catch {
      if (Date.now() > deadline) {
        await terminate(child);
        throw new Error(`clamd did not answer PING within ${START_TIMEOUT_MS} ms:\n${output}`);
      }
      await delay(25);
    }
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function hexDump(sigtool: string, data: Buffer): Promise<string> {
  const child = spawn(sigtool, ['--hex-dump'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  child.stdin.end(data);
  const [code] = (await once(child, 'close')) as [number | null];
  const hex = out.trim();
  // The database must match exactly these bytes; check sigtool encoded them as expected.
  if (code !== 0 || hex !== data.toString('hex')) throw new Error(`sigtool --hex-dump failed (exit ${code}): ${err}${out}`);
  return hex;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port for clamd');
  return address.port;
}

async function findExecutable(name: string, extraDirs: string[]): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
