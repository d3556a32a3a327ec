import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';

/**
 * A streaming ZIP writer for STORED entries only, written for ASiC containers
 * rather than taken from yazl/archiver:
 * - ETSI EN 319 162-1 §A.1 wants `mimetype` first, stored, with no extra field,
 *   which needs control over every header byte;
 * - evidence is already compressed (WebM, JPEG, PDF) or small, so deflate buys
 *   nothing, and stored entries keep a package seekable by any reader;
 * - CRC-32 comes from node:zlib (native, ~3 GB/s here) where yazl's JS CRC runs
 *   at ~150 MB/s, six times slower than the SHA-256 it runs beside;
 * - ZIP64 (APPNOTE 6.3.10 §4.5.3) for entries and offsets past 4 GiB.
 * Nothing is buffered beyond the chunk in hand; `out` back-pressure is honoured.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly names = new Set<string>();
  private failed: Error | null = null;
  private finished = false;

  /**
   * @param out where the archive goes (a file, an HTTP response…); ended by `finish`.
   * @param options.forceZip64 write ZIP64 records even for small archives (tests).
   * @param options.date the time stamped on every entry (server time).
   */
  constructor(
    private readonly out: Writable,
    private readonly options: { forceZip64?: boolean; date?: Date } = {},
  ) {
    out.on('error', (error: Error) => {
      this.failed = error;
    });
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /**
   * Adds an entry whose whole content is at hand, with CRC and sizes in the
   * local header and no extra field and no data descriptor (what ASiC's
   * `mimetype` must look like).
   */
  async addBuffer(name: string, data: Buffer): Promise<EntryInfo> {
    this.checkName(name);
    const crc = crc32(data);
    const start = this.offset;
    await this.write(localHeader(name, { crc, size: data.length, descriptor: false, zip64: false, dos: this.dos() }));
    await this.write(data);
    this.record(name, { crc, size: data.length, offset: start, descriptor: false });
    return { name, size: data.length, crc32: crc };
  }

  /**
   * Streams an entry: CRC and size follow in a data descriptor. `onChunk` sees
   * every chunk on its way (to hash it in the same pass); when it returns a
   * promise, the next chunk waits for it (back-pressure from a hash computed
   * elsewhere). `sizeHint` below 4 GiB lets the local header skip the ZIP64
   * extra field; without it the entry is written ready for any size.
   */
  async addStream(name: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: { sizeHint?: number; onChunk?: (chunk: Uint8Array) => void | Promise<void> } = {}): Promise<EntryInfo> {
    this.checkName(name);
    const zip64 = this.options.forceZip64 === true || opts.sizeHint === undefined || opts.sizeHint >= MAX32;
    const start = this.offset;
    await this.write(localHeader(name, { crc: 0, size: 0, descriptor: true, zip64, dos: this.dos() }));
    let crc = 0;
    let size = 0;
    for await (const chunk of source) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      // The chunk is written while `onChunk` (an off-thread hash) may still be taking it in: both are waited for.
      const seen = opts.onChunk?.(chunk);
      // Handled now, thrown below: it may fail while the write is waited for.
      seen?.catch(() => undefined);
      await this.write(chunk);
      if (seen) await seen;
    }
    if (!zip64 && size >= MAX32) throw new Error(`${name}: ${size} bytes is more than its size hint allowed without ZIP64`);
    // APPNOTE §4.3.9: 8-byte sizes in the descriptor when the local header carries a ZIP64 extra field.
    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc, 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(size), 8);
      descriptor.writeBigUInt64LE(BigInt(size), 16);
    } else {
      descriptor.writeUInt32LE(size, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    await this.write(descriptor);
    this.record(name, { crc, size, offset: start, descriptor: true });
    return { name, size, crc32: crc };
  }

  /** Writes the central directory and ends `out`; resolves when `out` has flushed. Returns the archive size. */
  async finish(): Promise<number> {
    if (this.finished) throw new Error('zip already finished');
    this.finished = true;
    const cdStart = this.offset;
    for (const entry of this.entries) await this.write(centralHeader(entry, this.options.forceZip64 === true));
    const cdSize = this.offset - cdStart;
    const count = this.entries.length;
    const zip64 = this.options.forceZip64 === true || count >= 0xffff || cdStart >= MAX32 || cdSize >= MAX32;
    if (zip64) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(MADE_BY, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(cdSize), 40);
      record.writeBigUInt64LE(BigInt(cdStart), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([record, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? 0xffff : count, 8);
    end.writeUInt16LE(zip64 ? 0xffff : count, 10);
    end.writeUInt32LE(zip64 ? MAX32 : cdSize, 12);
    end.writeUInt32LE(zip64 ? MAX32 : cdStart, 16);
    await this.write(end);
    const done = once(this.out, 'finish');
    this.out.end();
    await done;
    return this.offset;
  }

  private record(name: string, e: Omit<CentralEntry, 'name' | 'dos'>): void {
    this.entries.push({ name, dos: this.dos(), ...e });
  }

  private dos(): { time: number; date: number } {
    return dosDateTime(this.options.date ?? new Date());
  }

  private async write(chunk: Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    this.offset += chunk.length;
    if (!this.out.write(chunk)) await this.drained();
  }

  /** Resolves on 'drain', rejects on 'error', and leaves no listener behind either way. */
  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        this.out.off('drain', onDrain);
        this.out.off('error', done);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      this.out.on('drain', onDrain);
      this.out.on('error', done);
    });
  }

  /** Refuses duplicate names and names a reader could resolve outside its folder. */
  private checkName(name: string): void {
    if (this.finished) throw new Error('zip already finished');
    if (this.names.has(name)) throw new Error(`duplicate entry ${name}`);
    if (name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..' || p === '.' || p === '')) {
      throw new Error(`invalid entry name ${JSON.stringify(name)}`);
    }
    this.names.add(name);
  }
}

/** What was written for one entry. */
export interface EntryInfo {
  name: string;
  size: number;
  crc32: number;
}

interface CentralEntry {
  name: string;
  crc: number;
  size: number;
  offset: number;
  descriptor: boolean;
  dos: { time: number; date: number };
}

const MAX32 = 0xffffffff;
/** Unix (3) + spec version 4.5. */
const MADE_BY = (3 << 8) | 45;
/** Bit 11: names are UTF-8 (APPNOTE Appendix D). Bit 3: sizes follow in a data descriptor. */
const UTF8 = 0x0800;
const DESCRIPTOR = 0x0008;

function localHeader(name: string, e: { crc: number; size: number; descriptor: boolean; zip64: boolean; dos: { time: number; date: number } }): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  // With ZIP64 both sizes go in the extra field, zero until the descriptor (APPNOTE §4.5.3).
  const extra = e.zip64 ? zip64Extra([0, 0]) : Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(e.zip64 ? 45 : 20, 4);
  header.writeUInt16LE(UTF8 | (e.descriptor ? DESCRIPTOR : 0), 6);
  header.writeUInt16LE(0, 8); // method 0: stored
  header.writeUInt16LE(e.dos.time, 10);
  header.writeUInt16LE(e.dos.date, 12);
  header.writeUInt32LE(e.crc, 14);
  header.writeUInt32LE(e.zip64 ? MAX32 : e.size, 18);
  header.writeUInt32LE(e.zip64 ? MAX32 : e.size, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, nameBytes, extra]);
}

function centralHeader(e: CentralEntry, force: boolean): Buffer {
  const nameBytes = Buffer.from(e.name, 'utf8');
  const bigSize = force ? e.descriptor : e.size >= MAX32;
  const bigOffset = force ? e.descriptor : e.offset >= MAX32;
  // §4.5.3: only the fields set to 0xFFFFFFFF appear, in this order.
  const fields = [...(bigSize ? [e.size, e.size] : []), ...(bigOffset ? [e.offset] : [])];
  const extra = fields.length ? zip64Extra(fields) : Buffer.alloc(0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_BY, 4);
  header.writeUInt16LE(fields.length ? 45 : 20, 6);
  header.writeUInt16LE(UTF8 | (e.descriptor ? DESCRIPTOR : 0), 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(e.dos.time, 12);
  header.writeUInt16LE(e.dos.date, 14);
  header.writeUInt32LE(e.crc, 16);
  header.writeUInt32LE(bigSize ? MAX32 : e.size, 20);
  header.writeUInt32LE(bigSize ? MAX32 : e.size, 24);
  header.writeUInt16LE(nameBytes.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  header.writeUInt32LE(bigOffset ? MAX32 : e.offset, 42);
  return Buffer.concat([header, nameBytes, extra]);
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return extra;
}

/** MS-DOS date and time (2-second resolution), from the UTC fields: evidence times are UTC. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}
