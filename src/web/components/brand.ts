/**
 * The organisation's brand colour, made safe for the header: an invalid
 * value falls back to a default, and the text colour is whichever of white
 * or near-black reaches WCAG 1.4.3 contrast (4.5:1) on it.
 */

const DEFAULT_BRAND = '#1d70b8';
const LIGHT_TEXT = '#ffffff';
const DARK_TEXT = '#0b0c0c';

function channel(hex: string): number {
  const c = parseInt(hex, 16) / 255;
  // WCAG 2.1 relative luminance, sRGB linearisation.
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const h = hex.replace('#', '');
  return 0.2126 * channel(h.slice(0, 2)) + 0.7152 * channel(h.slice(2, 4)) + 0.0722 * channel(h.slice(4, 6));
}

/** Contrast ratio between two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Background and text colours for the header. */
export function brandColours(primary: string): { background: string; text: string } {
  const background = /^#[0-9a-f]{6}$/i.test(primary) ? primary : DEFAULT_BRAND;
  // White or black always reaches √21 ≈ 4.58:1 on one side; prefer white, then the design's near-black.
  const text = [LIGHT_TEXT, DARK_TEXT].find((c) => contrastRatio(background, c) >= 4.5) ?? '#000000';
  return { background, text };
}
