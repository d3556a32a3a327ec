import { describe, expect, it } from 'vitest';
import { parseBaselinesCsv } from './baselines-csv.ts';

describe('baselines from a CSV file', () => {
  it('reads a spreadsheet in Catalan (semicolons, decimal commas, a BOM) into the stored units', () => {
    const csv = '\uFEFFmetric;month;value\r\nno_show_rate;2026-01;12,5\r\nhandling_avg_seconds;;14\r\nrequested;*;320\r\nmissing_documents_share;2026-02;\r\n\r\n';
    expect(parseBaselinesCsv(csv)).toEqual({
      ok: true,
      values: [
        { metric: 'no_show_rate', month: '2026-01', value: 0.125 },
        { metric: 'handling_avg_seconds', month: '*', value: 840 },
        { metric: 'requested', month: '*', value: 320 },
        { metric: 'missing_documents_share', month: '2026-02', value: null },
      ],
    });
  });

  it('reads commas with quoted decimal commas, columns in any order', () => {
    expect(parseBaselinesCsv('value,metric,month\n"7,5",no_show_rate,2026-03\n')).toEqual({ ok: true, values: [{ metric: 'no_show_rate', month: '2026-03', value: 0.075 }] });
  });

  it('refuses the whole file, naming every bad line and why', () => {
    const csv = ['metric,month,value', 'no_show_rate,2026-13,5', 'shows,2026-01,5', 'no_show_rate,2026-01,101', 'requested,2026-01,2.5', 'no_show_rate,2026-02,x', 'requested,*,3', 'requested,,4', 'requested'].join('\n');
    expect(parseBaselinesCsv(csv)).toEqual({
      ok: false,
      problems: [
        { line: 2, problem: 'month' },
        { line: 3, problem: 'metric' },
        { line: 4, problem: 'too_large' },
        { line: 5, problem: 'whole_number' },
        { line: 6, problem: 'invalid' },
        { line: 8, problem: 'duplicate' },
        { line: 9, problem: 'columns' },
      ],
    });
  });

  it('needs the header row and at least one baseline', () => {
    expect(parseBaselinesCsv('no_show_rate,2026-01,5\n')).toEqual({ ok: false, problems: [{ line: 1, problem: 'no_header' }] });
    expect(parseBaselinesCsv('metric,month,value\n\n')).toEqual({ ok: false, problems: [{ line: 2, problem: 'empty' }] });
  });
});
