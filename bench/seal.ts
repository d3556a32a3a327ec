/**
 * bench/seal — how fast an evidence package is sealed around a large
 * recording, against `sha256sum` of the same recording in the same run, and
 * how much memory sealing needs.
 *
 *   npm run bench:seal                         (2 GiB recording, 2 rounds)
 *   BENCH_BYTES=536870912 BENCH_ROUNDS=3 npm run bench:seal
 *
 * Goal (issue 6): seal time ≤ 1.25 × sha256sum's; peak RSS flat (not growing
 * with the recording).
 *
 * The recording is generated once, streamed to a plain file (random bytes,
 * like compressed video), and also appended to the encrypted blob store where
 * recordings will live. Each round times, one after the other on warm caches:
 * `sha256sum` of the plain file; sealing a full ASiC-E package (recording,
 * events.json, form data, manifest, CAdES signature by a TEST SEAL) reading
 * the plain file; and the same package reading the recording through the blob
 * store's decrypting stream. The package's digest of the recording must equal
 * sha256sum's. RSS is sampled every 50 ms while sealing. Before each timed
 * step, untimed, `sync` flushes what the steps before it wrote (BENCH_SYNC=0
 * skips it). BENCH_TRACE=1 prints, per seal, CPU time by thread, page faults,
 * how busy the main thread was and the kernel's dirty page cache.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadOrCreateDevSeal } from '../src/server/adapters/seal/dev-seal.ts';
import { localBlobStore } from '../src/server/adapters/storage/local-blob-store.ts';
import { AsicWriter } from '../src/server/evidence/asic-writer.ts';
import { EventChain, eventLogJson } from '../src/server/evidence/event-log.ts';

const BYTES = Number(process.env.BENCH_BYTES ?? 2 * 1024 ** 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MiB = 1024 * 1024;
const say = (line: string) => process.stdout.write(`${line}\n`);
// BENCH_TRACE=1: per seal, the process's CPU time (user+system, every thread) against wall time, and the
// kernel's dirty/writeback page cache before and after (writeback left by earlier steps slows the next one).
const TRACE = process.env.BENCH_TRACE === '1';
const dirtyMiB = async () => {
  const info = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
  return `dirty ${(kb('Dirty') / 1024).toFixed(0)} MiB, writeback ${(kb('Writeback') / 1024).toFixed(0)} MiB`;
};

function randomStream(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.push(null);
      const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(MiB, bytes - sent)));
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

async function sha256sum(file: string): Promise<{ ms: number; hex: string }> {
  const start = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('sha256sum', [file]);
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`sha256sum exited ${code}`))));
  });
  return { ms: performance.now() - start, hex: out.split(' ')[0] ?? '' };
}

/** CPU seconds (user+system) of each thread of this process: `main`, the others as `<name>#<tid>` (crypto thread, libuv pool, V8's). */
async function threadCpu(): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  const tick = 100; // USER_HZ
  for (const tid of await readdir('/proc/self/task').catch(() => [] as string[])) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    const name = tid === String(process.pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, close)}#${tid}`;
    const fields = stat.slice(close + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
    if (Number.isFinite(seconds)) byName.set(name, (byName.get(name) ?? 0) + seconds);
  }
  return byName;
}

/**
 * Untimed, before each timed step: `sync`, so that no step starts with the
 * page cache still writing back what the steps before it wrote (the
 * recording and blob generated, the previous package: gigabytes, which
 * otherwise throttle whichever step runs next). BENCH_SYNC=0 skips it.
 */
async function settle(): Promise<void> {
  if (process.env.BENCH_SYNC === '0') return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sync', [], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

/** Seals one package around `recording`; returns its duration, the recording's digest and the RSS seen meanwhile. */
async function seal(target: string, recording: () => AsyncIterable<Uint8Array>, sealKey: ReturnType<typeof loadOrCreateDevSeal>) {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage().rss), 50);
  const dirtyBefore = TRACE ? await dirtyMiB() : '';
  const threadsBefore = TRACE ? await threadCpu() : new Map<string, number>();
  const cpu = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  const asic = new AsicWriter(createWriteStream(target, { highWaterMark: MiB }));
  const chain = new EventChain();
  const events = [chain.append({ type: 'recording.started', actor: 'agent:bench' }), chain.append({ type: 'recording.stopped', actor: 'agent:bench' })];
  const rec = await asic.addFile('recording.webm', recording(), { mimeType: 'video/webm', sizeHint: BYTES });
  await asic.addFile('events.json', eventLogJson({ version: 1, appointment: 'bench', events }), { mimeType: 'application/json' });
  await asic.addFile('form.json', Buffer.from('{"bench":true}'), { mimeType: 'application/json' });
  const sealed = await asic.seal({ seal: sealKey, signingTime: new Date() });
  const ms = performance.now() - start;
  clearInterval(timer);
  if (TRACE) {
    const used = process.cpuUsage(cpu);
    const loop = performance.eventLoopUtilization(elu);
    say(
      `  trace ${path.basename(target)}: ${(ms / 1000).toFixed(2)} s wall, CPU user ${(used.user / 1e6).toFixed(2)} s + system ${(used.system / 1e6).toFixed(2)} s, ` +
        `${((process.resourceUsage().minorPageFault - faults) / 1000).toFixed(0)}k page faults, ` +
        `main thread busy ${(loop.utilization * 100).toFixed(0)} %; before: ${dirtyBefore}; after: ${await dirtyMiB()}`,
    );
    const threads = [...(await threadCpu())].map(([name, seconds]) => [name, seconds - (threadsBefore.get(name) ?? 0)] as const).filter(([, seconds]) => seconds >= 0.05);
    say(`    CPU by thread: ${threads.map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`).join(', ')}`);
  }
  return { ms, sha256: rec.sha256, bytes: sealed.bytes, rssMin: Math.min(...samples), rssMax: Math.max(...samples) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'finestreta-bench-seal-'));
  try {
    const recordingFile = path.join(dir, 'recording.webm');
    say(`bench/seal: ${(BYTES / 1024 ** 3).toFixed(2)} GiB recording, ${ROUNDS} round(s), ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}`);
    await pipeline(randomStream(BYTES), createWriteStream(recordingFile));
    const store = localBlobStore(path.join(dir, 'store'), randomBytes(32));
    await store.create('recording');
    await store.append('recording', 0, createReadStream(recordingFile, { highWaterMark: MiB }));
    const blob = await store.finish('recording');
    const sealKey = loadOrCreateDevSeal(dir, { warn: () => undefined });
    say(`generated: plain file and encrypted blob (${((await stat(path.join(dir, 'store'))).isDirectory() ? 'local blob store' : '?')})`);

    const rows: { base: number; plain: number; blob: number }[] = [];
    let rss = { min: Infinity, max: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      await settle();
      const base = await sha256sum(recordingFile);
      await settle();
      const plain = await seal(path.join(dir, 'plain.asice'), () => createReadStream(recordingFile, { highWaterMark: MiB }), sealKey);
      await settle();
      const fromBlob = await seal(path.join(dir, 'blob.asice'), () => store.read('recording'), sealKey);
      if (plain.sha256 !== base.hex || fromBlob.sha256 !== base.hex || blob.sha256 !== base.hex) throw new Error('digest mismatch between sha256sum and the package');
      rows.push({ base: base.ms, plain: plain.ms, blob: fromBlob.ms });
      rss = { min: Math.min(rss.min, plain.rssMin, fromBlob.rssMin), max: Math.max(rss.max, plain.rssMax, fromBlob.rssMax) };
      say(
        `round ${round}: sha256sum ${(base.ms / 1000).toFixed(2)} s | seal (plain file) ${(plain.ms / 1000).toFixed(2)} s = ${(plain.ms / base.ms).toFixed(2)}× | ` +
          `seal (through the encrypted blob store) ${(fromBlob.ms / 1000).toFixed(2)} s = ${(fromBlob.ms / base.ms).toFixed(2)}× | package ${(plain.bytes / 1024 ** 3).toFixed(2)} GiB`,
      );
    }
    const best = (k: 'base' | 'plain' | 'blob') => Math.min(...rows.map((r) => r[k]));
    say(`best: sha256sum ${(BYTES / MiB / (best('base') / 1000)).toFixed(0)} MiB/s; seal ${(BYTES / MiB / (best('plain') / 1000)).toFixed(0)} MiB/s (plain), ${(BYTES / MiB / (best('blob') / 1000)).toFixed(0)} MiB/s (blob store)`);
    say(`ratio seal/sha256sum (best of ${ROUNDS}): plain file ${(best('plain') / best('base')).toFixed(2)}×, blob store ${(best('blob') / best('base')).toFixed(2)}× (goal ≤ 1.25×)`);
    say(`RSS while sealing: ${(rss.min / MiB).toFixed(0)}–${(rss.max / MiB).toFixed(0)} MiB (peak RSS of the process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
