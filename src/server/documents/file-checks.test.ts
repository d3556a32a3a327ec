import { gzipSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCEPTED_TYPES, DOCUMENT_LIMITS } from '../../shared/documents.ts';
import { checkContent, fileExtension, sanitiseFileName, type ContentSample } from './file-checks.ts';

const PROBE = 64 * 1024;

/** A complete 1×1 white PNG (signature, IHDR, IDAT, IEND; CRCs valid). */
function tinyPng(): Buffer {
  return Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489' + '0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082',
    'hex',
  );
}

/** The sample the upload service takes: the first and last 64 KiB. */
function sample(bytes: Buffer, declaredName: string, acceptedTypes: readonly string[] = DEFAULT_ACCEPTED_TYPES): ContentSample {
  return { declaredName, head: bytes.subarray(0, PROBE), tail: bytes.subarray(Math.max(0, bytes.length - PROBE)), size: bytes.length, acceptedTypes };
}

/**
 * A real PDF from pdf-lib: a classic cross-reference table, or a
 * cross-reference stream with object streams. `big` adds a 300 KiB stream
 * (as a scanned page's image would) so that the two 64 KiB ends are apart.
 */
async function pdf(opts: { big?: boolean; objectStreams?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText("Certificat d'empadronament", { x: 50, y: 700, size: 14, font });
  if (opts.big) doc.context.register(doc.context.stream(Buffer.alloc(300 * 1024, 'scanned image data ')));
  doc.addPage().drawText('Segona pàgina', { x: 50, y: 700, size: 14, font });
  const bytes = Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? false }));
  if (opts.big && bytes.length < 2 * PROBE + 100 * 1024) throw new Error('fixture too small');
  return bytes;
}

function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** The offset the file's last `startxref` gives, and its catalogue reference, for appending an update. */
function lastRevision(file: Buffer): { prev: number; root: string } {
  const text = file.toString('latin1');
  const prev = [...text.matchAll(/startxref\s+(\d+)/g)].at(-1)?.[1];
  const root = [...text.matchAll(/\/Root (\d+ \d+ R)/g)].at(-1)?.[1];
  if (!prev || !root) throw new Error('not a pdf-lib PDF');
  return { prev: Number(prev), root };
}

// A standard security handler dictionary (ISO 32000-1 §7.6.3.2), as a password-protected file has.
const ENCRYPT_DICTIONARY = `<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> >>`;
const ID = `[<${'01'.repeat(16)}><${'01'.repeat(16)}>]`;

/**
 * `file` with an incremental update (§7.5.6) that adds object 9000 and a new
 * trailer — what a tool that encrypts in place writes. `trailerExtra` goes
 * into the trailer dictionary.
 */
function withUpdate(file: Buffer, object: string, trailerExtra: string): Buffer {
  const { prev, root } = lastRevision(file);
  const body = latin1(`\n9000 0 obj\n${object}\nendobj\n`);
  const objectAt = file.length + 1;
  const xrefAt = file.length + body.length;
  const xref = latin1(
    `xref\n9000 1\n${String(objectAt).padStart(10, '0')} 00000 n \n` +
      `trailer\n<< /Size 9001 /Root ${root} /Prev ${prev} /ID ${ID} ${trailerExtra}>>\nstartxref\n${xrefAt}\n%%EOF\n`,
  );
  return Buffer.concat([file, body, xref]);
}

/** `file` with an update whose cross-reference is a stream (§7.5.8) carrying /Encrypt, as object-stream PDFs have. */
function withEncryptedXrefStream(file: Buffer): Buffer {
  const { prev, root } = lastRevision(file);
  const encrypt = latin1(`\n9000 0 obj\n${ENCRYPT_DICTIONARY}\nendobj\n`);
  const encryptAt = file.length + 1;
  const xrefAt = file.length + encrypt.length;
  // /W [1 4 1]: type 1 (in use), 4-byte offset, generation 0 — for objects 9000 and 9001.
  const rows = Buffer.alloc(12);
  rows.writeUInt8(1, 0);
  rows.writeUInt32BE(encryptAt, 1);
  rows.writeUInt8(1, 6);
  rows.writeUInt32BE(xrefAt, 7);
  const xref = Buffer.concat([
    latin1(`9001 0 obj\n<< /Type /XRef /Size 9002 /W [1 4 1] /Index [9000 2] /Root ${root} /Prev ${prev} /ID ${ID} /Encrypt 9000 0 R /Length 12 >>\nstream\n`),
    rows,
    latin1(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`),
  ]);
  return Buffer.concat([file, encrypt, xref]);
}

/**
 * The layout of a linearised file (Annex F) as `qpdf --linearize` writes it:
 * the linearisation dictionary, then the first-page cross-reference section
 * whose trailer holds /Root, /ID and — when encrypted — /Encrypt; the main
 * trailer at the end holds only /Size. Padded past both 64 KiB probes.
 */
function linearised(firstPageTrailerExtra: string): Buffer {
  const head = latin1(
    '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' +
      '10 0 obj\n<< /Linearized 1 /L 300000 /H [ 600 200 ] /O 12 /E 2000 /N 1 /T 299000 >>\nendobj\n' +
      'xref\n10 3\n0000000015 00000 n \n0000000200 00000 n \n0000000300 00000 n \n' +
      `trailer\n<< /Size 13 /Root 11 0 R /Info 9 0 R /Prev 299000 /ID ${ID} ${firstPageTrailerExtra}>>\nstartxref\n0\n%%EOF\n` +
      `11 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\n12 0 obj\n${ENCRYPT_DICTIONARY}\nendobj\n`,
  );
  const padding = latin1(`% ${'-'.repeat(78)}\n`.repeat(3000));
  const tailStart = head.length + padding.length;
  const tail = latin1(`xref\n0 10\n0000000000 65535 f \ntrailer\n<< /Size 10 >>\nstartxref\n${tailStart}\n%%EOF\n`);
  return Buffer.concat([head, padding, tail]);
}

describe('checkContent', () => {
  describe('PDF', () => {
    it.each([
      ['a small PDF (cross-reference table)', {}],
      ['a 300 KiB PDF whose ends are apart', { big: true }],
      ['a 300 KiB PDF with object and cross-reference streams', { big: true, objectStreams: true }],
    ])('accepts %s', async (_name, opts) => {
      const bytes = await pdf(opts);
      expect(await checkContent(sample(bytes, 'padró.pdf'))).toEqual({ ok: true, mediaType: 'application/pdf', extension: 'pdf', fileName: 'padró.pdf' });
    });

    it('refuses a truncated PDF as broken (upload cut short)', async () => {
      const bytes = await pdf({ big: true });
      expect(await checkContent(sample(bytes.subarray(0, bytes.length - 40), 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_broken' });
      expect(await checkContent(sample(bytes.subarray(0, Math.floor(bytes.length / 2)), 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_broken' });
    });

    it('refuses a PDF whose startxref points past its end, or whose header is not %PDF-', async () => {
      const bytes = await pdf();
      const text = bytes.toString('latin1');
      const pastEnd = latin1(text.replace(/startxref\s+\d+\s+%%EOF\s*$/, `startxref\n${bytes.length + 10}\n%%EOF\n`));
      expect(await checkContent(sample(pastEnd, 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_broken' });
      const badHeader = Buffer.concat([latin1('%PDF'), bytes.subarray(5)]);
      expect(await checkContent(sample(badHeader, 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_broken' });
    });

    it('refuses a PDF whose last trailer has /Encrypt (password-protected)', async () => {
      for (const base of [await pdf(), await pdf({ big: true })]) {
        const encrypted = withUpdate(base, ENCRYPT_DICTIONARY, '/Encrypt 9000 0 R ');
        expect(await checkContent(sample(encrypted, 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_encrypted' });
      }
    });

    it('refuses a PDF whose cross-reference stream has /Encrypt', async () => {
      const encrypted = withEncryptedXrefStream(await pdf({ big: true, objectStreams: true }));
      expect(await checkContent(sample(encrypted, 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_encrypted' });
    });

    it('refuses an encrypted linearised PDF, whose /Encrypt is in the first-page trailer at the start', async () => {
      expect(await checkContent(sample(linearised('/Encrypt 12 0 R '), 'a.pdf'))).toEqual({ ok: false, reason: 'pdf_encrypted' });
      expect(await checkContent(sample(linearised(''), 'a.pdf'))).toMatchObject({ ok: true });
    });

    it('does not take /Encrypt outside a trailer (here in a string of an ordinary object) as encryption', async () => {
      const bytes = withUpdate(await pdf(), '<< /Title (How /Encrypt works) /Subject (/Encrypt 9 0 R) >>', '');
      expect(await checkContent(sample(bytes, 'a.pdf'))).toMatchObject({ ok: true });
    });
  });

  describe('images and types', () => {
    const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(200, 0x20), Buffer.from('ffd9', 'hex')]);

    it('accepts JPEG and PNG by their magic bytes, with either of their extensions in any case', async () => {
      expect(await checkContent(sample(jpeg, 'DNI.JPEG'))).toEqual({ ok: true, mediaType: 'image/jpeg', extension: 'jpeg', fileName: 'DNI.JPEG' });
      expect(await checkContent(sample(jpeg, 'dni.jpg'))).toEqual({ ok: true, mediaType: 'image/jpeg', extension: 'jpg', fileName: 'dni.jpg' });
      expect(await checkContent(sample(tinyPng(), 'foto.png'))).toEqual({ ok: true, mediaType: 'image/png', extension: 'png', fileName: 'foto.png' });
    });

    it('gives a name without an extension the type’s usual one', async () => {
      expect(await checkContent(sample(jpeg, 'IMG_2041'))).toEqual({ ok: true, mediaType: 'image/jpeg', extension: 'jpg', fileName: 'IMG_2041.jpg' });
      // "2" and "Joan" are not extensions: the name keeps them and gets one.
      expect(await checkContent(sample(await pdf(), 'Acta 3.2'))).toMatchObject({ ok: true, extension: 'pdf', fileName: 'Acta 3.2.pdf' });
      expect(await checkContent(sample(tinyPng(), 'DNI.Joan'))).toMatchObject({ ok: true, fileName: 'DNI.Joan.png' });
    });

    it('refuses a name whose extension is another type’s (a PNG named .pdf, a PDF hiding as .exe behind a bidi override)', async () => {
      expect(await checkContent(sample(tinyPng(), 'certificat.pdf'))).toEqual({ ok: false, reason: 'extension_mismatch' });
      expect(await checkContent(sample(jpeg, 'foto.png'))).toEqual({ ok: false, reason: 'extension_mismatch' });
      expect(await checkContent(sample(await pdf(), 'factura\u202Efdp.exe'))).toEqual({ ok: false, reason: 'extension_mismatch' });
    });

    it('refuses a type the slot does not accept', async () => {
      expect(await checkContent(sample(tinyPng(), 'foto.png', ['application/pdf']))).toEqual({ ok: false, reason: 'type_not_allowed' });
      expect(await checkContent(sample(gzipSync('hola'), 'x.gz'))).toEqual({ ok: false, reason: 'type_not_allowed' });
    });

    it('refuses bytes of no recognisable type (plain text, HTML)', async () => {
      expect(await checkContent(sample(Buffer.from('Hola, adjunto el documento.\n'), 'nota.pdf'))).toEqual({ ok: false, reason: 'type_unknown' });
      expect(await checkContent(sample(Buffer.from('<!doctype html><script>alert(1)</script>'), 'x.html'))).toEqual({ ok: false, reason: 'type_unknown' });
    });

    it('refuses an empty file', async () => {
      expect(await checkContent(sample(Buffer.alloc(0), 'buit.pdf'))).toEqual({ ok: false, reason: 'empty' });
    });
  });
});

describe('sanitiseFileName', () => {
  it.each([
    ['C:\\Users\\ana\\Documents\\DNI.pdf', 'DNI.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['a/b\\c.png', 'c.png'],
    ['a\u0000b\u0007c\u007f\u0085d.pdf', 'abcd.pdf'],
    ['factura\u202Efdp.exe', 'facturafdp.exe'],
    ['\u2066nom\u2069\u200f.pdf', 'nom.pdf'],
    ['..amagat.pdf', 'amagat.pdf'],
    ['.htaccess', 'htaccess'],
    ['escaneig.pdf. . ', 'escaneig.pdf'],
    ['  el   meu\t\n escaneig.pdf  ', 'el meu escaneig.pdf'],
    ['a:b?c*"d"<e>|.pdf', 'a_b_c__d__e__.pdf'],
    ['CON', '_CON'],
    ['nul.pdf', '_nul.pdf'],
    ['Com1.tar.gz', '_Com1.tar.gz'],
    ['lpt9 .pdf', '_lpt9 .pdf'],
    ['CONSTITUCIÓ.pdf', 'CONSTITUCIÓ.pdf'],
    ['', 'document'],
    ['...', 'document'],
    ['/', 'document'],
    ['\u202E \u0000', 'document'],
  ])('%j → %j', (input, expected) => {
    expect(sanitiseFileName(input)).toBe(expected);
  });

  it('normalises to NFC, so the same name typed on different systems is the same string', () => {
    expect(sanitiseFileName('Jose\u0301 Pe\u0301rez.pdf')).toBe('José Pérez.pdf'.normalize('NFC'));
  });

  it(`caps the name at ${DOCUMENT_LIMITS.fileNameMax} characters, keeping the extension`, () => {
    const capped = sanitiseFileName(`${'a'.repeat(300)}.pdf`);
    expect([...capped]).toHaveLength(DOCUMENT_LIMITS.fileNameMax);
    expect(capped).toBe(`${'a'.repeat(DOCUMENT_LIMITS.fileNameMax - 4)}.pdf`);
    expect([...sanitiseFileName('b'.repeat(500))]).toHaveLength(DOCUMENT_LIMITS.fileNameMax);
  });

  it('never splits a surrogate pair or an emoji sequence when capping', () => {
    const emoji = sanitiseFileName(`${'😀'.repeat(200)}.jpg`);
    expect([...emoji]).toHaveLength(DOCUMENT_LIMITS.fileNameMax);
    expect(emoji).not.toMatch(/\p{Cs}/u);
    const family = '👨‍👩‍👧'; // five code points, one character on screen
    const families = sanitiseFileName(`${family.repeat(100)}.png`);
    expect(families).toMatch(new RegExp(`^(?:${family})+\\.png$`, 'u'));
    expect([...families].length).toBeLessThanOrEqual(DOCUMENT_LIMITS.fileNameMax);
  });
});

describe('fileExtension', () => {
  it('takes a known extension, lower-cased, and ignores other suffixes', () => {
    expect(fileExtension('DNI.JPEG')).toBe('jpeg');
    expect(fileExtension('archive.tar.GZ')).toBe('gz');
    expect(fileExtension('virus.exe')).toBe('exe');
    expect(fileExtension('Acta 3.2')).toBeNull();
    expect(fileExtension('README')).toBeNull();
    expect(fileExtension('pdf')).toBeNull();
  });
});
