/**
 * The arithmetic of the dashboard's hand-drawn SVG charts: a "nice" top of
 * the axis (1, 2, 2.5 or 5 × 10ⁿ), its ticks, a linear scale, a line path
 * that breaks where a figure is unknown (never drawn as 0) and direct
 * labels pushed apart so they never overlap.
 */

/**
 * The smallest "nice" number (1, 2, 2.5, 5 × 10ⁿ; without 2.5 for whole
 * counts) at least `value`; `fallback` when there is nothing to show.
 */
export function niceMax(value: number, fallback = 1, integers = false): number {
  if (!Number.isFinite(value) || value <= 0) return fallback;
  if (integers && value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of integers ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]) {
    const candidate = step * power;
    // Rounded so that 0.1 + 0.2-style float noise never picks the next step.
    if (candidate >= value - 1e-12 * power) return Number(candidate.toPrecision(12));
  }
  return 10 * power;
}

/** `count` + 1 evenly spaced ticks from 0 to `max`. */
export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => Number(((max * i) / count).toPrecision(12)));
}

/**
 * Ticks for an axis topped by {@link niceMax}, each step itself nice (1, 2
 * or 5 × 10ⁿ), with the decimals a step needs; whole counts get whole
 * steps (a top of 3 or less: one tick per unit).
 */
export function niceTicks(max: number, integers = false): { values: number[]; decimals: number } {
  const leading = Number((max / 10 ** Math.floor(Math.log10(max))).toPrecision(6));
  const count = integers && max <= 5 ? max : leading === 2 ? 4 : 5;
  const step = max / count;
  return { values: ticks(max, count), decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

/** A linear map from `domain` to `range` (e.g. values to pixels, with the y range upside down). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** A point of a line, or null where the figure is unknown. */
export type ChartPoint = { x: number; y: number } | null;

/** An SVG path through the known points; an unknown one starts a new segment. */
export function linePath(points: readonly ChartPoint[]): string {
  const parts: string[] = [];
  let pen = false;
  for (const point of points) {
    if (!point) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${round(point.x)} ${round(point.y)}`);
    pen = true;
  }
  return parts.join(' ');
}

/**
 * Spreads label positions (y, in pixels) so that neighbours are at least
 * `gap` apart, staying within [min, max]; keeps the input order.
 */
export function spreadLabels(positions: readonly number[], gap: number, min: number, max: number): number[] {
  const order = positions.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  for (let k = 0; k < order.length; k++) {
    const item = order[k];
    const previous = order[k - 1];
    if (item) item.y = Math.max(item.y, min, previous ? previous.y + gap : min);
  }
  // Pushed past the bottom: shift the stack back up from the end.
  for (let k = order.length - 1; k >= 0; k--) {
    const item = order[k];
    const next = order[k + 1];
    if (item) item.y = Math.min(item.y, next ? next.y - gap : max);
  }
  const out = new Array<number>(positions.length).fill(0);
  for (const { y, i } of order) out[i] = y;
  return out;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
