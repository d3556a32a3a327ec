/**
 * Measuring one server: wall time, CPU time (its own and the client's) and
 * memory, read from /proc around a warm upload of the benchmark file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BYTES, MiB, SAMPLE_MS, WARMUP_BYTES } from './config.ts';
import type { UploadTarget } from './targets.ts';

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

/** What one measured upload of BENCH_BYTES cost one server. */
export interface Measure {
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

/** Starts `target` on a fresh work folder, warms it up, measures one upload of BENCH_BYTES, then stops it and removes the folder. */
export async function measure(target: UploadTarget): Promise<Measure> {
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

/** Bytes as whole megabytes (10^6), as the report prints them. */
export const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
/** The measured upload's throughput in MiB/s. */
export const rate = (m: Measure) => BYTES / MiB / m.seconds;

/** The RSS samples summed up: minimum, maximum, and one reading per tenth of the upload. */
export function trace(samples: number[]): string {
  if (samples.length === 0) return 'no samples';
  const tenths = Array.from({ length: 10 }, (_, i) => samples[Math.floor((i * samples.length) / 10)] ?? 0);
  return `min ${mb(Math.min(...samples))} MB, max ${mb(Math.max(...samples))} MB over ${samples.length} samples; by tenths of the upload: ${tenths.map(mb).join(' ')}`;
}
