/**
 * The in-person baselines as an administrator types them: shares as a
 * percentage (0–100), durations in minutes, counts as whole numbers — and
 * as the API stores them (a share 0–1, seconds, a count).
 */
import type { BaselineMetric } from '../../../../shared/indicators.ts';

/** The unit a baseline is typed in. */
export type BaselineUnit = 'percent' | 'minutes' | 'count';

/** The unit each metric is typed in. */
export const BASELINE_UNITS: Readonly<Record<BaselineMetric, BaselineUnit>> = {
  no_show_rate: 'percent',
  missing_documents_share: 'percent',
  handling_avg_seconds: 'minutes',
  handling_median_seconds: 'minutes',
  requested: 'count',
};

/** What the form's value field holds: a stored value (null = remove the baseline), or why it cannot be one. */
export type ParsedBaseline = { ok: true; value: number | null } | { ok: false; error: 'invalid' | 'too_large' | 'whole_number' };

/** Reads the typed value ("12,5" or "12.5"; empty removes the baseline) into the stored unit. */
export function parseBaselineValue(text: string, metric: BaselineMetric): ParsedBaseline {
  const trimmed = text.trim().replace(/\s/g, '');
  if (trimmed === '') return { ok: true, value: null };
  if (!/^\d+([.,]\d+)?$/.test(trimmed)) return { ok: false, error: 'invalid' };
  const n = Number(trimmed.replace(',', '.'));
  switch (BASELINE_UNITS[metric]) {
    case 'percent':
      return n > 100 ? { ok: false, error: 'too_large' } : { ok: true, value: Math.round(n * 100) / 10_000 };
    case 'minutes':
      return n > 24 * 60 ? { ok: false, error: 'too_large' } : { ok: true, value: Math.round(n * 60) };
    case 'count':
      if (!Number.isInteger(n)) return { ok: false, error: 'whole_number' };
      return n > 1e9 ? { ok: false, error: 'too_large' } : { ok: true, value: n };
  }
}
