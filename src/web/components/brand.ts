/**
 * The organisation's brand colour, made safe for the header: an invalid
 * value falls back to a default, and the text colour is whichever of white
 * or near-black reaches WCAG 1.4.3 contrast (4.5:1) on it.
 */

import { AA_TEXT_RATIO, contrastRatio, HEX_COLOUR } from '../../shared/contrast.ts';

export { contrastRatio, luminance } from '../../shared/contrast.ts';

const DEFAULT_BRAND = '#1d70b8';
const LIGHT_TEXT = '#ffffff';
const DARK_TEXT = '#0b0c0c';

/** Background and text colours for the header. */
export function brandColours(primary: string): { background: string; text: string } {
  const background = HEX_COLOUR.test(primary) ? primary : DEFAULT_BRAND;
  // White or black always reaches √21 ≈ 4.58:1 on one side; prefer white, then the design's near-black.
  const text = [LIGHT_TEXT, DARK_TEXT].find((c) => contrastRatio(background, c) >= AA_TEXT_RATIO) ?? '#000000';
  return { background, text };
}
