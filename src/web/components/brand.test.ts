/** The header stays readable whatever colour an organisation chooses. */
import { describe, expect, it } from 'vitest';
import { brandColours, contrastRatio } from './brand.ts';

describe('brand colours', () => {
  it('puts white text on dark colours and dark text on light ones, always at 4.5:1 or more', () => {
    for (const colour of ['#1d4f91', '#ffdd00', '#00703c', '#ff8800', '#777777', '#0b0c0c', '#ffffff']) {
      const { background, text } = brandColours(colour);
      expect(contrastRatio(background, text), colour).toBeGreaterThanOrEqual(4.5);
    }
    expect(brandColours('#1d4f91').text).toBe('#ffffff');
    expect(brandColours('#ffdd00').text).toBe('#0b0c0c');
  });

  it('falls back to a safe default for an invalid colour', () => {
    expect(brandColours('red; background: url(x)').background).toBe('#1d70b8');
  });
});
