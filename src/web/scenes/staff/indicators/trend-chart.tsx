/**
 * A small line chart by month, drawn as inline SVG (no chart library): each
 * series has an Okabe–Ito colour that keeps ≥ 3:1 against white (WCAG
 * 1.4.11) and, so colour is never the only cue (WCAG 1.4.1), its own dash
 * pattern and marker shape, a legend and a label at the end of its line. A
 * target is a labelled horizontal line. Unknown figures leave a gap. The
 * SVG is one image to assistive technology (`role="img"` named by its
 * `<title>` and `<desc>`); the figures themselves are in the page's tables.
 */
import { formatMonthAxis } from './indicators-format.ts';
import { linearScale, linePath, niceMax, niceTicks, spreadLabels } from './chart-scale.ts';

/** How one series is drawn. */
export interface SeriesStyle {
  colour: string;
  /** SVG `stroke-dasharray`; '' for a solid line. */
  dash: string;
  marker: 'circle' | 'square' | 'triangle' | 'diamond';
}

/** Okabe–Ito colours dark enough on white, each with its own pattern and marker. */
export const SERIES_STYLES: readonly SeriesStyle[] = [
  { colour: '#0072B2', dash: '', marker: 'circle' },
  { colour: '#D55E00', dash: '8 4', marker: 'square' },
  { colour: '#009E73', dash: '2 3', marker: 'triangle' },
  { colour: '#000000', dash: '10 3 2 3', marker: 'diamond' },
];

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  style: SeriesStyle;
}

/** Props of {@link TrendChart}. */
export interface TrendChartProps {
  id: string;
  title: string;
  /** What the chart shows, for people who cannot see it. */
  description: string;
  language: string;
  months: readonly string[];
  series: readonly ChartSeries[];
  /** A target drawn as a labelled horizontal line. */
  target?: { label: string; value: number } | undefined;
  /** A fixed top of the axis (10 for a 0–10 score, 1 for a share); else the data's nice maximum. */
  yMax?: number | undefined;
  /** Whole counts: whole-number ticks. */
  integers?: boolean;
  /** A tick's label, with the decimals its step needs. */
  formatTick: (value: number, decimals: number) => string;
}

const WIDTH = 600;
const HEIGHT = 260;
const MARGIN = { top: 14, right: 150, bottom: 46, left: 60 };

function Marker({ shape, x, y, colour }: { shape: SeriesStyle['marker']; x: number; y: number; colour: string }) {
  switch (shape) {
    case 'circle':
      return <circle cx={x} cy={y} r={4.5} fill={colour} />;
    case 'square':
      return <rect x={x - 4} y={y - 4} width={8} height={8} fill={colour} />;
    case 'triangle':
      return <path d={`M${x} ${y - 5.5} L${x + 5} ${y + 4} L${x - 5} ${y + 4} Z`} fill={colour} />;
    case 'diamond':
      return <path d={`M${x} ${y - 5.5} L${x + 5.5} ${y} L${x} ${y + 5.5} L${x - 5.5} ${y} Z`} fill="#ffffff" stroke={colour} strokeWidth={2} />;
  }
}

/** A line and marker sample of a series, for its legend entry. */
export function SeriesSample({ style }: { style: SeriesStyle }) {
  return (
    <svg className="chart-legend__sample" width="40" height="14" viewBox="0 0 40 14" aria-hidden="true" focusable="false">
      <line x1={2} y1={7} x2={38} y2={7} stroke={style.colour} strokeWidth={2.5} strokeDasharray={style.dash || undefined} />
      <Marker shape={style.marker} x={20} y={7} colour={style.colour} />
    </svg>
  );
}

/** A line chart of figures by month. */
export function TrendChart({ id, title, description, language, months, series, target, yMax, integers = false, formatTick }: TrendChartProps) {
  const known = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const top = yMax ?? niceMax(Math.max(0, ...known, target?.value ?? 0), 1, integers);
  const axis = niceTicks(top, integers);
  const plotRight = WIDTH - MARGIN.right;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const x = (i: number): number =>
    months.length <= 1 ? (MARGIN.left + plotRight) / 2 : linearScale([0, months.length - 1], [MARGIN.left + 10, plotRight - 10])(i);
  const y = linearScale([0, top], [plotBottom, MARGIN.top]);
  // Every month labelled up to 12; beyond, every other (the table has them all).
  const labelEvery = months.length > 12 ? 2 : 1;

  // Direct labels at each line's last known value, pushed apart so they stay legible.
  const ends = series.map((s) => {
    const last = [...s.values.keys()].reverse().find((i) => s.values[i] !== null);
    return last === undefined ? null : { i: last, value: s.values[last] ?? 0 };
  });
  const labels = series.flatMap((s, k) => {
    const end = ends[k];
    return end ? [{ key: s.label, text: s.label, value: end.value, fill: s.style.colour, target: false }] : [];
  });
  if (target) labels.push({ key: 'target', text: target.label, value: target.value, fill: 'currentColor', target: true });
  const labelY = spreadLabels(
    labels.map((l) => y(l.value)),
    16,
    MARGIN.top + 4,
    plotBottom,
  );

  return (
    <figure className="chart">
      <svg
        className="chart__svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        focusable="false"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {axis.values.map((tick) => (
          <g key={tick}>
            <line x1={MARGIN.left} x2={plotRight} y1={y(tick)} y2={y(tick)} className={tick === 0 ? 'chart__axis' : 'chart__grid'} />
            <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end" className="chart__tick">
              {formatTick(tick, axis.decimals)}
            </text>
          </g>
        ))}
        {months.map((month, i) =>
          i % labelEvery === 0 || i === months.length - 1 ? (
            <text key={month} x={x(i)} y={plotBottom + 18} textAnchor="middle" className="chart__tick">
              {formatMonthAxis(month, language, false)}
              {/* The year on a second line, under the first month and under January (unless right beside the first). */}
              {i === 0 || (month.endsWith('-01') && i >= 2) ? (
                <tspan x={x(i)} dy="1.2em">
                  {month.slice(0, 4)}
                </tspan>
              ) : null}
            </text>
          ) : null,
        )}
        {target ? <line x1={MARGIN.left} x2={plotRight} y1={y(target.value)} y2={y(target.value)} className="chart__target" /> : null}
        {series.map((s) => {
          const points = s.values.map((v, i) => (v === null ? null : { x: x(i), y: y(v) }));
          return (
            <g key={s.label}>
              <path
                d={linePath(points)}
                fill="none"
                stroke={s.style.colour}
                strokeWidth={2.5}
                strokeDasharray={s.style.dash || undefined}
                strokeLinejoin="round"
              />
              {points.map((p, i) => (p ? <Marker key={months[i]} shape={s.style.marker} x={p.x} y={p.y} colour={s.style.colour} /> : null))}
            </g>
          );
        })}
        {labels.map((l, k) => (
          <text key={l.key} x={plotRight + 8} y={labelY[k]} dy="0.32em" className={l.target ? 'chart__label chart__label--target' : 'chart__label'} fill={l.fill}>
            {l.text}
          </text>
        ))}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {series.map((s) => (
            <li key={s.label} className="chart-legend__item">
              <SeriesSample style={s.style} />
              {s.label}
            </li>
          ))}
          {target ? (
            <li className="chart-legend__item">
              <svg className="chart-legend__sample" width="40" height="14" viewBox="0 0 40 14" aria-hidden="true" focusable="false">
                <line x1={2} y1={7} x2={38} y2={7} className="chart__target" />
              </svg>
              {target.label}
            </li>
          ) : null}
        </ul>
      </figcaption>
    </figure>
  );
}
