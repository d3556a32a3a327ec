/**
 * The period the agenda shows: one day, or the Monday-to-Sunday week holding
 * it (weeks start on Monday in Spain, ISO 8601). Dates are the organisation's
 * local calendar days, "YYYY-MM-DD"; the state lives in the address
 * (`?view=week&date=…&office=…&agent=…`) so reloads, links and "Back" keep it.
 */
import { addDays } from '../../i18n/format.ts';

/** One day or a whole week. */
export type AgendaViewMode = 'day' | 'week';

/** What the agenda's address asks for. */
export interface AgendaQuery {
  mode: AgendaViewMode;
  /** A day inside the period. */
  date: string;
  /** Only this agent's appointments; '' for all. */
  agentId: string;
  /** Only this office's appointments; '' for every office the viewer may see. */
  officeId: string;
}

/** The days of a period, first to last. */
export interface AgendaPeriod {
  from: string;
  to: string;
  days: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: string | null): value is string {
  if (!value || !DATE.test(value)) return false;
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Day of the week, 0 = Monday … 6 = Sunday. */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the week holding `date`. */
export function weekStart(date: string): string {
  return addDays(date, -weekdayIndex(date));
}

/** The days shown for `mode` around `date`. */
export function periodOf(mode: AgendaViewMode, date: string): AgendaPeriod {
  if (mode === 'day') return { from: date, to: date, days: [date] };
  const from = weekStart(date);
  const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
  return { from, to: addDays(from, 6), days };
}

/** The day inside the previous (-1) or next (+1) period. */
export function shiftDate(mode: AgendaViewMode, date: string, direction: -1 | 1): string {
  return addDays(mode === 'day' ? date : weekStart(date), direction * (mode === 'day' ? 1 : 7));
}

/** Reads the agenda's query string, falling back to today's single day for anything missing or malformed. */
export function readAgendaQuery(search: URLSearchParams, today: string): AgendaQuery {
  const date = search.get('date');
  return {
    mode: search.get('view') === 'week' ? 'week' : 'day',
    date: isLocalDate(date) ? date : today,
    agentId: search.get('agent') ?? '',
    officeId: search.get('office') ?? '',
  };
}

/** The agenda's address for `query` (defaults left out, so "today" stays a clean `/staff`). */
export function agendaHref(query: AgendaQuery, today: string): string {
  const params = new URLSearchParams();
  if (query.mode === 'week') params.set('view', 'week');
  if (query.date !== today) params.set('date', query.date);
  if (query.officeId) params.set('office', query.officeId);
  if (query.agentId) params.set('agent', query.agentId);
  const text = params.toString();
  return text ? `/staff?${text}` : '/staff';
}

/** True when the period already contains `today`. */
export function containsDay(period: AgendaPeriod, today: string): boolean {
  return period.from <= today && today <= period.to;
}
