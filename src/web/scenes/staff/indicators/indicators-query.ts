/**
 * The dashboard's filters ↔ its address: the month range and the optional
 * procedure, office and agent live in the query string, so a view can be
 * shared. A missing or malformed range falls back to the last 12 months up
 * to the current one; a range longer than the API allows keeps its end.
 */
import { INDICATORS_MAX_MONTHS } from '../../../../shared/indicators.ts';

/** What the dashboard shows; empty ids mean "all". */
export interface IndicatorsFilters {
  from: string;
  to: string;
  procedureId: string;
  officeId: string;
  agentId: string;
}

/** Months shown by default: the last 12 up to the current one. */
export const DEFAULT_MONTHS = 12;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ID = /^[\w-]{1,64}$/;

/** Adds `n` months (negative to go back) to a YYYY-MM month. */
export function addMonths(month: string, n: number): string {
  const [year = 0, m = 1] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Months from `from` to `to`, both included (empty when `from` is after `to`). */
export function monthRange(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to && months.length <= 1200; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** The filters an address asks for, with the defaults filled in. */
export function readIndicatorsQuery(search: URLSearchParams, currentMonth: string): IndicatorsFilters {
  const id = (key: string): string => {
    const value = search.get(key) ?? '';
    return ID.test(value) ? value : '';
  };
  let to = search.get('to') ?? '';
  let from = search.get('from') ?? '';
  if (!MONTH.test(to)) to = currentMonth;
  if (!MONTH.test(from)) from = addMonths(to, -(DEFAULT_MONTHS - 1));
  if (from > to) [from, to] = [to, from];
  const earliest = addMonths(to, -(INDICATORS_MAX_MONTHS - 1));
  if (from < earliest) from = earliest;
  return { from, to, procedureId: id('procedureId'), officeId: id('officeId'), agentId: id('agentId') };
}

/** The API's query for these filters (the same for the JSON, the CSV and the comments). */
export function apiQuery(filters: IndicatorsFilters): Record<string, string> {
  const query: Record<string, string> = { from: filters.from, to: filters.to };
  if (filters.procedureId) query.procedureId = filters.procedureId;
  if (filters.officeId) query.officeId = filters.officeId;
  if (filters.agentId) query.agentId = filters.agentId;
  return query;
}

/** The dashboard's address for these filters (the range always written out, so a shared link shows the same months later). */
export function indicatorsHref(filters: IndicatorsFilters): string {
  return `/staff/indicators?${new URLSearchParams(apiQuery(filters)).toString()}`;
}
