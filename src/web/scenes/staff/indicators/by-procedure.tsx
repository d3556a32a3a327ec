/**
 * The range by procedure: which procedures the video channel serves, and
 * how each fares — a bar chart read at a glance (appointments requested,
 * the part held drawn hatched inside each bar, the numbers written at the
 * end, so colour is never the only cue) and the same figures, with the
 * no-show rate, handling time and survey, in a table.
 */
import { useTranslation } from 'react-i18next';
import type { ProcedureIndicators } from '../../../../shared/indicators.ts';
import { fetchIndicatorsByProcedure } from '../../../api/indicators-api.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { SectionLoad } from './section-load.tsx';
import { formatMinutes, formatNumber, formatPercent } from './indicators-format.ts';
import { SERIES_STYLES } from './trend-chart.tsx';

/** Procedures drawn in the chart (the table lists every one). */
const CHART_MAX = 12;
const ROW = 34;
const LABEL_WIDTH = 230;
const WIDTH = 640;

/** Props of {@link ByProcedure}. */
export interface ByProcedureProps {
  query: Record<string, string>;
  language: string;
}

function BarChart({ procedures, language }: { procedures: ProcedureIndicators[]; language: string }) {
  const { t } = useTranslation();
  const shown = procedures.slice(0, CHART_MAX);
  const max = Math.max(1, ...shown.map((p) => p.figures.requested));
  const barSpace = WIDTH - LABEL_WIDTH - 150;
  const height = shown.length * ROW + 30;
  const requested = SERIES_STYLES[0]?.colour ?? '#0072B2';
  const held = SERIES_STYLES[1]?.colour ?? '#D55E00';
  const clip = (name: string) => (name.length > 34 ? `${name.slice(0, 33)}…` : name);
  return (
    <figure className="chart">
    <svg className="chart__svg" viewBox={`0 0 ${String(WIDTH)} ${String(height)}`} role="img" aria-labelledby="by-procedure-chart-title by-procedure-chart-desc" focusable="false">
      <title id="by-procedure-chart-title">{t('indicators.byProcedure.chartTitle')}</title>
      <desc id="by-procedure-chart-desc">{t('indicators.byProcedure.chartDesc', { count: shown.length })}</desc>
      <defs>
        <pattern id="by-procedure-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill={held} />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#fff" strokeWidth="2" />
        </pattern>
      </defs>
      {shown.map((p, i) => {
        const y = i * ROW + 4;
        const wRequested = (p.figures.requested / max) * barSpace;
        const wHeld = (p.figures.held / max) * barSpace;
        return (
          <g key={p.id}>
            <text x={LABEL_WIDTH - 8} y={y + 17} textAnchor="end" fontSize="13" fill="#0b0c0c">
              {clip(p.name)}
            </text>
            <rect x={LABEL_WIDTH} y={y + 2} width={Math.max(1, wRequested)} height={22} fill="#fff" stroke={requested} strokeWidth="2" />
            <rect x={LABEL_WIDTH} y={y + 2} width={wHeld} height={22} fill="url(#by-procedure-hatch)" />
            <text x={LABEL_WIDTH + wRequested + 6} y={y + 17} fontSize="12" fill="#0b0c0c">
              {t('indicators.byProcedure.barLabel', { requested: formatNumber(p.figures.requested, language, 0), held: formatNumber(p.figures.held, language, 0) })}
            </text>
          </g>
        );
      })}
      <g transform={`translate(${String(LABEL_WIDTH)}, ${String(height - 18)})`}>
        <rect width="14" height="12" fill="#fff" stroke={requested} strokeWidth="2" />
        <text x="20" y="11" fontSize="12" fill="#0b0c0c">
          {t('indicators.byProcedure.legendRequested')}
        </text>
        <rect x="150" width="14" height="12" fill="url(#by-procedure-hatch)" />
        <text x="170" y="11" fontSize="12" fill="#0b0c0c">
          {t('indicators.byProcedure.legendHeld')}
        </text>
      </g>
    </svg>
    </figure>
  );
}

/** The section of the dashboard. */
export function ByProcedure({ query, language }: ByProcedureProps) {
  const { t } = useTranslation();
  const key = `${new URLSearchParams(query).toString()}/${language}`;
  const [state, retry] = useLoad((signal) => fetchIndicatorsByProcedure(query, signal), [key]);
  const unknown = t('indicators.unknown');
  let body;
  if (state.status !== 'ready') body = <SectionLoad state={state} retry={retry} />;
  else if (state.data.length === 0) body = <p className="body">{t('indicators.byProcedure.none')}</p>;
  else {
    body = (
      <>
        <BarChart procedures={state.data} language={language} />
        <div className="staff-table-wrap" role="region" aria-labelledby="by-procedure-caption" tabIndex={0}>
          <table className="staff-table indicators-table">
            <caption id="by-procedure-caption" className="indicators-table__caption">
              {t('indicators.byProcedure.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('indicators.byProcedure.col.procedure')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.requested')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.held')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.noShowRate')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.handling')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.missingDocuments')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.liked')}</th>
                <th scope="col" className="indicators-table__number">{t('indicators.byProcedure.col.useAgain')}</th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((p) => {
                const f = p.figures;
                return (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td className="indicators-table__number">{formatNumber(f.requested, language, 0)}</td>
                    <td className="indicators-table__number">{formatNumber(f.held, language, 0)}</td>
                    <td className="indicators-table__number">{f.noShowRate === null ? unknown : formatPercent(f.noShowRate, language)}</td>
                    <td className="indicators-table__number">{f.handling.medianSeconds === null ? unknown : formatMinutes(f.handling.medianSeconds, language)}</td>
                    <td className="indicators-table__number">{f.wrapups.missingDocumentsShare === null ? unknown : formatPercent(f.wrapups.missingDocumentsShare, language)}</td>
                    <td className="indicators-table__number">{f.survey.likedAvg === null ? unknown : formatNumber(f.survey.likedAvg, language)}</td>
                    <td className="indicators-table__number">{f.survey.useAgainShare === null ? unknown : formatPercent(f.survey.useAgainShare, language)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </>
    );
  }
  return (
    <section className="indicators-section" aria-labelledby="by-procedure-heading">
      <h2 id="by-procedure-heading" className="heading-m">
        {t('indicators.byProcedure.heading')}
      </h2>
      {body}
    </section>
  );
}
