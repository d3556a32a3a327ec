import { spawn } from 'node:child_process';
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { CuesWriter, scanWebm, WebmLayoutError, type WebmLayout } from './webm-cues.ts';

/**
 * Joins a recording's segments into one WebM with ffmpeg, stream copy only
 * (`-c copy`: nothing is re-encoded), from pipes to a pipe: the decrypted
 * bytes never touch the disk and never sit whole in memory.
 *
 * Segments: each segment is one MediaRecorder stream (its own EBML header,
 * timestamps from 0), so they are joined with ffmpeg's concat demuxer
 * (https://ffmpeg.org/ffmpeg-formats.html#concat-1), which offsets each
 * file's timestamps by the duration of the ones before it. Its list arrives
 * on stdin and names `pipe:3`, `pipe:4`…: one extra pipe per segment,
 * read one after the other. The time between segments (the page reloading)
 * is not in the file; the server time burned into every frame shows it.
 *
 * Duration: a MediaRecorder WebM has none (it is written live). The
 * Matroska muxer writes Duration in the Info header only when it knows the
 * duration before the first cluster (matroskaenc.c `mkv_write_info`: the
 * output's duration, or a stream's `DURATION` tag) — on a pipe it cannot
 * seek back to fill it in later. So a first pass remuxes and reads the
 * result through (its last frame's end is the duration), and the second
 * pass writes the file with that `DURATION` tag on its first stream.
 *
 * Index: on a pipe the muxer writes no Cues either; webm-cues.ts makes
 * them from the first pass (which also gives the duration) and adds them in
 * the second, so a player seeks in one jump.
 */

/** Opens a fresh stream of one segment's bytes (its chunks joined in order). */
export type SegmentSource = () => Readable;

/** What went wrong in ffmpeg: its exit and the tail of its log (ffmpeg logs positions and codecs, never media). */
export class RemuxError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
    this.name = 'RemuxError';
  }
}

/** The ffmpeg binary (Debian's, on PATH). */
const FFMPEG = 'ffmpeg';
/** Bytes of ffmpeg's stderr kept for an error message. */
const LOG_TAIL = 4_000;

/**
 * How long ffmpeg may go without taking any input or saying anything before
 * it is taken as hung and killed (the recording is then `failed`, its chunks
 * kept, and stopping again retries). Not a limit on the whole run: hours of
 * video take as long as they take while bytes flow. Tests shorten it.
 */
export const remuxTimings = { stallMs: 60_000, checkEveryMs: 1_000 };

/** Passes bytes through and notes when the last ones went by. */
class Progress extends Transform {
  constructor(private readonly touch: () => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.touch();
    callback(null, chunk);
  }
}

function concatList(count: number): string {
  const lines = ['ffconcat version 1.0'];
  for (let i = 0; i < count; i++) lines.push(`file 'pipe:${3 + i}'`);
  return `${lines.join('\n')}\n`;
}

/** `HH:MM:SS.ffffff`, as av_parse_time reads a duration. */
export function ffmpegDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms * 1000)); // microseconds
  const us = total % 1_000_000;
  const s = Math.floor(total / 1_000_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(us, 6)}`;
}

interface RunOptions {
  args: string[];
  segments: SegmentSource[];
  /** Takes ffmpeg's stdout; resolves when it has consumed it. */
  output: (stdout: Readable) => Promise<void>;
}

/**
 * Runs ffmpeg over the concat list of `segments` and waits for everything:
 * the inputs fed, the output consumed, the process gone. A failing source
 * (e.g. a blob whose authentication fails) fails the run; ffmpeg closing an
 * input it no longer needs does not.
 */
async function runFfmpeg({ args, segments, output }: RunOptions): Promise<void> {
  const fullArgs = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'pipe', '-f', 'concat', '-safe', '0', '-i', 'pipe:0', ...args];
  const child = spawn(FFMPEG, fullArgs, { stdio: ['pipe', 'pipe', 'pipe', ...segments.map(() => 'pipe' as const)] });
  let log = '';
  let lastProgress = Date.now();
  const touch = () => {
    lastProgress = Date.now();
  };
  let stalled = false;
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress < remuxTimings.stallMs) return;
    stalled = true;
    child.kill('SIGKILL');
  }, remuxTimings.checkEveryMs);
  watchdog.unref();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    touch();
    log = (log + s).slice(-LOG_TAIL);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => clearInterval(watchdog));
  const failure: { source?: Error } = {};
  const feeds = segments.map(async (open, i) => {
    const sink = child.stdio[3 + i] as Writable;
    // The extra pipes are sockets: once ffmpeg is gone they may report a reset after the feed ended. Its exit says what happened.
    sink.on('error', () => undefined);
    const source = open();
    source.once('error', (error: Error) => {
      failure.source ??= error;
    });
    // EPIPE and friends: ffmpeg stopped reading this input (a truncated last cluster, or it failed and says why).
    await pipeline(source, new Progress(touch), sink).catch(() => undefined);
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(concatList(segments.length));
  const consumed = output(child.stdout).catch((error: unknown) => {
    // Nobody takes the output any more: ffmpeg would block on it for ever.
    child.kill('SIGKILL');
    throw error;
  });
  // A killed ffmpeg also breaks the output's consumer: the stall is what to report then.
  const drained = consumed.catch((error: unknown) => {
    if (!stalled) throw error;
  });
  const [code] = await Promise.all([exited, drained, ...feeds]);
  if (stalled) throw new RemuxError(`ffmpeg took no input for ${Math.round(remuxTimings.stallMs / 1000)} s and was stopped`, log);
  if (failure.source) throw failure.source;
  if (code !== 0) throw new RemuxError(`ffmpeg exited with ${String(code)}`, log);
}

/** The duration in milliseconds of the joined segments (first pass: read everything, write nothing). */
export async function measureDuration(segments: SegmentSource[]): Promise<number> {
  let progress = '';
  await runFfmpeg({
    args: ['-map', '0', '-c', 'copy', '-f', 'null', '-progress', 'pipe:1', '-nostats', '-'],
    segments,
    output: async (stdout) => {
      stdout.setEncoding('utf8');
      for await (const s of stdout) progress = (progress + (s as string)).slice(-LOG_TAIL);
    },
  });
  const times = [...progress.matchAll(/^out_time_us=(\d+)$/gm)].map((m) => Number(m[1]));
  const last = times.at(-1);
  if (last === undefined || last <= 0) throw new RemuxError('no media in the recording', progress);
  return Math.round(last / 1000);
}

/**
 * Joins `segments` into one WebM with its duration in the header and an
 * index (Cues) at the end, and hands the bytes to `store` as they come.
 * First pass: the remux is scanned (webm-cues.ts) for its clusters, key
 * frames and duration; second pass: the same remux with the duration,
 * through the Cues writer. Returns the duration.
 */
export async function remuxSegments(segments: SegmentSource[], store: (webm: Readable) => Promise<void>): Promise<number> {
  if (segments.length === 0) throw new RemuxError('no segments', '');
  const scanned: { layout?: WebmLayout } = {};
  await runFfmpeg({
    args: ['-map', '0', '-c', 'copy', '-f', 'webm', 'pipe:1'],
    segments,
    output: async (stdout) => {
      try {
        scanned.layout = await scanWebm(stdout);
      } catch (error) {
        if (!(error instanceof WebmLayoutError)) throw error;
        // Unexpected layout: no index; the rest is read so that ffmpeg finishes.
        stdout.resume();
        await finished(stdout).catch(() => undefined);
      }
    },
  });
  const found = scanned.layout;
  const durationMs = found && found.durationMs > 0 ? found.durationMs : await measureDuration(segments);
  await runFfmpeg({
    args: ['-map', '0', '-c', 'copy', '-metadata:s:0', `DURATION=${ffmpegDuration(durationMs)}`, '-f', 'webm', 'pipe:1'],
    segments,
    output: (stdout) => store(found ? stdout.pipe(new CuesWriter(found)) : stdout),
  });
  return durationMs;
}
