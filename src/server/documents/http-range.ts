/** An inclusive byte range of a representation. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header for a representation of `size` bytes (RFC 9110
 * §14.1.2, §14.2): `bytes=a-b`, `bytes=a-` and the suffix form `bytes=-n`.
 * Several ranges are answered with the whole representation, which the RFC
 * allows (§14.2: a server MAY ignore the Range header); a range that starts
 * past the end is `unsatisfiable` (416). No header or another unit → null
 * (send everything).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return null;
  return { start, end };
}

/**
 * `Content-Disposition` with the file name in both forms (RFC 6266 §4.3):
 * an ASCII fallback for old clients and `filename*` in UTF-8 (RFC 8187).
 */
export function contentDisposition(type: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'document';
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
