/**
 * The dashboard's figures as accessible data tables — the page's main
 * content, the charts only summarise them: a caption, column headers and a
 * row header per month (`scope`), then the whole range. An unknown figure
 * shows "—" with a visually hidden "unknown", never 0.
 */
import { useTranslation } from 'react-i18next';
import type { MonthIndicators } from '../../../../shared/indicators.ts';
import { formatMonthLong } from './indicators-format.ts';

/** "—" for sighted readers, "unknown" for screen readers. */
export function Unknown() {
  const { t } = useTranslation();
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{t('indicators.unknown')}</span>
    </>
  );
}

/** A figure, or {@link Unknown}. */
export function Figure({ value, format }: { value: number | null | undefined; format: (value: number) => string }) {
  return value === null || value === undefined ? <Unknown /> : <>{format(value)}</>;
}

/** One column of an indicators table. */
export interface IndicatorColumn {
  key: string;
  header: string;
  /** The figure of a row; `baseline` holds the row's in-person figures. */
  value: (row: MonthIndicators, baseline: Readonly<Record<string, number | null>>) => number | null;
  format: (value: number) => string;
}

/** Props of {@link IndicatorsTable}. */
export interface IndicatorsTableProps {
  id: string;
  caption: string;
  language: string;
  months: readonly MonthIndicators[];
  total: MonthIndicators;
  /** In-person figures by month; the whole range's is the common one when every month has the same. */
  baselines: ReadonlyMap<string, Readonly<Record<string, number | null>>>;
  columns: readonly IndicatorColumn[];
}

/** A table of figures, one row per month and one for the whole range. */
export function IndicatorsTable({ id, caption, language, months, total, baselines, columns }: IndicatorsTableProps) {
  const { t } = useTranslation();
  const row = (m: MonthIndicators, header: string, isTotal: boolean) => {
    const baseline = baselines.get(m.month) ?? {};
    return (
      <tr key={m.month} className={isTotal ? 'indicators-table__total' : undefined}>
        <th scope="row">{header}</th>
        {columns.map((c) => (
          <td key={c.key} data-column={c.key} className="indicators-table__number">
            <Figure value={c.value(m, baseline)} format={c.format} />
          </td>
        ))}
      </tr>
    );
  };
  return (
    <div className="staff-table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
      <table className="staff-table indicators-table" id={id}>
        <caption id={`${id}-caption`} className="indicators-table__caption">
          {caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('indicators.table.month')}</th>
            {columns.map((c) => (
              <th key={c.key} scope="col" className="indicators-table__number">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {months.map((m) => row(m, formatMonthLong(m.month, language), false))}
          {row(total, t('indicators.table.total'), true)}
        </tbody>
      </table>
    </div>
  );
}
