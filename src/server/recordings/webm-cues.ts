import { Transform, type TransformCallback } from 'node:stream';

/**
 * Cues (the seek index) for a WebM that ffmpeg wrote to a pipe. On a pipe
 * the Matroska muxer writes no Cues and cannot go back to point its SeekHead
 * at them; it does leave a Void after the SeekHead (matroskaenc.c reserves
 * it). Two passes over the same remux make the index anyway, streaming:
 *
 * 1. {@link scanWebm} reads one output and notes where each cluster starts
 *    and where the video key frames are (one cluster in memory at most, a
 *    few MB: ffmpeg closes clusters at 5 s or 5 MB).
 * 2. {@link CuesWriter} passes the second output through, holding back only
 *    the header until the first cluster: it adds a Cues entry to the
 *    SeekHead by shrinking the Void (so nothing after it moves), and appends
 *    the Cues at the end of the Segment (size unknown, so it runs to the end).
 *
 * The clusters are the same bytes in both passes (stream copy of the same
 * packets); only the header before them may differ in length (the second
 * pass carries the duration), and that shift is measured and applied.
 * Element ids and layout: Matroska (RFC 9559) §5.1; EBML (RFC 8794) §4.
 */

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Void: 0xec,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  ReferenceBlock: 0xfb,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
} as const;

/** Clusters larger than this are not buffered: no index is made (the file stays as ffmpeg wrote it). */
const MAX_CLUSTER_BYTES = 64 * 1024 * 1024;
/** Bytes of header held back at most before the first cluster. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Where the index goes and what it says, from the first pass. */
export interface WebmLayout {
  /** Offset of the first cluster from the start of the Segment's data. */
  firstCluster: number;
  /** Offset of the end of the Segment's data (where the Cues will go). */
  end: number;
  /** One cue point per cluster that holds a video key frame: its time (in timestamp ticks) and cluster offset (none without video). */
  cues: { time: number; cluster: number }[];
  videoTrack: number;
  /** Time of the end of the last frame, in milliseconds (the file's duration). */
  durationMs: number;
}

/** Not a WebM this code can read (an unknown-size cluster, a huge one, no clusters): the file is kept without Cues. */
export class WebmLayoutError extends Error {}

interface Header {
  id: number;
  /** Payload size; null for "unknown" (all ones). */
  size: number | null;
  /** Bytes of id and size. */
  length: number;
}

/** Reads an element header at `at`, or null if `buf` does not hold all of it yet. */
function readHeader(buf: Buffer, at: number): Header | null {
  if (at >= buf.length) return null;
  const first = buf[at] ?? 0;
  const idLen = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : 0;
  if (idLen === 0) throw new WebmLayoutError('invalid element id');
  if (at + idLen >= buf.length) return null;
  const id = buf.readUIntBE(at, idLen);
  const s0 = buf[at + idLen] ?? 0;
  let sizeLen = 1;
  while (sizeLen <= 8 && !(s0 & (0x80 >> (sizeLen - 1)))) sizeLen++;
  if (sizeLen > 8) throw new WebmLayoutError('invalid element size');
  if (at + idLen + sizeLen > buf.length) return null;
  let size = s0 & (0xff >> sizeLen);
  let allOnes = size === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    const b = buf[at + idLen + i] ?? 0;
    size = size * 256 + b;
    allOnes &&= b === 0xff;
  }
  return { id, size: allOnes ? null : size, length: idLen + sizeLen };
}

function readUint(buf: Buffer, at: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + (buf[at + i] ?? 0);
  return v;
}

/** The children of an element's payload. */
function* children(buf: Buffer, start: number, end: number): Generator<Header & { at: number }> {
  let at = start;
  while (at < end) {
    const h = readHeader(buf, at);
    if (!h || h.size === null) return;
    yield { ...h, at };
    at += h.length + h.size;
  }
}

/** Pulls bytes from a stream as a parser needs them. */
class ByteReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private done = false;
  /** Bytes consumed so far. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Ensures `n` bytes are buffered; false at the end of the stream. */
  async fill(n: number): Promise<boolean> {
    while (this.have < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        this.chunks.push(next.value);
        this.have += next.value.length;
      }
    }
    return this.have >= n;
  }

  /** The buffered bytes (at least what `fill` asked for), without consuming them. */
  peek(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Consumes `n` bytes (reading and dropping what is not buffered). */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.have === 0 && !(await this.fill(1))) throw new WebmLayoutError('truncated');
      const head = this.peek();
      const take = Math.min(left, head.length);
      this.chunks = take === head.length ? [] : [head.subarray(take)];
      this.have -= take;
      this.offset += take;
      left -= take;
    }
  }
}

/** Reads the next element header from the reader (null at a clean end). */
async function nextHeader(reader: ByteReader): Promise<Header | null> {
  for (let want = 2; want <= 12; want++) {
    if (!(await reader.fill(want))) {
      if (reader.peek().length === 0) return null;
      if (want > reader.peek().length) throw new WebmLayoutError('truncated header');
    }
    const h = readHeader(reader.peek(), 0);
    if (h) return h;
  }
  throw new WebmLayoutError('invalid header');
}

/**
 * First pass: reads a whole WebM as ffmpeg writes it to a pipe and answers
 * where its clusters and video key frames are, and its duration.
 */
export async function scanWebm(source: AsyncIterable<Buffer>): Promise<WebmLayout> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  const ebml = await nextHeader(reader);
  if (ebml?.id !== ID.EBML || ebml.size === null) throw new WebmLayoutError('not EBML');
  await reader.skip(ebml.length + ebml.size);
  const segment = await nextHeader(reader);
  if (segment?.id !== ID.Segment) throw new WebmLayoutError('no Segment');
  await reader.skip(segment.length);
  const dataStart = reader.offset;
  let scale = 1_000_000;
  let videoTrack: number | null = null;
  let firstCluster: number | null = null;
  const cues: WebmLayout['cues'] = [];
  /** Per track: the last block time and the gap before it (for the last frame's length). */
  const last = new Map<number, { time: number; gap: number }>();
  for (;;) {
    const h = await nextHeader(reader);
    if (!h) break;
    if (h.size === null) throw new WebmLayoutError('element of unknown size');
    const at = reader.offset - dataStart;
    if (h.id !== ID.Cluster && h.id !== ID.Info && h.id !== ID.Tracks) {
      await reader.skip(h.length + h.size);
      continue;
    }
    if (h.size > MAX_CLUSTER_BYTES) throw new WebmLayoutError('cluster too large');
    if (!(await reader.fill(h.length + h.size))) throw new WebmLayoutError('truncated element');
    const buf = reader.peek();
    const end = h.length + h.size;
    if (h.id === ID.Info) {
      for (const c of children(buf, h.length, end)) if (c.id === ID.TimestampScale) scale = readUint(buf, c.at + c.length, c.size ?? 0);
    } else if (h.id === ID.Tracks) {
      for (const entry of children(buf, h.length, end)) {
        if (entry.id !== ID.TrackEntry) continue;
        let number = 0;
        let type = 0;
        for (const c of children(buf, entry.at + entry.length, entry.at + entry.length + (entry.size ?? 0))) {
          if (c.id === ID.TrackNumber) number = readUint(buf, c.at + c.length, c.size ?? 0);
          if (c.id === ID.TrackType) type = readUint(buf, c.at + c.length, c.size ?? 0);
        }
        if (type === 1 && videoTrack === null) videoTrack = number;
      }
    } else {
      firstCluster ??= at;
      let clusterTime = 0;
      let cued = false;
      /** One block: `key` from a SimpleBlock's flag, or for a BlockGroup, the absence of a ReferenceBlock (RFC 9559 §10.2). */
      const block = (blockAt: number, key: (flags: number) => boolean) => {
        const track = readHeader(Buffer.concat([Buffer.from([0x80]), buf.subarray(blockAt, blockAt + 8)]), 0);
        if (!track) return;
        // A block's track number is a size-like vint (RFC 9559 §10.1); decoded through the header reader with a fake 1-byte id.
        const trackNumber = track.size ?? 0;
        const p = blockAt + track.length - 1;
        const time = clusterTime + buf.readInt16BE(p);
        const flags = buf[p + 2] ?? 0;
        const before = last.get(trackNumber);
        last.set(trackNumber, { time, gap: before ? Math.max(0, time - before.time) : 0 });
        if (!cued && trackNumber === videoTrack && key(flags)) {
          cues.push({ time, cluster: at });
          cued = true;
        }
      };
      for (const c of children(buf, h.length, end)) {
        if (c.id === ID.Timestamp) clusterTime = readUint(buf, c.at + c.length, c.size ?? 0);
        else if (c.id === ID.SimpleBlock) block(c.at + c.length, (flags) => (flags & 0x80) !== 0);
        else if (c.id === ID.BlockGroup) {
          const group = [...children(buf, c.at + c.length, c.at + c.length + (c.size ?? 0))];
          const referenced = group.some((g) => g.id === ID.ReferenceBlock);
          for (const g of group) if (g.id === ID.Block) block(g.at + g.length, () => !referenced);
        }
      }
    }
    await reader.skip(end);
  }
  if (firstCluster === null) throw new WebmLayoutError('no clusters');
  // The end of the last frame: the latest block plus its track's last gap (one frame), at most a second.
  let latest = { time: 0, gap: 0 };
  for (const entry of last.values()) if (entry.time > latest.time) latest = entry;
  const endTicks = latest.time + Math.min(latest.gap, 1_000_000_000 / scale);
  return { firstCluster, end: reader.offset - dataStart, cues, videoTrack: videoTrack ?? 0, durationMs: Math.round((endTicks * scale) / 1_000_000) };
}

/** An EBML element: id, size as a vint of `sizeLength` bytes (shortest when omitted), payload. */
function element(id: number, payload: Buffer, sizeLength?: number): Buffer {
  const idBytes = Buffer.alloc(id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1);
  idBytes.writeUIntBE(id, 0, idBytes.length);
  let len = sizeLength ?? 1;
  while (sizeLength === undefined && payload.length >= 2 ** (7 * len) - 1) len++;
  const size = Buffer.alloc(len);
  let v = payload.length;
  for (let i = len - 1; i >= 0; i--) {
    size[i] = v % 256;
    v = Math.floor(v / 256);
  }
  size[0] = (size[0] ?? 0) | (0x80 >> (len - 1));
  return Buffer.concat([idBytes, size, payload]);
}

function uint(id: number, value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  return element(id, Buffer.from(bytes));
}

/** The Cues element for a layout whose clusters moved by `shift` bytes. */
export function cuesElement(layout: WebmLayout, shift: number): Buffer {
  const points = layout.cues.map((c) =>
    element(ID.CuePoint, Buffer.concat([uint(ID.CueTime, c.time), element(ID.CueTrackPositions, Buffer.concat([uint(ID.CueTrack, layout.videoTrack), uint(ID.CueClusterPosition, c.cluster + shift)]))])),
  );
  return element(ID.Cues, Buffer.concat(points));
}

/**
 * Second pass: passes a WebM through, pointing its SeekHead at Cues it
 * appends at the end. `layout` is the first pass's scan of the same remux.
 * Answers the input unchanged when the header has no room (no Void after the
 * SeekHead), so a file is never lost for want of an index.
 */
export class CuesWriter extends Transform {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private passing = false;
  private shift = 0;
  /** Whether the index was written (false: the file went through as it was). */
  indexed = false;

  constructor(private readonly layout: WebmLayout) {
    super();
    // Nothing to index (no video key frames): the file goes through as it is.
    this.passing = layout.cues.length === 0;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.passing) {
      callback(null, chunk);
      return;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const header = Buffer.concat(this.held);
    this.held = [header];
    let rewritten: Buffer | null;
    try {
      rewritten = this.rewrite(header);
    } catch {
      // Not what was expected: the file goes through untouched, without an index.
      rewritten = header;
    }
    if (rewritten === null && this.heldBytes < MAX_HEADER_BYTES) {
      callback();
      return;
    }
    this.passing = true;
    this.held = [];
    callback(null, rewritten ?? header);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.passing) {
      callback(null, Buffer.concat(this.held));
      return;
    }
    callback(null, this.indexed ? cuesElement(this.layout, this.shift) : undefined);
  }

  /** The header with the new SeekHead, once the first cluster's start is in `buf`; null if more bytes are needed. */
  private rewrite(buf: Buffer): Buffer | null {
    const ebml = readHeader(buf, 0);
    if (!ebml || ebml.size === null) return null;
    const segAt = ebml.length + ebml.size;
    const seg = readHeader(buf, segAt);
    if (!seg) return null;
    if (seg.id !== ID.Segment) throw new WebmLayoutError('no Segment');
    const dataStart = segAt + seg.length;
    let at = dataStart;
    let seekHead: (Header & { at: number }) | null = null;
    let voidAfter: (Header & { at: number }) | null = null;
    for (;;) {
      const h = readHeader(buf, at);
      if (!h) return null;
      if (h.id === ID.Cluster) break;
      if (h.size === null) throw new WebmLayoutError('element of unknown size');
      if (h.id === ID.SeekHead && !seekHead) seekHead = { ...h, at };
      else if (h.id === ID.Void && seekHead && !voidAfter && seekHead.at + seekHead.length + (seekHead.size ?? 0) === at) voidAfter = { ...h, at };
      at += h.length + h.size;
      if (at > buf.length) return null;
    }
    this.shift = at - dataStart - this.layout.firstCluster;
    if (!seekHead || !voidAfter || seekHead.size === null || voidAfter.size === null) return buf;
    const room = seekHead.length + seekHead.size + voidAfter.length + voidAfter.size;
    const entries = buf.subarray(seekHead.at + seekHead.length, seekHead.at + seekHead.length + seekHead.size);
    const cuesAt = this.layout.end + this.shift;
    const seek = element(ID.Seek, Buffer.concat([element(ID.SeekID, Buffer.from([0x1c, 0x53, 0xbb, 0x6b])), uint(ID.SeekPosition, cuesAt)]));
    const head = element(ID.SeekHead, Buffer.concat([entries, seek]));
    // The Void keeps everything after it in place; its size field takes 8 bytes so any remainder ≥ 9 fits.
    const left = room - head.length;
    if (left < 9) return buf;
    const filler = element(ID.Void, Buffer.alloc(left - 9), 8);
    this.indexed = true;
    return Buffer.concat([buf.subarray(0, seekHead.at), head, filler, buf.subarray(seekHead.at + room)]);
  }
}
