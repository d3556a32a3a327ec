import { xmlEscape } from './xml.ts';

/**
 * ENI v1.0 metadata (Esquema Nacional de Interoperabilidad, NTI de documento
 * electrónico and NTI de expediente electrónico), valid against the official
 * schemas in shared/standards/eni.
 */
const ENI = 'http://administracionelectronica.gob.es/ENI/XSD/v1.0';
const NS = {
  doc: `${ENI}/documento-e`,
  docMeta: `${ENI}/documento-e/metadatos`,
  file: `${ENI}/documento-e/contenido`,
  sig: `${ENI}/firma`,
  exp: `${ENI}/expediente-e`,
  expIndex: `${ENI}/expediente-e/indice-e`,
  expIndexContent: `${ENI}/expediente-e/indice-e/contenido`,
  expMeta: `${ENI}/expediente-e/metadatos`,
} as const;

/** DIR3 code of an organ: 9 characters (e.g. L01080193 for a town hall). */
const DIR3 = /^[A-Z0-9]{9}$/;
/** The specific part of an ENI identifier: up to 30 alphanumerics. */
const LOCAL_ID = /^[A-Za-z0-9]{1,30}$/;

/** NTI document types used here (TD09 acknowledgement of receipt, TD10 minutes, TD14 application, TD99 other…). */
export type TipoDocumental = `TD${'01' | '02' | '03' | '04' | '05' | '06' | '07' | '08' | '09' | '10' | '11' | '12' | '13' | '14' | '15' | '16' | '17' | '18' | '19' | '20' | '99'}`;
/** ENI signature types: TF01 CSV, TF02 XAdES detached, TF03 XAdES enveloped, TF04 CAdES detached, TF05 CAdES attached, TF06 PAdES. */
export type TipoFirma = 'TF01' | 'TF02' | 'TF03' | 'TF04' | 'TF05' | 'TF06';

/** `ES_<DIR3>_<YYYY>_<id>`: a document identifier (NTI de documento electrónico, anexo I). */
export function eniDocumentId(dir3: string, year: number, id: string): string {
  return `ES_${checkDir3(dir3)}_${checkYear(year)}_${checkLocalId(id)}`;
}

/** `ES_<DIR3>_<YYYY>_EXP_<id>`: a file (expediente) identifier. */
export function eniFileId(dir3: string, year: number, id: string): string {
  return `ES_${checkDir3(dir3)}_${checkYear(year)}_EXP_${checkLocalId(id)}`;
}

/** How the document is signed, as ENI `firmas` says it. */
export type EniSignature = { type: 'TF01'; csv: string; csvRegulation: string } | { type: Exclude<TipoFirma, 'TF01'>; reference: string };

/** The metadata and content reference of an ENI document. */
export interface EniDocument {
  identifier: string;
  /** DIR3 codes of the organs (at least one). */
  organs: string[];
  capturedAt: Date;
  /** false: brought by the citizen; true: produced by the administration. */
  fromAdministration: boolean;
  /** EE01 original; EE02–EE04 copies need `originalId`; EE99 other. */
  elaborationState: 'EE01' | 'EE02' | 'EE03' | 'EE04' | 'EE99';
  originalId?: string;
  documentType: TipoDocumental;
  /** The file inside the package the metadata describe, and its format (e.g. `webm`, `pdf`). */
  file: string;
  format: string;
  signatures: EniSignature[];
}

/** An ENI `documento` (root `enidoc:documento`) whose content is a reference to a file of the package. */
export function buildEniDocument(doc: EniDocument): Buffer {
  if (doc.organs.length === 0) throw new Error('an ENI document names at least one organ');
  doc.organs.forEach(checkDir3);
  if (doc.elaborationState !== 'EE01' && doc.elaborationState !== 'EE99' && !doc.originalId) throw new Error(`${doc.elaborationState} needs the original document's identifier`);
  const state = `<enidocmeta:ValorEstadoElaboracion>${doc.elaborationState}</enidocmeta:ValorEstadoElaboracion>${doc.originalId ? `<enidocmeta:IdentificadorDocumentoOrigen>${xmlEscape(doc.originalId)}</enidocmeta:IdentificadorDocumentoOrigen>` : ''}`;
  return xml(
    `<enidoc:documento xmlns:enidoc="${NS.doc}" xmlns:enidocmeta="${NS.docMeta}" xmlns:enifile="${NS.file}" xmlns:enids="${NS.sig}">
  <enifile:contenido>
    <enifile:referenciaFichero>${xmlEscape(doc.file)}</enifile:referenciaFichero>
    <enifile:NombreFormato>${xmlEscape(doc.format)}</enifile:NombreFormato>
  </enifile:contenido>
  <enidocmeta:metadatos>
    <enidocmeta:VersionNTI>${NS.doc}</enidocmeta:VersionNTI>
    <enidocmeta:Identificador>${xmlEscape(doc.identifier)}</enidocmeta:Identificador>
${doc.organs.map((o) => `    <enidocmeta:Organo>${o}</enidocmeta:Organo>\n`).join('')}    <enidocmeta:FechaCaptura>${isoSeconds(doc.capturedAt)}</enidocmeta:FechaCaptura>
    <enidocmeta:OrigenCiudadanoAdministracion>${doc.fromAdministration}</enidocmeta:OrigenCiudadanoAdministracion>
    <enidocmeta:EstadoElaboracion>${state}</enidocmeta:EstadoElaboracion>
    <enidocmeta:TipoDocumental>${doc.documentType}</enidocmeta:TipoDocumental>
  </enidocmeta:metadatos>
${signatures(doc.signatures)}</enidoc:documento>`,
  );
}

/** A document listed in an expediente index. */
export interface IndexedDocument {
  identifier: string;
  /** SHA-256 of the document's file, hex (written base64, with FuncionResumen SHA-256). */
  sha256: string;
  addedAt: Date;
}

/** The metadata and index of an ENI `expediente`. */
export interface EniFile {
  identifier: string;
  organs: string[];
  openedAt: Date;
  /** SIA code of the procedure (Clasificacion). */
  classification: string;
  /** E01 open, E02 closed, E03 index closed for remission. */
  state: 'E01' | 'E02' | 'E03';
  /** Interested parties' identifiers (NIF/NIE). */
  interested: string[];
  indexedAt: Date;
  documents: IndexedDocument[];
  /** How the index is signed (here: by the package's CAdES signature over the manifest). */
  indexSignatures: EniSignature[];
}

/** An ENI `expediente` (root `eniexp:expediente`): the index of documents with their hashes, and the file's metadata. */
export function buildEniFile(file: EniFile): Buffer {
  if (file.documents.length === 0) throw new Error('an expediente index lists at least one document');
  if (file.organs.length === 0) throw new Error('an expediente names at least one organ');
  file.organs.forEach(checkDir3);
  const docs = file.documents
    .map(
      (d, i) => `      <eniconexpind:DocumentoIndizado>
        <eniconexpind:IdentificadorDocumento>${xmlEscape(d.identifier)}</eniconexpind:IdentificadorDocumento>
        <eniconexpind:ValorHuella>${Buffer.from(d.sha256, 'hex').toString('base64')}</eniconexpind:ValorHuella>
        <eniconexpind:FuncionResumen>SHA-256</eniconexpind:FuncionResumen>
        <eniconexpind:FechaIncorporacionExpediente>${isoSeconds(d.addedAt)}</eniconexpind:FechaIncorporacionExpediente>
        <eniconexpind:OrdenDocumentoExpediente>${i + 1}</eniconexpind:OrdenDocumentoExpediente>
      </eniconexpind:DocumentoIndizado>\n`,
    )
    .join('');
  return xml(
    `<eniexp:expediente xmlns:eniexp="${NS.exp}" xmlns:eniexpind="${NS.expIndex}" xmlns:eniconexpind="${NS.expIndexContent}" xmlns:eniexpmeta="${NS.expMeta}" xmlns:enids="${NS.sig}">
  <eniexpind:indice>
    <eniexpind:IndiceContenido>
      <eniconexpind:FechaIndiceElectronico>${isoSeconds(file.indexedAt)}</eniconexpind:FechaIndiceElectronico>
${docs}    </eniexpind:IndiceContenido>
${signatures(file.indexSignatures, '    ')}  </eniexpind:indice>
  <eniexpmeta:metadatosExp>
    <eniexpmeta:VersionNTI>${NS.exp}</eniexpmeta:VersionNTI>
    <eniexpmeta:Identificador>${xmlEscape(file.identifier)}</eniexpmeta:Identificador>
${file.organs.map((o) => `    <eniexpmeta:Organo>${o}</eniexpmeta:Organo>\n`).join('')}    <eniexpmeta:FechaAperturaExpediente>${isoSeconds(file.openedAt)}</eniexpmeta:FechaAperturaExpediente>
    <eniexpmeta:Clasificacion>${xmlEscape(file.classification)}</eniexpmeta:Clasificacion>
    <eniexpmeta:Estado>${file.state}</eniexpmeta:Estado>
${file.interested.map((p) => `    <eniexpmeta:Interesado>${xmlEscape(p)}</eniexpmeta:Interesado>\n`).join('')}  </eniexpmeta:metadatosExp>
</eniexp:expediente>`,
  );
}

function signatures(list: EniSignature[], indent = '  '): string {
  if (list.length === 0) return '';
  const items = list.map((s) => {
    const content =
      s.type === 'TF01'
        ? `<enids:CSV><enids:ValorCSV>${xmlEscape(s.csv)}</enids:ValorCSV><enids:RegulacionGeneracionCSV>${xmlEscape(s.csvRegulation)}</enids:RegulacionGeneracionCSV></enids:CSV>`
        : `<enids:FirmaConCertificado><enids:ReferenciaFirma>${xmlEscape(s.reference)}</enids:ReferenciaFirma></enids:FirmaConCertificado>`;
    return `${indent}  <enids:firma><enids:TipoFirma>${s.type}</enids:TipoFirma><enids:ContenidoFirma>${content}</enids:ContenidoFirma></enids:firma>\n`;
  });
  return `${indent}<enids:firmas>\n${items.join('')}${indent}</enids:firmas>\n`;
}

function xml(body: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, 'utf8');
}

/** xsd:dateTime in UTC without fractions (server time). */
function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkDir3(code: string): string {
  if (!DIR3.test(code)) throw new Error(`"${code}" is not a 9-character DIR3 code`);
  return code;
}

function checkYear(year: number): number {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`bad year ${year}`);
  return year;
}

function checkLocalId(id: string): string {
  if (!LOCAL_ID.test(id)) throw new Error(`"${id}" is not 1–30 letters and digits`);
  return id;
}
