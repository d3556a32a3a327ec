import { describe, expect, it } from 'vitest';
import { isValidIdNumber, isValidNie, isValidNif, normaliseIdNumber } from './id-document.ts';

describe('NIF/NIE validation by control letter', () => {
  it('accepts NIFs whose letter matches number mod 23', () => {
    expect(isValidNif('12345678Z')).toBe(true);
    expect(isValidNif('00000000T')).toBe(true);
    expect(isValidNif('87654321X')).toBe(true);
  });

  it('rejects a NIF with the wrong letter, too few digits or letters only', () => {
    expect(isValidNif('12345678A')).toBe(false);
    expect(isValidNif('1234567Z')).toBe(false);
    expect(isValidNif('ABCDEFGHZ')).toBe(false);
  });

  it('computes NIE letters with X=0, Y=1, Z=2', () => {
    expect(isValidNie('X1234567L')).toBe(true);
    expect(isValidNie('Y1234567X')).toBe(true);
    expect(isValidNie('Z1234567R')).toBe(true);
    expect(isValidNie('X1234567T')).toBe(false);
    expect(isValidNie('W1234567L')).toBe(false);
  });

  it('normalises spaces, dots, dashes and case as people type them', () => {
    expect(normaliseIdNumber(' 12.345.678-z ')).toBe('12345678Z');
    expect(isValidIdNumber('nif', normaliseIdNumber('12345678-z'))).toBe(true);
  });

  it('does not accept a NIE typed as NIF or the reverse', () => {
    expect(isValidIdNumber('nif', 'X1234567L')).toBe(false);
    expect(isValidIdNumber('nie', '12345678Z')).toBe(false);
  });

  it('accepts passports of 5–20 letters and digits only', () => {
    expect(isValidIdNumber('passport', 'PAB123456')).toBe(true);
    expect(isValidIdNumber('passport', 'AB1')).toBe(false);
    expect(isValidIdNumber('passport', 'AB12<>34')).toBe(false);
  });
});
