import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CuesWriter, scanWebm } from './webm-cues.ts';

/** A minimal EBML element (ids as written, sizes on 8 bytes unless `unknown`). */
function el(id: number[], payload: Buffer | Buffer[], unknown = false): Buffer {
  const body = Array.isArray(payload) ? Buffer.concat(payload) : payload;
  const size = Buffer.alloc(8);
  if (unknown) size.fill(0xff, 0, 8).writeUInt8(0x01, 0);
  else size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([Buffer.from(id), size, body]);
}
const u = (id: number[], v: number) => el(id, Buffer.from([v >> 8, v & 0xff]));
/** A block's header: track 1 (vint 0x81), a 16-bit relative time, flags. */
const blockBody = (time: number, flags: number) => Buffer.from([0x81, time >> 8, time & 0xff, flags, 0xaa, 0xbb]);

/**
 * A WebM as Chromium's MediaRecorder frames come out of ffmpeg when packets
 * carry side data: video in BlockGroups, key frames being those without a
 * ReferenceBlock; then a SimpleBlock key frame; audio (track 2) in between.
 */
function sample(): Buffer {
  const header = el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], Buffer.from('webm')));
  const seekHead = el([0x11, 0x4d, 0x9b, 0x74], el([0x4d, 0xbb], [el([0x53, 0xab], Buffer.from([0x15, 0x49, 0xa9, 0x66])), u([0x53, 0xac], 0)]));
  const voidEl = el([0xec], Buffer.alloc(60));
  const tracks = el([0x16, 0x54, 0xae, 0x6b], [el([0xae], [u([0xd7], 2), u([0x83], 2)]), el([0xae], [u([0xd7], 1), u([0x83], 1)])]);
  const audio = (t: number) => el([0xa3], Buffer.from([0x82, t >> 8, t & 0xff, 0x80, 0x01]));
  const cluster1 = el([0x1f, 0x43, 0xb6, 0x75], [
    u([0xe7], 0),
    audio(0),
    el([0xa0], [el([0xa1], blockBody(20, 0))]), // key frame (no ReferenceBlock)
    el([0xa0], [el([0xa1], blockBody(86, 0)), u([0xfb], 66)]),
  ]);
  const cluster2 = el([0x1f, 0x43, 0xb6, 0x75], [u([0xe7], 2000), el([0xa0], [el([0xa1], blockBody(0, 0)), u([0xfb], 66)]), audio(10), el([0xa3], blockBody(40, 0x80))]);
  const segment = el([0x18, 0x53, 0x80, 0x67], [seekHead, voidEl, tracks, cluster1, cluster2], true);
  return Buffer.concat([header, segment]);
}

describe('WebM cues', () => {
  it('finds one key frame per cluster, in BlockGroups as in SimpleBlocks, and the duration', async () => {
    const bytes = sample();
    const layout = await scanWebm(Readable.from([bytes.subarray(0, 50), bytes.subarray(50, 51), bytes.subarray(51)]));
    const dataStart = bytes.indexOf(Buffer.from([0x11, 0x4d, 0x9b, 0x74]));
    const clusters = [bytes.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75])), bytes.lastIndexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75]))].map((p) => p - dataStart);
    expect(layout.videoTrack).toBe(1);
    expect(layout.cues).toEqual([
      { time: 20, cluster: clusters[0] },
      { time: 2040, cluster: clusters[1] },
    ]);
    expect(layout.firstCluster).toBe(clusters[0]);
    expect(layout.end).toBe(bytes.length - dataStart);
    // Last video frame at 2040 ms, 40 ms after the one before it.
    expect(layout.durationMs).toBe(2080);
  });

  it('points the SeekHead at Cues appended at the end, without moving anything', async () => {
    const bytes = sample();
    const layout = await scanWebm(Readable.from([bytes]));
    const writer = new CuesWriter(layout);
    const parts: Buffer[] = [];
    for await (const part of Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]).pipe(writer)) parts.push(part as Buffer);
    const out = Buffer.concat(parts);
    expect(writer.indexed).toBe(true);
    // Everything from the Tracks on is where it was; the Cues follow the last cluster.
    const tracksAt = bytes.indexOf(Buffer.from([0x16, 0x54, 0xae, 0x6b]));
    expect(out.subarray(tracksAt, bytes.length).equals(bytes.subarray(tracksAt))).toBe(true);
    expect(out.subarray(bytes.length, bytes.length + 4).toString('hex')).toBe('1c53bb6b');
    // Scanning the result finds the same clusters.
    expect((await scanWebm(Readable.from([out]))).cues).toEqual(layout.cues);
  });
});
