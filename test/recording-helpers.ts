/** Factories for the recording's tests: MediaRecorder-like WebM clips, chunked like a recorder sends them, and ffprobe. */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { Session } from './documents-helpers.ts';
import type { TestApp } from './test-app.ts';

const run = promisify(execFile);

/**
 * A WebM as MediaRecorder writes it (VP8 + Opus, written live: no Duration,
 * no Cues), `seconds` long, made by ffmpeg into memory (test pattern and a
 * sine tone; nothing personal). `tone` varies the audio so two clips differ.
 */
export async function liveWebm(seconds: number, tone = 440): Promise<Buffer> {
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=15`,
    '-f', 'lavfi', '-i', `sine=frequency=${tone}`,
    '-t', String(seconds),
    '-c:v', 'libvpx', '-b:v', '300k', '-g', '30', '-deadline', 'realtime', '-cpu-used', '8',
    '-c:a', 'libopus',
    '-f', 'webm', '-live', '1', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const parts: Buffer[] = [];
  let log = '';
  child.stdout.on('data', (b: Buffer) => parts.push(b));
  child.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`ffmpeg failed: ${log}`);
  return Buffer.concat(parts);
}

/** Splits a stream's bytes at arbitrary boundaries, as MediaRecorder's timeslice does. */
export function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** Lowercase hex SHA-256. */
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Sends one chunk as the agent's page does. */
export function putChunk(t: TestApp, staff: Session, appointmentId: string, segment: number, seq: number, body: Buffer, digest = sha256(body), host = 'alfa.test') {
  return t.app.http.inject({
    method: 'PUT',
    url: `/api/staff/appointments/${appointmentId}/recording/segments/${segment}/chunks/${seq}`,
    headers: { host, cookie: staff.cookie, 'x-csrf-token': staff.csrf, 'content-type': 'video/webm', 'x-chunk-sha256': digest },
    payload: body,
  });
}

/** A POST as staff, JSON body. */
export function staffPost(t: TestApp, staff: Session, url: string, payload: Record<string, unknown> = {}, host = 'alfa.test') {
  return t.app.http.inject({ method: 'POST', url, headers: { host, cookie: staff.cookie, 'x-csrf-token': staff.csrf }, payload });
}

/** What ffprobe says of a file or URL: format duration (s) and the streams' codecs. */
export async function probe(input: string, headers?: string): Promise<{ duration: number; codecs: string[] }> {
  const args = ['-v', 'error', ...(headers ? ['-headers', headers] : []), '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', input];
  const { stdout } = await run('ffprobe', args);
  const json = JSON.parse(stdout) as { format: { duration?: string }; streams: { codec_name: string }[] };
  return { duration: Number(json.format.duration ?? 'NaN'), codecs: json.streams.map((s) => s.codec_name) };
}

/** Seeks to `at` seconds and decodes one video frame; returns its presentation time (s). */
export async function frameAt(input: string, at: number, headers?: string): Promise<number> {
  const args = [
    '-v', 'error', ...(headers ? ['-headers', headers] : []),
    '-read_intervals', `${at}%+#1`, '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', input,
  ];
  const { stdout } = await run('ffprobe', args);
  const first = stdout.trim().split('\n')[0] ?? '';
  return Number(first);
}

/** Bytes ffprobe reads to seek to `at` seconds and decode one frame: far less than the file when the Cues index is used. */
export async function bytesReadToSeek(input: string, at: number, headers?: string): Promise<number> {
  const args = ['-v', 'debug', ...(headers ? ['-headers', headers] : []), '-read_intervals', `${at}%+#1`, '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', input];
  const { stderr } = await run('ffprobe', args);
  return [...stderr.matchAll(/Statistics: (\d+) bytes read/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}
