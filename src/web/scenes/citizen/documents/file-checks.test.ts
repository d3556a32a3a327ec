/** What is told before a byte is sent: wrong format, empty, too large, too long a name. */
import { describe, expect, it } from 'vitest';
import { acceptAttribute, checkFile, declaredType, extensionOf } from './file-checks.ts';

const slot = { acceptedTypes: ['application/pdf', 'image/jpeg'], acceptedExtensions: ['pdf', 'jpg', 'jpeg'], maxBytes: 1000 };

describe('file checks before uploading', () => {
  it('accepts a file of an accepted type within the size', () => {
    expect(checkFile({ name: 'DNI.PDF', size: 10, type: 'application/pdf' }, slot)).toBeNull();
    expect(checkFile({ name: 'foto.jpeg', size: 1000, type: '' }, slot)).toBeNull();
  });

  it('refuses other extensions and declared types the slot does not take', () => {
    expect(checkFile({ name: 'notes.txt', size: 10, type: 'text/plain' }, slot)).toBe('wrong_type');
    expect(checkFile({ name: 'no-extension', size: 10, type: '' }, slot)).toBe('wrong_type');
    expect(checkFile({ name: 'scan.pdf', size: 10, type: 'image/png' }, slot)).toBe('wrong_type');
  });

  it('refuses empty and too large files, and names past the limit', () => {
    expect(checkFile({ name: 'a.pdf', size: 0, type: 'application/pdf' }, slot)).toBe('empty');
    expect(checkFile({ name: 'a.pdf', size: 1001, type: 'application/pdf' }, slot)).toBe('too_large');
    expect(checkFile({ name: `${'a'.repeat(200)}.pdf`, size: 10, type: 'application/pdf' }, slot)).toBe('name_too_long');
  });

  it('reads extensions and falls back to them for the declared type', () => {
    expect(extensionOf('.hidden')).toBe('');
    expect(extensionOf('archive.tar.GZ')).toBe('gz');
    expect(declaredType({ name: 'IMG_1.HEIC', size: 1, type: '' })).toBe('image/heic');
    expect(declaredType({ name: 'x.bin', size: 1, type: '' })).toBe('application/octet-stream');
  });

  it('gives the picker both types and extensions', () => {
    expect(acceptAttribute(slot)).toBe('application/pdf,image/jpeg,.pdf,.jpg,.jpeg');
  });
});
