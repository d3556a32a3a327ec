/**
 * The in-person baselines from a spreadsheet: a CSV file with the columns
 * `metric`, `month` and `value` (a header row first), one baseline per row
 * — the metric's id, the month as YYYY-MM (or `*` or empty for every
 * month), and the value typed as in the form (a percentage, minutes, a
 * count; empty removes the baseline). Commas or semicolons separate the
 * columns (a spreadsheet in Catalan or Spanish writes semicolons and
 * decimal commas); a field may be quoted. Every row is checked before
 * anything is sent, and each refused row is named with its line number.
 */
import { BASELINE_METRICS, type BaselineMetric } from '../../../../shared/indicators.ts';
import { parseBaselineValue } from './baseline-value.ts';

/** The largest file read (a few thousand rows). */
export const BASELINES_CSV_MAX_BYTES = 64 * 1024;
/** The most rows one import sends (the API's limit). */
export const BASELINES_CSV_MAX_ROWS = 500;

/** Why a row (or the file) was refused. */
export type CsvProblem = 'no_header' | 'too_many_rows' | 'columns' | 'metric' | 'month' | 'invalid' | 'too_large' | 'whole_number' | 'duplicate' | 'empty';

export interface BaselineCsvRow {
  metric: BaselineMetric;
  month: string;
  value: number | null;
}

export type BaselinesCsv = { ok: true; values: BaselineCsvRow[] } | { ok: false; problems: { line: number; problem: CsvProblem }[] };

/** Splits one line into fields: `sep`-separated, double quotes around a field, "" for a quote inside one. */
function fields(line: string, sep: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/** Reads a baselines CSV; all rows or none. */
export function parseBaselinesCsv(text: string): BaselinesCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const sep = headerLine.includes(';') ? ';' : ',';
  const header = fields(headerLine, sep).map((h) => h.toLowerCase());
  const col = { metric: header.indexOf('metric'), month: header.indexOf('month'), value: header.indexOf('value') };
  if (col.metric < 0 || col.month < 0 || col.value < 0) return { ok: false, problems: [{ line: 1, problem: 'no_header' }] };
  const problems: { line: number; problem: CsvProblem }[] = [];
  const values: BaselineCsvRow[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const f = fields(raw, sep);
    if (f.length < header.length) return void problems.push({ line, problem: 'columns' });
    const metric = BASELINE_METRICS.find((m) => m === f[col.metric]);
    if (!metric) return void problems.push({ line, problem: 'metric' });
    const monthText = f[col.month] ?? '';
    const month = monthText === '' ? '*' : monthText;
    if (month !== '*' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return void problems.push({ line, problem: 'month' });
    const parsed = parseBaselineValue(f[col.value] ?? '', metric);
    if (!parsed.ok) return void problems.push({ line, problem: parsed.error });
    const key = `${metric} ${month}`;
    if (seen.has(key)) return void problems.push({ line, problem: 'duplicate' });
    seen.add(key);
    values.push({ metric, month, value: parsed.value });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (values.length === 0) return { ok: false, problems: [{ line: 2, problem: 'empty' }] };
  if (values.length > BASELINES_CSV_MAX_ROWS) return { ok: false, problems: [{ line: BASELINES_CSV_MAX_ROWS + 2, problem: 'too_many_rows' }] };
  return { ok: true, values };
}
