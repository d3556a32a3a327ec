import { DateTime } from 'luxon';
import encodeQR from 'qr';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Language } from '../../shared/limits.ts';
import { RECEIPT_LABELS, TEST_SEAL_BANNER } from './receipt.labels.ts';
import type { RegistryAnnex } from './registry.tables.ts';

/** Everything a receipt shows. */
export interface ReceiptContent {
  language: Language;
  entryNumber: string;
  /** Server time of registration, UTC ISO. */
  registeredAt: string;
  /** The organisation's IANA zone: the time is printed in it. */
  timeZone: string;
  organ: { name: string; dir3: string };
  procedure: string;
  interested: { name: string; idType: string; idNumber: string };
  summary: string;
  formData: Record<string, unknown>;
  annexes: RegistryAnnex[];
  csv: string;
  verifyUrl: string;
  seal: { subject: string; isTest: boolean };
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const BODY = 10;
const LINE = 13.5;
const QR_SIZE = 96;
const RED = rgb(0.75, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);

/** The date and time people read, unambiguous: local time with the zone and its offset. */
export function receiptTime(iso: string, timeZone: string): string {
  const t = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone);
  return `${t.toFormat('dd/MM/yyyy HH:mm:ss')} (${timeZone}, UTC${t.toFormat('ZZ')})`;
}

/**
 * The receipt of a registry entry as an unsigned PDF (A4, in the citizen's
 * language), for `signPdf` to seal. The standard Helvetica font covers the
 * Latin-1 letters of Catalan and Spanish; any other character is replaced by
 * its base letter, or "?", so a name never breaks the receipt (the database
 * keeps the exact text). A development seal puts "TEST SEAL — not valid" in
 * red on top of every page.
 */
export async function renderReceipt(content: ReceiptContent): Promise<PDFDocument> {
  const labels = RECEIPT_LABELS[content.language];
  const doc = await PDFDocument.create();
  doc.setTitle(`${labels.title} ${content.entryNumber}`);
  doc.setAuthor(content.organ.name);
  doc.setSubject(content.csv);
  doc.setLanguage(content.language);
  doc.setCreationDate(new Date(content.registeredAt));
  doc.setModificationDate(new Date(content.registeredAt));
  doc.setProducer('Finestreta');
  doc.setCreator('Finestreta');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const mono = await doc.embedFont(StandardFonts.Courier);
  const layout = new Layout(doc, regular, content.seal.isTest);

  // Header: organ, title, QR code to the verification page at the right.
  const page = layout.page;
  const qrLeft = A4.width - MARGIN - QR_SIZE;
  drawQr(page, content.verifyUrl, qrLeft, layout.y - QR_SIZE, QR_SIZE);
  layout.text(labels.qrCaption, { font: regular, size: 7, x: qrLeft, y: layout.y - QR_SIZE - 9, color: GREY });
  layout.paragraph(content.organ.name, { font: bold, size: 13, width: qrLeft - MARGIN - 10 });
  layout.paragraph(`DIR3 ${content.organ.dir3}`, { font: regular, size: BODY, width: qrLeft - MARGIN - 10, color: GREY });
  layout.gap(10);
  layout.paragraph(labels.title, { font: bold, size: 16, width: qrLeft - MARGIN - 10 });
  layout.y = Math.min(layout.y, A4.height - MARGIN - QR_SIZE - 24);

  const field = (label: string, value: string, font: PDFFont = regular) => {
    layout.paragraph(label, { font: bold, size: 8.5, color: GREY });
    layout.paragraph(value, { font, size: BODY });
    layout.gap(5);
  };
  field(labels.entryNumber, content.entryNumber, bold);
  field(labels.registeredAt, receiptTime(content.registeredAt, content.timeZone));
  field(labels.organ, `${content.organ.name} (DIR3 ${content.organ.dir3})`);
  field(labels.procedure, content.procedure);
  field(labels.interested, `${content.interested.name} — ${content.interested.idType.toUpperCase()} ${content.interested.idNumber}`);
  field(labels.summary, content.summary);

  const entries = Object.entries(content.formData);
  if (entries.length > 0) {
    layout.paragraph(labels.formData, { font: bold, size: 8.5, color: GREY });
    for (const [key, value] of entries) layout.paragraph(`${key}: ${formatValue(value)}`, { font: regular, size: BODY, indent: 8 });
    layout.gap(5);
  }

  layout.paragraph(labels.documents, { font: bold, size: 8.5, color: GREY });
  if (content.annexes.length === 0) layout.paragraph(labels.noDocuments, { font: regular, size: BODY });
  for (const annex of content.annexes) {
    layout.paragraph(annex.name, { font: regular, size: BODY, indent: 8 });
    layout.paragraph(annex.sha256, { font: mono, size: 8, indent: 8 });
  }
  layout.gap(10);

  layout.paragraph(labels.csv, { font: bold, size: 8.5, color: GREY });
  layout.paragraph(content.csv, { font: bold, size: 13 });
  layout.paragraph(`${labels.verifyAt} ${content.verifyUrl}`, { font: regular, size: BODY });
  layout.gap(10);
  layout.paragraph(labels.sealedBy, { font: regular, size: 8.5, color: GREY });
  layout.paragraph(content.seal.subject, { font: regular, size: 8.5, color: GREY });
  layout.paragraph(labels.legal, { font: regular, size: 8.5, color: GREY });
  if (content.seal.isTest) {
    layout.gap(6);
    layout.paragraph(labels.testSeal, { font: bold, size: 11, color: RED });
  }

  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const footer = `${content.entryNumber} · CSV ${content.csv} · ${labels.page} ${i + 1}/${pages.length}`;
    p.drawText(safeText(regular, footer), { x: MARGIN, y: MARGIN / 2, size: 7.5, font: regular, color: GREY });
  });
  return doc;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The QR code of `value` as filled squares (medium error correction, quiet zone of four modules). */
function drawQr(page: PDFPage, value: string, x: number, y: number, size: number): void {
  const rows = encodeQR(value, 'raw', { ecc: 'medium', border: 4 });
  const module = size / rows.length;
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  rows.forEach((row, r) => {
    let c = 0;
    while (c < row.length) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < row.length && row[c]) c++;
      // Row 0 is the top: PDF y grows upwards.
      page.drawRectangle({ x: x + start * module, y: y + size - (r + 1) * module, width: (c - start) * module, height: module, color: rgb(0, 0, 0) });
    }
  });
}

/** Letters with a stroke have no decomposition (Unicode keeps them whole), but a base letter reads better than "?". */
const STROKED: Readonly<Record<string, string>> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i' };

const charsets = new WeakMap<PDFFont, Set<number>>();

/** `text` with every character the font cannot encode replaced by its base letter, or "?". */
export function safeText(font: PDFFont, text: string): string {
  let set = charsets.get(font);
  if (!set) charsets.set(font, (set = new Set(font.getCharacterSet())));
  const known = set;
  let out = '';
  for (const ch of text.replace(/[\r\n\t]+/g, ' ')) {
    const cp = ch.codePointAt(0) ?? 63;
    if (known.has(cp)) out += ch;
    else {
      const base = (STROKED[ch] ?? ch).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((b) => known.has(b.codePointAt(0) ?? 0)) && base !== '' ? base : '?';
    }
  }
  return out;
}

/** A top-to-bottom text cursor that wraps lines and starts a new page (with the test banner) when one is full. */
class Layout {
  page: PDFPage;
  y = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly isTest: boolean,
  ) {
    this.page = this.newPage();
  }

  private newPage(): PDFPage {
    const page = this.doc.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
    if (this.isTest) {
      page.drawRectangle({ x: MARGIN, y: A4.height - 38, width: A4.width - 2 * MARGIN, height: 24, color: rgb(1, 0.92, 0.92), borderColor: RED, borderWidth: 1.5 });
      const size = 14;
      const width = this.font.widthOfTextAtSize(TEST_SEAL_BANNER, size);
      page.drawText(TEST_SEAL_BANNER, { x: (A4.width - width) / 2, y: A4.height - 31, size, font: this.font, color: RED });
      this.y = A4.height - MARGIN - 10;
    }
    this.page = page;
    return page;
  }

  gap(points: number): void {
    this.y -= points;
  }

  text(value: string, opts: { font: PDFFont; size: number; x: number; y: number; color?: ReturnType<typeof rgb> }): void {
    this.page.drawText(safeText(opts.font, value), { x: opts.x, y: opts.y, size: opts.size, font: opts.font, color: opts.color ?? rgb(0, 0, 0) });
  }

  /** Wraps `value` to the width (breaking long words such as digests anywhere) and draws it line by line. */
  paragraph(value: string, opts: { font: PDFFont; size: number; width?: number; indent?: number; color?: ReturnType<typeof rgb> }): void {
    const indent = opts.indent ?? 0;
    const width = (opts.width ?? A4.width - 2 * MARGIN) - indent;
    const lineHeight = Math.max(LINE, opts.size * 1.3);
    for (const line of wrap(safeText(opts.font, value), opts.font, opts.size, width)) {
      if (this.y - lineHeight < MARGIN) this.newPage();
      this.y -= lineHeight;
      this.page.drawText(line, { x: MARGIN + indent, y: this.y + (lineHeight - opts.size) / 2, size: opts.size, font: opts.font, color: opts.color ?? rgb(0, 0, 0) });
    }
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (!fits(rest)) {
      let n = rest.length - 1;
      while (n > 1 && !fits(rest.slice(0, n))) n--;
      lines.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
