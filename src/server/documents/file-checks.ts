import { fileTypeFromBuffer, supportedExtensions } from 'file-type';
import { DOCUMENT_LIMITS, EXTENSIONS_BY_TYPE } from '../../shared/documents.ts';

/** Why the content of an upload is refused. */
export type ContentProblem = 'empty' | 'type_not_allowed' | 'type_unknown' | 'extension_mismatch' | 'pdf_encrypted' | 'pdf_broken';

/** What `checkContent` is given: the declared name and the plaintext's two ends. */
export interface ContentSample {
  /** The file's name as the citizen's device gave it (sanitised here again). */
  declaredName: string;
  /** The first bytes of the file (up to 64 KiB). */
  head: Buffer;
  /** The last bytes of the file (up to 64 KiB; the same bytes as `head` for a small file). */
  tail: Buffer;
  /** The whole file's size in bytes. */
  size: number;
  /** Media types the slot accepts (e.g. `application/pdf`). */
  acceptedTypes: readonly string[];
}

/**
 * The verdict on an upload's content. When accepted: the media type its bytes
 * show, the extension its name carries or should carry, and the sanitised
 * name ending in that extension.
 */
export type ContentVerdict = { ok: true; mediaType: string; extension: string; fileName: string } | { ok: false; reason: ContentProblem };

// Explicit bidirectional formatting characters (Unicode UAX #9 §2.1–2.2:
// LRE RLE PDF LRO RLO, LRI RLI FSI PDI) and the implicit marks (§2.6: ALM
// LRM RLM) can make "invoice‮fdp.exe" display as "invoiceexe.pdf"
// (CVE-2021-42574, "Trojan Source"); C0, DEL and C1 controls have no place in a name.
// eslint-disable-next-line no-control-regex
const UNWANTED = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Characters Windows forbids in names (Microsoft, "Naming Files, Paths, and Namespaces"); `:` would also name an NTFS stream.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
// Device names Windows reserves, with or without an extension ("NUL.pdf" is still the device).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const FALLBACK_NAME = 'document';

/**
 * Suffixes taken as an extension: those of the accepted types, every type
 * file-type recognises (exe, zip, docx…) and text formats it cannot see.
 * Anything else after the last dot ("Acta 3.2", "DNI.Joan") is part of the
 * name, and the right extension gets appended after it.
 */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  ...Object.values(EXTENSIONS_BY_TYPE).flat(),
  ...[...supportedExtensions].map((e) => e.toLowerCase()),
  ...['txt', 'htm', 'html', 'xhtml', 'svg', 'js', 'mjs', 'vbs', 'vbe', 'wsf', 'ps1', 'bat', 'cmd', 'com', 'scr', 'pif', 'hta', 'msi', 'url', 'csv', 'json', 'doc', 'xls', 'ppt', 'heif'],
]);

/**
 * A file name safe to store, show and offer for download: NFC-normalised;
 * no path (after the last `/` or `\`); no control or bidi-formatting
 * characters; no characters Windows forbids; whitespace collapsed; no
 * leading dots (hidden files) nor trailing dots and spaces (which Windows
 * drops); not a reserved Windows device name; at most
 * `DOCUMENT_LIMITS.fileNameMax` characters (code points, never cutting a
 * character or an accented letter/emoji sequence in two), keeping the
 * extension. An empty result becomes `document`.
 */
export function sanitiseFileName(name: string): string {
  let clean = name.normalize('NFC');
  clean = clean.slice(Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\')) + 1);
  clean = clean.replace(UNWANTED, '').replace(WINDOWS_FORBIDDEN, '_').replace(/\s+/g, ' ');
  clean = trimEnds(clean);
  if (!clean) return FALLBACK_NAME;
  clean = capLength(clean, DOCUMENT_LIMITS.fileNameMax);
  const dot = clean.indexOf('.');
  const stem = dot === -1 ? clean : clean.slice(0, dot);
  if (WINDOWS_RESERVED.test(stem.trimEnd())) clean = `_${clean}`;
  // Prefixing may have pushed the name one character over.
  return capLength(clean, DOCUMENT_LIMITS.fileNameMax) || FALLBACK_NAME;
}

/** The name's extension, lower-cased, when the part after its last dot is a known one (`KNOWN_EXTENSIONS`); else null. */
export function fileExtension(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const extension = name.slice(dot + 1).toLowerCase();
  return KNOWN_EXTENSIONS.has(extension) ? extension : null;
}

/**
 * Checks that an upload is what it claims, from its two ends only:
 * - not empty;
 * - its bytes are of a type file-type recognises (`type_unknown` otherwise)
 *   and the slot accepts (`type_not_allowed`);
 * - its name's extension belongs to that type (`extension_mismatch`); a name
 *   without one is fine: `fileName` gets the type's usual extension;
 * - a PDF starts with `%PDF-`, ends with `startxref <offset> %%EOF`
 *   (ISO 32000-1 §7.5.5) — `pdf_broken` otherwise, e.g. a truncated upload —
 *   and is not encrypted (`pdf_encrypted`: a password-protected file the
 *   office could not open).
 *
 * Bounded memory on purpose: uploads reach 4 GB, and parsing a whole PDF
 * (pdf-lib, pdf.js) means holding all of it in memory. Everything checked
 * here lives at the ends: the header in the first bytes, the last trailer
 * (which by §7.5.6 repeats every entry of the previous ones, /Encrypt
 * included) or cross-reference stream just before `startxref`, and in a
 * linearised file the first-page trailer (Annex F) near the start. The
 * malware scan and the office's viewer see the rest.
 */
export async function checkContent(input: ContentSample): Promise<ContentVerdict> {
  const { head, tail, size, acceptedTypes } = input;
  if (size === 0 || head.length === 0) return { ok: false, reason: 'empty' };
  // A parser that throws on malformed bytes has not recognised them either.
  const detected = await fileTypeFromBuffer(head).catch(() => undefined);
  if (!detected) return { ok: false, reason: 'type_unknown' };
  const mediaType = detected.mime;
  const extensions = EXTENSIONS_BY_TYPE[mediaType];
  if (!acceptedTypes.includes(mediaType) || !extensions?.[0]) return { ok: false, reason: 'type_not_allowed' };

  const name = sanitiseFileName(input.declaredName);
  const declared = fileExtension(name);
  if (declared !== null && !extensions.includes(declared)) return { ok: false, reason: 'extension_mismatch' };

  if (mediaType === 'application/pdf') {
    const problem = pdfProblem(head, tail, size);
    if (problem) return { ok: false, reason: problem };
  }
  const extension = declared ?? extensions[0];
  return { ok: true, mediaType, extension, fileName: declared ? name : sanitiseFileName(`${name}.${extension}`) };
}

function pdfProblem(head: Buffer, tail: Buffer, size: number): 'pdf_broken' | 'pdf_encrypted' | null {
  // ISO 32000-1 §7.5.2: the first line is the header "%PDF-1.n".
  if (!head.subarray(0, 5).equals(Buffer.from('%PDF-', 'latin1'))) return 'pdf_broken';
  // PDF syntax is bytes; latin1 maps each byte to one character and back.
  const end = tail.toString('latin1');
  // §7.5.5: the file ends with "startxref", the last cross-reference
  // section's byte offset, and "%%EOF". Readers tolerate bytes after %%EOF,
  // so it is looked for anywhere in the tail; the offset must be in the file.
  const last = [...end.matchAll(/startxref\s+(\d+)\s+%%EOF/g)].at(-1);
  if (!last?.[1] || Number(last[1]) >= size) return 'pdf_broken';
  if (encryptedIn(end)) return 'pdf_encrypted';
  const start = head.toString('latin1');
  // Annex F.2: the linearisation dictionary lies within the first 1024 bytes;
  // such a file keeps /Encrypt in its first-page trailer, near the start.
  if (/\/Linearized(?=[\s()<>[\]{}/%])/.test(start.slice(0, 1024)) && encryptedIn(start)) return 'pdf_encrypted';
  return null;
}

/** Whether a trailer dictionary (§7.5.5) or cross-reference stream dictionary (§7.5.8.2) in `text` has an /Encrypt entry (§7.6.1). */
function encryptedIn(text: string): boolean {
  for (const m of text.matchAll(/(?<![A-Za-z])trailer\s*<</g)) {
    if (hasName(dictionaryAt(text, m.index + m[0].length - 2), 'Encrypt')) return true;
  }
  for (const m of text.matchAll(/\d+\s+\d+\s+obj\s*<</g)) {
    const dictionary = dictionaryAt(text, m.index + m[0].length - 2);
    if (/\/Type\s*\/XRef(?=[\s()<>[\]{}/%]|$)/.test(dictionary) && hasName(dictionary, 'Encrypt')) return true;
  }
  return false;
}

/** Whether `/name` occurs as a whole name token (§7.3.5: a name ends at white space or a delimiter). */
function hasName(text: string, name: string): boolean {
  return new RegExp(`/${name}(?=[\\s()<>[\\]{}/%]|$)`).test(text);
}

/**
 * The dictionary starting at `start` ("<<"), up to its matching ">>" or to
 * the end of the text when cut off. Skips strings (§7.3.4: literal strings
 * nest parentheses and escape with a backslash; hex strings are "<…>") and
 * comments, whose brackets do not count.
 */
const END_OF_LINE = /[\r\n]/g;
function dictionaryAt(text: string, start: number): string {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '<' && next === '<') {
      depth++;
      i += 2;
    } else if (c === '>' && next === '>') {
      depth--;
      i += 2;
      if (depth === 0) return text.slice(start, i);
    } else if (c === '<') {
      const close = text.indexOf('>', i + 1);
      if (close === -1) break;
      i = close + 1;
    } else if (c === '(') {
      let nesting = 0;
      for (; i < text.length; i++) {
        const s = text[i];
        if (s === '\\') i++;
        else if (s === '(') nesting++;
        else if (s === ')' && --nesting === 0) break;
      }
      i++;
    } else if (c === '%') {
      END_OF_LINE.lastIndex = i;
      if (!END_OF_LINE.test(text)) break;
      i = END_OF_LINE.lastIndex;
    } else {
      i++;
    }
  }
  return text.slice(start);
}

/** Strips what must not begin or end a name: spaces, leading dots (hidden files), trailing dots (Windows drops them). */
function trimEnds(name: string): string {
  return name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
}

/**
 * At most `max` code points, cut at a grapheme boundary (Intl.Segmenter) so
 * no surrogate pair, accent or emoji sequence is split, keeping a short
 * extension whole.
 */
function capLength(name: string, max: number): string {
  if ([...name].length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && [...name.slice(dot)].length <= 16 ? name.slice(dot) : '';
  const room = max - [...extension].length;
  let stem = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(extension ? name.slice(0, dot) : name)) {
    const length = [...segment].length;
    if (used + length > room) break;
    stem += segment;
    used += length;
  }
  const kept = trimEnds(stem);
  return kept ? `${kept}${extension}` : trimEnds(extension);
}
