/**
 * The service indicators API (issue 8) as the supervisors' dashboard calls
 * it: the figures, the anonymous survey comments and the in-person
 * baselines. The CSV export is a plain link, so its address is built here.
 */
import type { BaselineMetric, BaselineView, IndicatorsView, ProcedureIndicators, SurveyCommentView } from '../../shared/indicators.ts';
import { detectBasePath } from './client.ts';
import { staffRequest } from './staff-api.ts';

/** The query of every indicators call: the month range and the optional filters (empty = all). */
export type IndicatorsApiQuery = Record<string, string>;

/** The figures by month, the whole range, the baselines and what the viewer may filter by. */
export function fetchIndicators(query: IndicatorsApiQuery, signal?: AbortSignal): Promise<IndicatorsView> {
  return staffRequest<IndicatorsView>('/api/staff/indicators', { query, signal });
}

/** The anonymous survey comments of the same scope (supervisors and administrators only). */
export async function fetchSurveyComments(query: IndicatorsApiQuery, signal?: AbortSignal): Promise<SurveyCommentView[]> {
  return (await staffRequest<{ comments: SurveyCommentView[] }>('/api/staff/indicators/comments', { query, signal })).comments;
}

/** The range's figures for each procedure of the viewer's scope, most requested first. */
export async function fetchIndicatorsByProcedure(query: IndicatorsApiQuery, signal?: AbortSignal): Promise<ProcedureIndicators[]> {
  const { procedureId: _p, ...rest } = query;
  return (await staffRequest<{ procedures: ProcedureIndicators[] }>('/api/staff/indicators/by-procedure', { query: rest, signal })).procedures;
}

/** One baseline to set (a number) or remove (null), for one month or every month (`*`). */
export interface BaselineChange {
  metric: BaselineMetric;
  month: string;
  value: number | null;
}

/** Sets or removes in-person baselines (administrators); answers every stored baseline. */
export async function saveBaselines(csrfToken: string, values: readonly BaselineChange[]): Promise<BaselineView[]> {
  return (await staffRequest<{ baselines: BaselineView[] }>('/api/staff/indicators/baselines', { method: 'PUT', body: { values }, csrfToken })).baselines;
}

/** The address of the CSV export of the same table, under the organisation's path prefix when there is one. */
/** The monthly report (PDF) of `month` with the same filters (`from`/`to` are not part of it). */
export function indicatorsReportHref(month: string, query: IndicatorsApiQuery, pathname: string = window.location.pathname): string {
  const { from: _from, to: _to, ...filters } = query;
  return `${detectBasePath(pathname)}/api/staff/indicators/report.pdf?${new URLSearchParams({ month, ...filters }).toString()}`;
}

export function indicatorsCsvHref(query: IndicatorsApiQuery, pathname: string = window.location.pathname): string {
  return `${detectBasePath(pathname)}/api/staff/indicators.csv?${new URLSearchParams(query).toString()}`;
}
