/**
 * bench/upload's settings: the environment variables its header documents,
 * the goals, and where the app and this benchmark's entry point live.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One mebibyte. */
export const MiB = 1024 * 1024;
/** Size of the measured file (BENCH_BYTES, default 2 GiB). */
export const BYTES = Number(process.env.BENCH_BYTES ?? 2 * 1024 * MiB);
/** The unit in which the client generates and writes the file's bytes. */
export const CHUNK = 256 * 1024;
/** Bytes per request (BENCH_PATCH_BYTES): each one flushed to disk before it is answered. */
export const REQUEST_BYTES = Number(process.env.BENCH_PATCH_BYTES ?? 256 * MiB);
/** How many rounds of plain-then-app (BENCH_ROUNDS); the median one speaks for the run. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Size of the untimed upload each server receives first (BENCH_WARMUP_BYTES; 0 for none). */
export const WARMUP_BYTES = Number(process.env.BENCH_WARMUP_BYTES ?? 64 * MiB);
/** BENCH_DIAGNOSE=1 also measures the bare tus servers. */
export const DIAGNOSE = process.env.BENCH_DIAGNOSE === '1';
/** Interval between two readings of the app server's RSS during the upload. */
export const SAMPLE_MS = 100;
/** Issue "Secure document space": throughput ratio to the plain writer, and the app server's peak RSS. */
export const GOALS = { ratio: 0.85, peakRssMb: 150 };
/** The repository's root. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The benchmark's entry point, which the child processes run again in their own mode (`serve`, `prepare`, `recorded`). */
export const ENTRY = path.join(ROOT, 'bench', 'upload.ts');
/** The server `npm start` runs: the bundle `npm run build:server` makes. */
export const APP_ENTRY = 'dist/server/main.mjs';

function startScriptFlags(): string {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const start = /\bnode((?:\s+--\S+)*)\s+dist\/server\/main\.mjs/.exec(scripts?.start ?? '');
  if (!start) throw new Error(`package.json: the start script no longer runs \`node [flags] ${APP_ENTRY}\`; update bench/upload/config.ts`);
  return start[1] ?? '';
}

/** Node flags of the app server: those `npm start` gives it (`node <flags> dist/server/main.mjs`), unless BENCH_APP_FLAGS tries others. */
export const APP_NODE_FLAGS = (process.env.BENCH_APP_FLAGS ?? startScriptFlags()).split(' ').filter(Boolean);
