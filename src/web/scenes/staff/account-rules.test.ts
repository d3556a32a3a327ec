import { describe, expect, it } from 'vitest';
import { checkPasswordChange, normaliseTotpCode, secretBlocks } from './account-rules.ts';

describe('account rules', () => {
  it('asks for every password and explains what is wrong with the new one', () => {
    expect(checkPasswordChange({ current: '', next: '', confirm: '' })).toEqual({
      'current-password': 'currentRequired',
      'new-password': 'newRequired',
      'confirm-password': 'confirmRequired',
    });
    expect(checkPasswordChange({ current: 'old', next: 'short', confirm: 'short' })).toEqual({ 'new-password': 'tooShort' });
    expect(checkPasswordChange({ current: 'old', next: 'x'.repeat(201), confirm: 'x'.repeat(201) })).toEqual({ 'new-password': 'tooLong' });
    const same = 'the same old passphrase';
    expect(checkPasswordChange({ current: same, next: same, confirm: same })).toEqual({ 'new-password': 'sameAsCurrent' });
    expect(checkPasswordChange({ current: 'old', next: 'a long new passphrase', confirm: 'a long new passphrasE' })).toEqual({
      'confirm-password': 'mismatch',
    });
    expect(checkPasswordChange({ current: 'old', next: 'a long new passphrase', confirm: 'a long new passphrase' })).toEqual({});
  });

  it('counts characters as people do', () => {
    // Eleven letters with accents are still eleven characters.
    expect(checkPasswordChange({ current: 'x', next: 'àèéíòóúàèéí', confirm: 'àèéíòóúàèéí' })).toEqual({ 'new-password': 'tooShort' });
  });

  it('reads a 6-digit code with spaces, and nothing else', () => {
    expect(normaliseTotpCode(' 123 456 ')).toBe('123456');
    expect(normaliseTotpCode('123-456')).toBe('123456');
    expect(normaliseTotpCode('12345')).toBeNull();
    expect(normaliseTotpCode('12345a')).toBeNull();
  });

  it('writes the setup key in blocks of four', () => {
    expect(secretBlocks('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toEqual(['JBSW', 'Y3DP', 'EHPK', '3PXP', 'JBSW', 'Y3DP', 'EHPK', '3PXP']);
    expect(secretBlocks('abcdefg=')).toEqual(['ABCD', 'EFG']);
    expect(secretBlocks('')).toEqual([]);
  });
});
