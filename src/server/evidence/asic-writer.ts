import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { buildAsicManifest, MANIFEST_PATH, SIGNATURE_PATH, type DataObject } from './asic-manifest.ts';
import { signCadesDetached, type CadesOptions } from './cades.ts';
import { ZipWriter } from './zip-writer.ts';

/** ETSI EN 319 162-1 §4.4.1: the media type of an ASiC-E container, the content of `mimetype`. */
export const ASIC_E_MIMETYPE = 'application/vnd.etsi.asic-e+zip';

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
 * pass, nothing held in memory), then `META-INF/ASiCManifest.xml` listing every
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
      const hash = createHash('sha256');
      const input = Buffer.isBuffer(source) ? [source] : source;
      const sizeHint = Buffer.isBuffer(source) ? source.length : options.sizeHint;
      const entry = await this.zip.addStream(name, input, { sizeHint, onChunk: (chunk) => hash.update(chunk) });
      const object: DataObject = { name, sha256: hash.digest('hex'), size: entry.size, ...(options.mimeType ? { mimeType: options.mimeType } : {}) };
      this.files.push(object);
      return object;
    } finally {
      this.busy = false;
    }
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
