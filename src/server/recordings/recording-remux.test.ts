import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunked, liveWebm } from '../../../test/recording-helpers.ts';
import { ffmpegDuration, measureDuration, RemuxError, remuxSegments, remuxTimings } from './recording-remux.ts';
import { CuesWriter, scanWebm } from './webm-cues.ts';

/** Collects a stream (test clips are small). */
async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** ffprobe's format duration of bytes given on its stdin (a pipe: no seeking, so only the header can tell). */
async function headerDuration(bytes: Buffer): Promise<number> {
  const child = spawn('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', 'pipe:0'], { stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.on('error', () => undefined);
  child.stdin.end(bytes);
  const out = await collect(child.stdout);
  return Number(out.toString().trim());
}

/** A segment source over some buffers, given in small pieces like decrypted records. */
const source = (parts: Buffer[]) => () => Readable.from(parts);

describe('joining recorded segments with ffmpeg', () => {
  let a: Buffer;
  let b: Buffer;
  beforeAll(async () => {
    [a, b] = await Promise.all([liveWebm(3, 440), liveWebm(2, 880)]);
  });

  it('writes durations as ffmpeg reads them', () => {
    expect(ffmpegDuration(0)).toBe('00:00:00.000000');
    expect(ffmpegDuration(8_022)).toBe('00:00:08.022000');
    expect(ffmpegDuration(3_723_456.5)).toBe('01:02:03.456500');
  });

  it('measures the joined segments, and puts the duration in the header of a file written to a pipe', async () => {
    expect(Math.abs((await measureDuration([source(chunked(a, 7_000)), source(chunked(b, 5_000))])) - 5_000)).toBeLessThan(150);
    let out: Buffer = Buffer.alloc(0);
    const ms = await remuxSegments([source(chunked(a, 7_000)), source(chunked(b, 5_000))], async (webm) => {
      out = await collect(webm);
    });
    expect(Math.abs((await headerDuration(out)) * 1000 - ms)).toBeLessThan(50);
    // Indexed: the SeekHead names the Cues (their id appears there and as the element at the end), one cue per key frame cluster.
    const cuesId = Buffer.from([0x1c, 0x53, 0xbb, 0x6b]);
    expect(out.indexOf(cuesId)).toBeLessThan(200);
    const cuesAt = out.lastIndexOf(cuesId);
    expect(cuesAt).toBeGreaterThan(out.length - 500);
    const layout = await scanWebm(Readable.from(chunked(out, 4_096)));
    expect(layout.cues.length).toBeGreaterThanOrEqual(2);
    // Cue positions count from the Segment's data (after ffmpeg's 36-byte EBML header and the 12-byte Segment header).
    for (const cue of layout.cues) expect(out.subarray(48 + cue.cluster, 52 + cue.cluster).toString('hex')).toBe('1f43b675');
  });

  it('passes a stream it cannot index through untouched', async () => {
    const junk = Buffer.from('not a webm, not even EBML');
    const writer = new CuesWriter({ firstCluster: 0, end: 10, cues: [{ time: 0, cluster: 0 }], videoTrack: 1, durationMs: 1 });
    const out = await collect(Readable.from([junk]).pipe(writer));
    expect(out.equals(junk)).toBe(true);
    expect(writer.indexed).toBe(false);
  });

  it('keeps a segment cut at any byte (the chunk a lost page never finished) and goes on with the next', async () => {
    const cut = a.subarray(0, Math.floor(a.length / 2) + 17);
    const ms = await measureDuration([source([cut]), source([b])]);
    expect(ms).toBeGreaterThan(2_500);
    expect(ms).toBeLessThan(4_000);
  });

  it('fails when a source fails (a stored chunk that no longer authenticates), and when there is no media', async () => {
    const failing = () =>
      Readable.from(
        (async function* () {
          yield a.subarray(0, 10_000);
          throw new Error('integrity');
        })(),
      );
    await expect(remuxSegments([failing], async (webm) => void (await collect(webm)))).rejects.toThrow('integrity');
    await expect(measureDuration([source([Buffer.from('not a webm at all')])])).rejects.toBeInstanceOf(RemuxError);
  });

  it('stops an ffmpeg that hangs, and says so, instead of waiting for it for ever', async () => {
    // An ffmpeg that never reads nor writes (a wedged process), first on PATH.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'finestreta-hung-ffmpeg-'));
    const fake = path.join(dir, 'ffmpeg');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(fake, 0o755);
    const saved = { path: process.env.PATH, stallMs: remuxTimings.stallMs, checkEveryMs: remuxTimings.checkEveryMs };
    process.env.PATH = `${dir}:${saved.path ?? ''}`;
    Object.assign(remuxTimings, { stallMs: 400, checkEveryMs: 50 });
    try {
      const run = remuxSegments([source([a])], async (webm) => {
        webm.resume();
        await finished(webm);
      });
      await expect(run).rejects.toBeInstanceOf(RemuxError);
      await expect(run).rejects.toThrow('ffmpeg took no input for 0 s and was stopped');
    } finally {
      process.env.PATH = saved.path;
      Object.assign(remuxTimings, { stallMs: saved.stallMs, checkEveryMs: saved.checkEveryMs });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
