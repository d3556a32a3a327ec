import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { garbagePacer } from '../adapters/storage/gc-pacer.ts';
import { OffThreadHash } from '../adapters/storage/record-sealer.ts';
import { ASIC_E_MIMETYPE, buildAsicManifest, MANIFEST_PATH, SIGNATURE_PATH, type DataObject } from './asic-manifest.ts';
import { signCadesDetached, type CadesOptions } from './cades.ts';
import { ZipWriter, type EntryInfo } from './zip-writer.ts';

/** Files from this size on (or of unknown size) are hashed on the crypto thread while they are zipped. */
const OFF_THREAD_HASH_BYTES = 1024 * 1024;
/**
 * A minor collection every so many bytes of a large file (see gc-pacer.ts):
 * each chunk read or decrypted is a new buffer outside V8's heap, garbage once
 * written, and left alone V8 answers the pile with a full collection every
 * few dozen MiB and glibc hands the freed memory back to be faulted in again
 * (sealing 512 MiB in a fresh process: ~40 mark-compacts and ~30 000 page
 * faults; paced, 1 and a few hundred; in bench/seal, whose process generated
 * gigabytes before, page faults 27–45 000 → 8–11 000, CPU time unchanged).
 * The pace must stay longer than a chunk's life (read ahead by the source,
 * written by `out`: a few MiB) or chunks live through two scavenges and are
 * promoted to the old generation: paced every 2 MiB, as uploads are, that
 * made things worse (60 mark-compacts).
 */
const GARBAGE_PACE_BYTES = 8 * 1024 * 1024;

export { ASIC_E_MIMETYPE };

/** What `AsicWriter.seal` produced. */
export interface SealedPackage {
  files: DataObject[];
  /** The signed manifest and its CAdES signature, as stored in META-INF. */
  manifest: Buffer;
  signature: Buffer;
  /** Size of the container in bytes. */
  bytes: number;
}

/**
 * Writes an ASiC-E container (ETSI EN 319 162-1) as a stream: `mimetype`
 * first, then each file as it is streamed in (its SHA-256 computed in the same
 * pass, on the crypto thread for large files, nothing held in memory), then `META-INF/ASiCManifest.xml` listing every
 * file's digest and `META-INF/signature.p7s`, a CAdES detached signature of the
 * manifest by the organ seal. Files are added one at a time, in order.
 */
export class AsicWriter {
  private readonly zip: ZipWriter;
  private readonly files: DataObject[] = [];
  private started: Promise<unknown>;
  private busy = false;

  /** Starts the container on `out` (a file or HTTP response stream); `date` stamps the ZIP entries. */
  constructor(out: Writable, options: { date?: Date; forceZip64?: boolean } = {}) {
    this.zip = new ZipWriter(out, options);
    // §4.4.1 / Annex A.1: "mimetype" first, stored, no extra field, so the type shows at a fixed offset.
    this.started = this.zip.addBuffer('mimetype', Buffer.from(ASIC_E_MIMETYPE, 'ascii'));
    this.started.catch(() => undefined);
  }

  /**
   * Adds a file from a stream (a Readable, a decrypting blob-store stream, any
   * async iterable of bytes) or a Buffer. `sizeHint`, when known and below
   * 4 GiB, saves the ZIP64 extra field. Resolves with the file's digest.
   */
  async addFile(name: string, source: AsyncIterable<Uint8Array> | Buffer, options: { mimeType?: string; sizeHint?: number } = {}): Promise<DataObject> {
    if (name === 'mimetype' || name.startsWith('META-INF/')) throw new Error(`${name} is reserved by ASiC`);
    if (this.busy) throw new Error('add files one at a time');
    this.busy = true;
    try {
      await this.started;
      const input = Buffer.isBuffer(source) ? [source] : source;
      const sizeHint = Buffer.isBuffer(source) ? source.length : options.sizeHint;
      const { sha256, size } = sizeHint !== undefined && sizeHint < OFF_THREAD_HASH_BYTES ? await this.addHashedHere(name, input, sizeHint) : await this.addHashedOffThread(name, input, sizeHint);
      const object: DataObject = { name, sha256, size, ...(options.mimeType ? { mimeType: options.mimeType } : {}) };
      this.files.push(object);
      return object;
    } finally {
      this.busy = false;
    }
  }

  /** Zips an entry and hashes it on this thread: for small files, where a trip to the crypto thread costs more than it saves. */
  private async addHashedHere(name: string, input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, sizeHint: number): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    const entry = await this.zip.addStream(name, input, { sizeHint, onChunk: (chunk) => void hash.update(chunk) });
    return { sha256: hash.digest('hex'), size: entry.size };
  }

  /**
   * Zips an entry while the crypto thread hashes it (`OffThreadHash`): this
   * thread then only reads, CRCs and writes (and, from the blob store,
   * decrypts), and SHA-256, the costliest step, runs on the other core.
   */
  private async addHashedOffThread(name: string, input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, sizeHint: number | undefined): Promise<{ sha256: string; size: number }> {
    const hash = new OffThreadHash();
    let entry: EntryInfo;
    try {
      const pace = garbagePacer(GARBAGE_PACE_BYTES);
      entry = await this.zip.addStream(name, input, {
        sizeHint,
        onChunk: (chunk) => {
          pace(chunk.length);
          return hash.update(chunk);
        },
      });
    } catch (error) {
      hash.abort();
      throw error;
    }
    return { sha256: await hash.digest(), size: entry.size };
  }

  /**
   * Writes the manifest and its signature (with a timestamp when
   * `cades.timestamp` is given) and closes the container.
   */
  async seal(cades: CadesOptions): Promise<SealedPackage> {
    if (this.busy) throw new Error('a file is still being added');
    await this.started;
    const manifest = buildAsicManifest(this.files);
    const signature = await signCadesDetached(createHash('sha256').update(manifest).digest(), cades);
    await this.zip.addBuffer(MANIFEST_PATH, manifest);
    await this.zip.addBuffer(SIGNATURE_PATH, signature);
    const bytes = await this.zip.finish();
    return { files: [...this.files], manifest, signature, bytes };
  }
}
