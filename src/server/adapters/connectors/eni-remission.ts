import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import yauzl from 'yauzl';
import { buildEniDocument, buildEniFile, eniDocumentId, type EniDocument, type EniSignature, type IndexedDocument, type TipoDocumental } from '../../evidence/eni.ts';
import { xmlUnescape } from '../../evidence/xml.ts';
import { ZipWriter } from '../../evidence/zip-writer.ts';
import type { DeliveryItem } from './connector.ts';

/** The remission's index (ENI expediente, state E03) and its detached signature by the organ seal. */
export const REMISSION_INDEX = 'expediente.xml';
export const REMISSION_INDEX_SIGNATURE = 'expediente.xml.p7s';
/** The delivery's metadata (the same JSON the other connectors hand over), last in the remission. */
export const REMISSION_METADATA = 'finestreta-delivery.json';

/** Where the sealed package keeps its ENI index, and its ENI documents. */
const SEALED_INDEX = 'eni/expediente.xml';
const SEALED_ENI_DIR = 'eni/';
/** ENI metadata files are a few KB; anything bigger is not ours. */
const MAX_XML_BYTES = 1024 * 1024;

/** Signs the SHA-256 of the remission's index with the organisation's seal: a CAdES detached signature (DER). */
export type IndexSigner = (organisationId: string, sha256: Buffer, at: Date) => Promise<Buffer>;

/** The sealed package cannot become a remission (damaged, or its content does not match its own ENI index): a short reason, never content. */
export class RemissionError extends Error {
  override readonly name = 'RemissionError';
}

/** One document of the remission: its ENI `documento` XML, and where its content comes from. */
interface RemittedDocument {
  identifier: string;
  xmlName: string;
  xml: Buffer;
  contentName: string;
  /** What the index says the content's SHA-256 is (hex). */
  sha256: string;
  size: number;
  /** The content: an entry of the sealed container, or the container itself. */
  source: { kind: 'entry'; entry: yauzl.Entry } | { kind: 'package' };
}

/**
 * An ENI remission of one sealed evidence package, ready to be streamed:
 *
 * - `expediente.xml`: the ENI `expediente` (NTI de expediente electrónico)
 *   in state E03 "index closed for remission", listing every document with
 *   the SHA-256 of its content, sent first as the NTI asks;
 * - `expediente.xml.p7s`: CAdES detached signature of that file by the organ
 *   seal (ENI: an index is signed; the sealed package's own signature covers
 *   the index it was sealed with, not this one);
 * - per document, in index order, `documentos/<id>.xml` (ENI `documento`:
 *   metadata, and its content as `referenciaFichero`, which the content XSD
 *   allows beside `ValorBinario`: a recording of gigabytes is carried as
 *   itself, not base64 inside XML) and `contenido/<id>.<ext>`, byte for byte
 *   what the sealed package holds;
 * - the sealed ASiC-E container itself as the last indexed document
 *   (`contenido/<id>.asice`, TD99): it is the evidence — the organ seal and
 *   time-stamp over every file — and is indexed rather than put beside the
 *   index because a system ingesting ENI keeps what the index lists and may
 *   drop the rest; every other document's signature refers to it;
 * - `finestreta-delivery.json`: the delivery's metadata (delivery id,
 *   appointment reference, package SHA-256).
 *
 * Everything comes out of the sealed package, read in place from the
 * encrypted store by byte ranges: the metadata of each document from the
 * package's own `eni/*.xml`, so the remission tells what the sealed evidence
 * tells. Only those small XML files are held in memory.
 */
export class EniRemission {
  private constructor(
    private readonly item: DeliveryItem,
    private readonly zip: yauzl.ZipFile,
    private readonly at: Date,
    /** The expediente's identifier (sent in a header, so receivers can route before unpacking). */
    readonly fileIdentifier: string,
    private readonly index: Buffer,
    private readonly indexSignature: Buffer,
    private readonly documents: RemittedDocument[],
  ) {}

  /** Reads the sealed package's ENI index and documents and builds the remission's XML (nothing streamed yet). */
  static async prepare(item: DeliveryItem, at: Date, sign: IndexSigner): Promise<EniRemission> {
    const zip = await openPackage(item);
    try {
      const entries = await listEntries(zip);
      const indexEntry = entries.get(SEALED_INDEX);
      if (!indexEntry) throw new RemissionError('the package has no ENI index');
      const sealed = parseSealedIndex((await readSmall(zip, indexEntry)).toString('utf8'));
      const sealedDocs = new Map<string, SealedDocument>();
      for (const [name, entry] of entries) {
        if (!name.startsWith(SEALED_ENI_DIR) || name === SEALED_INDEX || !name.endsWith('.xml')) continue;
        const doc = parseSealedDocument((await readSmall(zip, entry)).toString('utf8'));
        sealedDocs.set(doc.identifier, doc);
      }
      const pkg = item.metadata.package;
      const organ = sealed.organs[0] ?? item.metadata.organisation.dir3;
      const packageId = eniDocumentId(organ, sealed.year, `EVID${pkg.id.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 30));
      const packageContent = `contenido/${packageId}.asice`;
      // Each document is signed by the container's CAdES signature over the manifest that lists its digest.
      const signedBy: EniSignature[] = [{ type: 'TF04', reference: packageContent }];
      const documents: RemittedDocument[] = sealed.documents.map((indexed) => {
        const doc = sealedDocs.get(indexed.identifier);
        if (!doc) throw new RemissionError('the package indexes an ENI document it does not hold');
        const entry = entries.get(doc.file);
        if (!entry) throw new RemissionError('an ENI document refers to a file the package does not hold');
        const contentName = `contenido/${doc.identifier}${extensionOf(doc.file)}`;
        return {
          identifier: doc.identifier,
          xmlName: `documentos/${doc.identifier}.xml`,
          xml: buildEniDocument({ ...doc, file: contentName, signatures: signedBy }),
          contentName,
          sha256: indexed.sha256,
          size: entry.uncompressedSize,
          source: { kind: 'entry', entry },
        };
      });
      documents.push({
        identifier: packageId,
        xmlName: `documentos/${packageId}.xml`,
        xml: buildEniDocument({
          identifier: packageId,
          organs: sealed.organs,
          capturedAt: new Date(pkg.sealedAt),
          fromAdministration: true,
          elaborationState: 'EE01',
          documentType: 'TD99',
          file: packageContent,
          format: 'asice',
          signatures: signedBy,
        }),
        contentName: packageContent,
        sha256: pkg.sha256,
        size: pkg.size,
        source: { kind: 'package' },
      });
      const indexed: IndexedDocument[] = [
        ...sealed.documents,
        { identifier: packageId, sha256: pkg.sha256, addedAt: new Date(pkg.sealedAt) },
      ];
      const index = buildEniFile({
        identifier: sealed.identifier,
        organs: sealed.organs,
        openedAt: sealed.openedAt,
        classification: sealed.classification,
        // NTI de expediente electrónico: E03, the index closed for remission to another administration.
        state: 'E03',
        interested: sealed.interested,
        indexedAt: at,
        documents: indexed,
        indexSignatures: [{ type: 'TF04', reference: REMISSION_INDEX_SIGNATURE }],
      });
      const signature = await sign(item.organisationId, createHash('sha256').update(index).digest(), at);
      return new EniRemission(item, zip, at, sealed.identifier, index, signature, documents);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /**
   * Writes the remission as a ZIP (stored entries, see zip-writer.ts) into
   * `out` and ends it; resolves with its size. The same bytes every time for
   * one remission, so a first pass can sign and measure what a second sends.
   * With `verify`, each content's SHA-256 is checked against the index on
   * the way (a `RemissionError` when one differs).
   */
  async write(out: Writable, verify = false): Promise<number> {
    const zip = new ZipWriter(out, { date: this.at });
    await zip.addBuffer(REMISSION_INDEX, this.index);
    await zip.addBuffer(REMISSION_INDEX_SIGNATURE, this.indexSignature);
    for (const doc of this.documents) {
      await zip.addBuffer(doc.xmlName, doc.xml);
      const hash = verify ? createHash('sha256') : null;
      const source = doc.source.kind === 'package' ? this.item.openPackage() : await entryStream(this.zip, doc.source.entry);
      await zip.addStream(doc.contentName, source, { sizeHint: doc.size, ...(hash ? { onChunk: (chunk: Uint8Array) => void hash.update(chunk) } : {}) });
      if (hash && hash.digest('hex') !== doc.sha256) throw new RemissionError('the package does not match its ENI index');
    }
    await zip.addBuffer(REMISSION_METADATA, Buffer.from(`${JSON.stringify(this.item.metadata, null, 2)}\n`, 'utf8'));
    return zip.finish();
  }

  /** Lets go of the sealed package. */
  close(): void {
    this.zip.close();
  }
}

/** yauzl over the encrypted store: each read asks the store for a byte range, decrypting only the records it covers. */
class PackageReader extends yauzl.RandomAccessReader {
  constructor(private readonly open: DeliveryItem['openPackage']) {
    super();
  }

  // yauzl's `end` is exclusive; the store's range is inclusive.
  override _readStreamForRange(start: number, end: number): Readable {
    return this.open({ start, end: end - 1 });
  }
}

function openPackage(item: DeliveryItem): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(
      new PackageReader((range) => item.openPackage(range)),
      item.metadata.package.size,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true },
      // The error's class only (a damaged ZIP, or the store's BlobIntegrityError), never its text.
      (error, zip) => (error ? reject(new RemissionError(`the package cannot be read as a ZIP container (${error.name})`)) : resolve(zip)),
    );
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', () => reject(new RemissionError('the package has a damaged central directory')));
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(new RemissionError(`a file of the package cannot be read (${error.name})`)) : resolve(stream)));
  });
}

async function readSmall(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  if (entry.uncompressedSize > MAX_XML_BYTES) throw new RemissionError('an ENI file of the package is too large');
  const chunks: Buffer[] = [];
  for await (const chunk of await entryStream(zip, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `.webm` of `recording.webm`; nothing when the name has no extension. */
function extensionOf(file: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(file);
  return m ? `.${m[1] ?? ''}` : '';
}

/** What the sealed package's ENI index says (see `buildEniFile`). */
interface SealedIndex {
  identifier: string;
  year: number;
  organs: string[];
  openedAt: Date;
  classification: string;
  interested: string[];
  documents: IndexedDocument[];
}

/** A sealed ENI document's metadata and the package file it describes (see `buildEniDocument`). */
type SealedDocument = Omit<EniDocument, 'signatures'>;

/**
 * The text of every element called `name` (any namespace prefix), in order.
 * Not a general XML parser: it reads the ENI files Finestreta itself wrote
 * into a package it sealed, whose shape the schema tests vouch for.
 */
function texts(xml: string, name: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${name}>`, 'g');
  return [...xml.matchAll(re)].map((m) => xmlUnescape((m[1] ?? '').trim()));
}

function one(xml: string, name: string): string {
  const [value] = texts(xml, name);
  if (value === undefined || value === '') throw new RemissionError(`an ENI file of the package has no ${name}`);
  return value;
}

function date(value: string, name: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new RemissionError(`an ENI file of the package has a bad ${name}`);
  return d;
}

function parseSealedIndex(xml: string): SealedIndex {
  const identifier = one(xml, 'Identificador');
  const year = /^ES_[A-Z0-9]{9}_(\d{4})_EXP_/.exec(identifier)?.[1];
  if (!year) throw new RemissionError('the package\'s ENI index has a bad identifier');
  const documents = [...xml.matchAll(/<(?:[\w.-]+:)?DocumentoIndizado\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?DocumentoIndizado>/g)].map((m) => {
    const part = m[1] ?? '';
    if (one(part, 'FuncionResumen') !== 'SHA-256') throw new RemissionError('the package\'s ENI index uses another hash function');
    return {
      identifier: one(part, 'IdentificadorDocumento'),
      sha256: Buffer.from(one(part, 'ValorHuella'), 'base64').toString('hex'),
      addedAt: date(one(part, 'FechaIncorporacionExpediente'), 'FechaIncorporacionExpediente'),
    };
  });
  if (documents.length === 0) throw new RemissionError('the package\'s ENI index lists no document');
  return {
    identifier,
    year: Number(year),
    organs: texts(xml, 'Organo'),
    openedAt: date(one(xml, 'FechaAperturaExpediente'), 'FechaAperturaExpediente'),
    classification: one(xml, 'Clasificacion'),
    interested: texts(xml, 'Interesado'),
    documents,
  };
}

function parseSealedDocument(xml: string): SealedDocument {
  const state = one(xml, 'ValorEstadoElaboracion');
  if (!/^EE0[1-4]$|^EE99$/.test(state)) throw new RemissionError('an ENI document of the package has a bad EstadoElaboracion');
  const type = one(xml, 'TipoDocumental');
  if (!/^TD(0[1-9]|1[0-9]|20|99)$/.test(type)) throw new RemissionError('an ENI document of the package has a bad TipoDocumental');
  const [originalId] = texts(xml, 'IdentificadorDocumentoOrigen');
  return {
    identifier: one(xml, 'Identificador'),
    organs: texts(xml, 'Organo'),
    capturedAt: date(one(xml, 'FechaCaptura'), 'FechaCaptura'),
    fromAdministration: one(xml, 'OrigenCiudadanoAdministracion') === 'true',
    elaborationState: state as SealedDocument['elaborationState'],
    ...(originalId ? { originalId } : {}),
    documentType: type as TipoDocumental,
    file: one(xml, 'referenciaFichero'),
    format: one(xml, 'NombreFormato'),
  };
}
