import { describe, expect, it } from 'vitest';
import { parsePdfDate } from './pdf-signature.ts';

describe('the signing time a PDF signature claims (/M)', () => {
  it('reads the forms PDF writers use: UTC, an offset, and a date with its time left out', () => {
    expect(parsePdfDate('D:20261130065000Z')?.toISOString()).toBe('2026-11-30T06:50:00.000Z');
    expect(parsePdfDate("D:20261130075000+01'00'")?.toISOString()).toBe('2026-11-30T06:50:00.000Z');
    expect(parsePdfDate("D:20261130015000-05'00")?.toISOString()).toBe('2026-11-30T06:50:00.000Z');
    expect(parsePdfDate('D:2026113007')?.toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });

  it('refuses what is not a PDF date, so a receipt with one is reported, not trusted', () => {
    expect(parsePdfDate('20261130065000Z')).toBeNull();
    expect(parsePdfDate('D:2026-11-30')).toBeNull();
    expect(parsePdfDate('D:20261130065000Z; rm -rf')).toBeNull();
  });
});
