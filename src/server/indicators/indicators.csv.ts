import type { IndicatorsView, MonthIndicators } from '../../shared/indicators.ts';

/** The columns of the indicators CSV: the dashboard's table, one row per month and one for the whole range. */
const COLUMNS: readonly [string, (m: MonthIndicators) => number | null | string][] = [
  ['month', (m) => m.month],
  ['requested', (m) => m.requested],
  ['held', (m) => m.held],
  ['cancelled', (m) => m.cancelled],
  ['no_shows', (m) => m.noShows],
  ['unknown', (m) => m.unknown],
  ['upcoming', (m) => m.upcoming],
  ['no_show_rate', (m) => m.noShowRate],
  ['handling_count', (m) => m.handling.count],
  ['handling_avg_seconds', (m) => m.handling.avgSeconds],
  ['handling_median_seconds', (m) => m.handling.medianSeconds],
  ['wrapups', (m) => m.wrapups.count],
  ['wrapups_missing', (m) => m.wrapups.missing],
  ['outcome_completed', (m) => m.wrapups.completed],
  ['outcome_missing_documents', (m) => m.wrapups.missingDocuments],
  ['outcome_other_reason', (m) => m.wrapups.otherReason],
  ['outcome_technical_failure', (m) => m.wrapups.technicalFailure],
  ['missing_documents_share', (m) => m.wrapups.missingDocumentsShare],
  ['staff_rating_avg', (m) => m.wrapups.staffRatingAvg],
  ['surveys', (m) => m.survey.count],
  ['liked_avg', (m) => m.survey.likedAvg],
  ['easy_avg', (m) => m.survey.easyAvg],
  ['use_again_share', (m) => m.survey.useAgainShare],
];

/** A number as the CSV writes it: up to 4 decimals, empty when unknown (never 0). */
function cell(value: number | null | string): string {
  if (value === null) return '';
  if (typeof value === 'string') return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 10_000) / 10_000);
}

/** RFC 4180 CSV (CRLF) of the indicators, with the in-person baselines of each month after the figures. */
export function indicatorsCsv(view: IndicatorsView): string {
  const metrics = Object.keys(view.baselines[0]?.values ?? {});
  const header = [...COLUMNS.map(([name]) => name), ...metrics.map((m) => `in_person_${m}`)];
  const lines = [header.join(',')];
  for (const m of [...view.months, view.total]) {
    const baseline = view.baselines.find((b) => b.month === m.month)?.values ?? {};
    lines.push([...COLUMNS.map(([, get]) => cell(get(m))), ...metrics.map((k) => cell(baseline[k] ?? null))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
