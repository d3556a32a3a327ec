/** The viewer asks for byte ranges; the answers must follow RFC 9110 exactly or pdf.js shows a broken page. */
import { describe, expect, it } from 'vitest';
import { contentDisposition, parseRange } from './http-range.ts';

describe('Range header', () => {
  it('reads the three forms of a single range', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('answers the whole file for no header, another unit or several ranges', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 10)).toBeNull();
    expect(parseRange('bytes=5-2', 10)).toBeNull();
  });

  it('refuses a range past the end', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
  });
});

describe('Content-Disposition', () => {
  it('keeps the real name in UTF-8 and a safe ASCII fallback', () => {
    expect(contentDisposition('inline', 'Certificat d’empadronament.pdf')).toBe(
      `inline; filename="Certificat dempadronament.pdf"; filename*=UTF-8''Certificat%20d%E2%80%99empadronament.pdf`,
    );
    expect(contentDisposition('attachment', 'a"b.pdf')).toBe(`attachment; filename="a_b.pdf"; filename*=UTF-8''a%22b.pdf`);
  });
});
