import { describe, expect, it } from 'vitest';
import { linearScale, linePath, niceMax, spreadLabels, ticks } from './chart-scale.ts';
import { formatMinutes, formatNumber, formatPercent } from './indicators-format.ts';
import { addMonths, apiQuery, indicatorsHref, monthRange, readIndicatorsQuery } from './indicators-query.ts';

describe('indicators query ↔ filters', () => {
  it('defaults to the last 12 months up to the current one', () => {
    expect(readIndicatorsQuery(new URLSearchParams(''), '2026-11')).toEqual({ from: '2025-12', to: '2026-11', procedureId: '', officeId: '', agentId: '' });
  });

  it('reads a shared address back into the same filters', () => {
    const filters = { from: '2026-01', to: '2026-03', procedureId: 'p1', officeId: '', agentId: 'agent-7' };
    const href = indicatorsHref(filters);
    expect(href).toBe('/staff/indicators?from=2026-01&to=2026-03&procedureId=p1&agentId=agent-7');
    expect(readIndicatorsQuery(new URLSearchParams(href.split('?')[1]), '2026-11')).toEqual(filters);
    expect(apiQuery(filters)).toEqual({ from: '2026-01', to: '2026-03', procedureId: 'p1', agentId: 'agent-7' });
  });

  it('repairs malformed, reversed and too long ranges', () => {
    expect(readIndicatorsQuery(new URLSearchParams('from=2026-13&to=nope&agentId=<x>'), '2026-11')).toMatchObject({ from: '2025-12', to: '2026-11', agentId: '' });
    expect(readIndicatorsQuery(new URLSearchParams('from=2026-05&to=2026-02'), '2026-11')).toMatchObject({ from: '2026-02', to: '2026-05' });
    expect(readIndicatorsQuery(new URLSearchParams('from=2020-01&to=2026-11'), '2026-11')).toMatchObject({ from: '2024-12', to: '2026-11' });
  });

  it('counts months across years', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-11', -11)).toBe('2025-12');
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-02', '2026-01')).toEqual([]);
  });
});

describe('chart scales', () => {
  it('rounds the axis up to a nice number', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(0, 10)).toBe(10);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(0.23)).toBe(0.25);
    expect(niceMax(0.3)).toBe(0.5);
    expect(niceMax(140)).toBe(200);
  });

  it('spaces ticks evenly from 0', () => {
    expect(ticks(10)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(ticks(0.5, 5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('maps values to pixels, upside down for y', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(150);
  });

  it('breaks the line where a figure is unknown instead of drawing 0', () => {
    expect(linePath([{ x: 0, y: 10 }, { x: 10, y: 20 }, null, { x: 30, y: 5 }])).toBe('M0 10 L10 20 M30 5');
    expect(linePath([null, null])).toBe('');
  });

  it('pushes direct labels apart within the chart', () => {
    expect(spreadLabels([50, 50, 200], 14, 0, 300)).toEqual([50, 64, 200]);
    expect(spreadLabels([100, 100, 100], 14, 0, 110)).toEqual([82, 96, 110]);
  });
});

describe('indicators numbers', () => {
  it('writes numbers and percentages the way the language does', () => {
    expect(formatNumber(9.25, 'ca')).toBe('9,3');
    expect(formatNumber(1234, 'en')).toBe('1,234');
    expect(formatPercent(1, 'en')).toBe('100%');
    expect(formatPercent(0.125, 'es').replace(/\s/g, ' ')).toBe('12,5 %');
    expect(formatMinutes(750, 'ca')).toMatch(/^12,5\smin$/);
  });
});

describe('baseline values as typed', () => {
  it('stores percentages as shares, minutes as seconds, counts as counts', async () => {
    const { parseBaselineValue } = await import('./baseline-value.ts');
    expect(parseBaselineValue('12,5', 'no_show_rate')).toEqual({ ok: true, value: 0.125 });
    expect(parseBaselineValue('20', 'handling_median_seconds')).toEqual({ ok: true, value: 1200 });
    expect(parseBaselineValue('340', 'requested')).toEqual({ ok: true, value: 340 });
    expect(parseBaselineValue('  ', 'requested')).toEqual({ ok: true, value: null });
  });

  it('refuses what cannot be a figure', async () => {
    const { parseBaselineValue } = await import('./baseline-value.ts');
    expect(parseBaselineValue('abc', 'requested')).toEqual({ ok: false, error: 'invalid' });
    expect(parseBaselineValue('-3', 'requested')).toEqual({ ok: false, error: 'invalid' });
    expect(parseBaselineValue('101', 'missing_documents_share')).toEqual({ ok: false, error: 'too_large' });
    expect(parseBaselineValue('2,5', 'requested')).toEqual({ ok: false, error: 'whole_number' });
  });
});

describe('nice ticks', () => {
  it('gives whole steps for counts and nice decimal steps otherwise', async () => {
    const { niceMax: top, niceTicks } = await import('./chart-scale.ts');
    expect(top(1, 1, true)).toBe(1);
    expect(top(3, 1, true)).toBe(5);
    expect(top(2.2, 1, true)).toBe(5);
    expect(niceTicks(1, true)).toEqual({ values: [0, 1], decimals: 0 });
    expect(niceTicks(5, true)).toEqual({ values: [0, 1, 2, 3, 4, 5], decimals: 0 });
    expect(niceTicks(20, true)).toEqual({ values: [0, 5, 10, 15, 20], decimals: 0 });
    expect(niceTicks(1)).toEqual({ values: [0, 0.2, 0.4, 0.6, 0.8, 1], decimals: 1 });
    expect(niceTicks(0.25)).toEqual({ values: [0, 0.05, 0.1, 0.15, 0.2, 0.25], decimals: 2 });
    expect(niceTicks(10)).toEqual({ values: [0, 2, 4, 6, 8, 10], decimals: 0 });
  });
});

describe('indicators catalogues', () => {
  it('name every baseline metric in every language (the form builds these keys at run time)', async () => {
    const { BASELINE_METRICS } = await import('../../../../shared/indicators.ts');
    for (const language of ['ca', 'es', 'en']) {
      const catalogue = ((await import(`../../../i18n/locales/indicators/${language}.json`)) as { default: { indicators: { metric: Record<string, string> } } }).default;
      for (const metric of BASELINE_METRICS) expect(catalogue.indicators.metric[metric], `${language}:${metric}`).toBeTruthy();
    }
  });
});

describe('CSV link', () => {
  it('keeps the organisation path prefix and the same query', async () => {
    const { indicatorsCsvHref } = await import('../../../api/indicators-api.ts');
    expect(indicatorsCsvHref({ from: '2026-01', to: '2026-03', officeId: 'o1' }, '/o/rubi/staff/indicators')).toBe(
      '/o/rubi/api/staff/indicators.csv?from=2026-01&to=2026-03&officeId=o1',
    );
    expect(indicatorsCsvHref({ from: '2026-01', to: '2026-03' }, '/staff/indicators')).toBe('/api/staff/indicators.csv?from=2026-01&to=2026-03');
  });
});
