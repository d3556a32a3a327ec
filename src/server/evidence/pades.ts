import { createHash } from 'node:crypto';
import { PDFArray, PDFHexString, PDFName, PDFNumber, PDFString, type PDFDocument } from 'pdf-lib';
import { signCadesDetached, type CadesOptions } from './cades.ts';
import { PADES_SUBFILTER } from './pdf-signature.ts';

/** Bytes reserved for the CMS in `/Contents`: a 3072-bit RSA seal with its chain and an RFC 3161 token fit with room to spare. */
const SIGNATURE_SPACE = 24 * 1024;

/** Ten asterisks stand for each number of the byte range until the file's layout is known. */
const RANGE_MARK = '**********';

/** Who signs, for the signature dictionary (ISO 32000-1 §12.8.1, Table 252). */
export interface PadesInfo {
  /** /Name: the signer (the organ), as a PDF reader shows it. */
  name: string;
  /** /Reason, e.g. "Justificant de registre REGE-2026-000001". */
  reason: string;
  /** /Location, e.g. the organ's DIR3 code. */
  location: string;
}

/**
 * Signs a PDF with the organ seal: an invisible signature field whose
 * signature dictionary carries a detached CMS (SubFilter
 * `ETSI.CAdES.detached`: a PAdES baseline signature, ETSI EN 319 142-1)
 * over the whole file except the `/Contents` hole, as `/ByteRange` says. The
 * CMS is our CAdES signer's (signing-certificate-v2, the configured policy,
 * and an RFC 3161 signature timestamp when a TSA is configured: B-T) without
 * the signing-time attribute, which PAdES forbids: the claimed signing time
 * is the dictionary's `/M`. Saved without object streams so the byte range
 * can be patched in place.
 */
export async function signPdf(doc: PDFDocument, cades: CadesOptions, info: PadesInfo): Promise<Buffer> {
  const { context } = doc;
  const byteRange = PDFArray.withContext(context);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(RANGE_MARK));
  const signature = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: PADES_SUBFILTER,
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_SPACE * 2)),
    Name: PDFString.of(info.name),
    Reason: PDFString.of(info.reason),
    Location: PDFString.of(info.location),
    M: PDFString.fromDate(cades.signingTime),
  });
  const signatureRef = context.register(signature);
  const [page] = doc.getPages();
  if (!page) throw new Error('a PDF to sign needs a page');
  // An invisible widget (zero rectangle, ISO 32000-1 §12.7.4.5), printable flag set.
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [0, 0, 0, 0],
    V: signatureRef,
    T: PDFString.of('Seal'),
    F: 4,
    P: page.ref,
  });
  const widgetRef = context.register(widget);
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray) ?? PDFArray.withContext(context);
  annots.push(widgetRef);
  page.node.set(PDFName.of('Annots'), annots);
  // SigFlags 3: SignaturesExist | AppendOnly (§12.7.2, Table 219).
  doc.catalog.set(PDFName.of('AcroForm'), context.obj({ SigFlags: 3, Fields: [widgetRef] }));

  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  const placeholder = Buffer.from(`<${'0'.repeat(SIGNATURE_SPACE * 2)}>`, 'latin1');
  const holeStart = pdf.indexOf(placeholder);
  if (holeStart < 0 || pdf.indexOf(placeholder, holeStart + 1) >= 0) throw new Error('cannot find the one signature placeholder');
  const holeEnd = holeStart + placeholder.length;
  const rangeText = /\/ByteRange\s*\[\s*0\s+\/\*{10}\s+\/\*{10}\s+\/\*{10}\s*\]/.exec(pdf.toString('latin1'));
  if (!rangeText) throw new Error('cannot find the byte range placeholder');
  const range = `/ByteRange [0 ${holeStart} ${holeEnd} ${pdf.length - holeEnd}]`;
  if (range.length > rangeText[0].length) throw new Error('the PDF is too large for the byte range placeholder');
  pdf.write(range.padEnd(rangeText[0].length, ' '), rangeText.index, 'latin1');

  const digest = createHash('sha256').update(pdf.subarray(0, holeStart)).update(pdf.subarray(holeEnd)).digest();
  const cms = await signCadesDetached(digest, { ...cades, signingTimeAttribute: false });
  if (cms.length > SIGNATURE_SPACE) throw new Error(`the signature (${cms.length} bytes) does not fit the space reserved for it`);
  pdf.write(cms.toString('hex').toUpperCase(), holeStart + 1, 'latin1');
  return pdf;
}
