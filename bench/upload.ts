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
 *
 * This file is the entry point and prints the report; it also runs as each
 * child process (`serve`, `prepare`, `recorded`). The parts are in
 * bench/upload/: config.ts (the variables above), file-bytes.ts (the file),
 * client.ts (the measured tus and plain clients), targets.ts (starting each
 * server), servers.ts (the bare servers), app-database.ts (the app's database
 * before and after) and measure.ts (time, CPU and memory from /proc).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { prepareApp, recordedDocumentSha256 } from './upload/app-database.ts';
import { agent } from './upload/client.ts';
import { APP_NODE_FLAGS, BYTES, CHUNK, DIAGNOSE, GOALS, MiB, REQUEST_BYTES, ROOT, ROUNDS, SAMPLE_MS, WARMUP_BYTES } from './upload/config.ts';
import { expectedSha256, PDF_HEAD, PDF_TRAILER } from './upload/file-bytes.ts';
import { mb, measure, rate, trace, type Measure } from './upload/measure.ts';
import { serve } from './upload/servers.ts';
import { appTarget, plainTarget, tusDiscardTarget, tusStoreTarget } from './upload/targets.ts';

/** Builds the server bundle from the current sources (a fraction of a second), so that the bench never measures a stale one. */
async function buildServer(): Promise<void> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`scripts/build-server.mjs exited with ${code}`);
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
