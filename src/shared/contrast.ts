/**
 * WCAG 2.1 contrast arithmetic, shared by the web header (which picks a
 * readable text colour) and the administration console (which refuses a
 * brand colour that reaches neither white nor black text at AA).
 */

/** A #rrggbb colour. */
export const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

/** WCAG 2.1 SC 1.4.3 (AA): normal text needs 4.5:1 against its background. */
export const AA_TEXT_RATIO = 4.5;

function channel(hex: string): number {
  const c = parseInt(hex, 16) / 255;
  // WCAG 2.1 "relative luminance": sRGB linearisation.
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

/** A ratio as people read it: rounded down to two decimals (4.499 is not 4.5). */
export function formatRatio(ratio: number): string {
  return (Math.floor(ratio * 100) / 100).toFixed(2);
}
