/**
 * How the dashboard writes its figures, with `Intl.NumberFormat` in the UI
 * language: counts, averages with one decimal, shares as percentages,
 * durations in minutes, months short or long. Unknown figures are null
 * here and are never written as 0 (the page shows "—" with a hidden
 * "unknown").
 */
import { intlLocale } from '../../../i18n/format.ts';

/** A count or an average: up to `decimals` decimals. */
export function formatNumber(value: number, language: string, decimals = 1): string {
  return new Intl.NumberFormat(intlLocale(language), { maximumFractionDigits: decimals }).format(value);
}

/** A share (0–1) as a percentage: "12,5 %". */
export function formatPercent(share: number, language: string, decimals = 1): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'percent', maximumFractionDigits: decimals }).format(share);
}

/** A duration in seconds as minutes: "12,5 min". */
export function formatMinutes(seconds: number, language: string, decimals = 1): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: decimals }).format(
    seconds / 60,
  );
}

/** A YYYY-MM month in full: "novembre de 2026". */
export function formatMonthLong(month: string, language: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T12:00:00Z`));
}

/** A YYYY-MM month for a chart's axis: "nov." (with the year in January and on the first month shown: "gen. 2026"). */
export function formatMonthAxis(month: string, language: string, withYear: boolean): string {
  return new Intl.DateTimeFormat(intlLocale(language), { month: 'short', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(
    new Date(`${month}-15T12:00:00Z`),
  );
}
