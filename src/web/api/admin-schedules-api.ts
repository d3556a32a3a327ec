/**
 * The offices-and-schedules API of the administration console (issue 9):
 * offices, agents' weekly hours, closures (one by one or from an .ics
 * file) and the capacity calendar. Changes need the session's CSRF token.
 */
import type {
  AgentScheduleView,
  AgentView,
  CalendarView,
  ClosureView,
  ImportView,
  OfficeView,
  OrphanView,
  WindowView,
} from '../../server/schedules/schedules.schema.ts';
import { ApiError } from './client.ts';
import { staffRequest } from './staff-api.ts';

export type { AgentScheduleView, AgentView, CalendarView, ClosureView, ImportView, OfficeView, OrphanView, WindowView };

/** Every office, with how many staff belong to it and windows are worked there. */
export async function fetchOffices(signal?: AbortSignal): Promise<OfficeView[]> {
  return (await staffRequest<{ offices: OfficeView[] }>('/api/admin/offices', { signal })).offices;
}

/** Creates an office. */
export function createOffice(csrfToken: string, name: string): Promise<OfficeView> {
  return staffRequest<OfficeView>('/api/admin/offices', { method: 'POST', body: { name }, csrfToken });
}

/** Renames an office. */
export function renameOffice(csrfToken: string, id: string, name: string): Promise<OfficeView> {
  return staffRequest<OfficeView>(`/api/admin/offices/${encodeURIComponent(id)}`, { method: 'PUT', body: { name }, csrfToken });
}

/** Removes an unused office (409 `office_in_use` otherwise). */
export function removeOffice(csrfToken: string, id: string): Promise<void> {
  return staffRequest<undefined>(`/api/admin/offices/${encodeURIComponent(id)}`, { method: 'DELETE', csrfToken });
}

/** The staff to choose an agent from. */
export async function fetchAgents(signal?: AbortSignal): Promise<AgentView[]> {
  return (await staffRequest<{ agents: AgentView[] }>('/api/admin/schedules/agents', { signal })).agents;
}

/** One agent's weekly windows and the offices to choose from. */
export function fetchAgentSchedule(staffId: string, signal?: AbortSignal): Promise<AgentScheduleView> {
  return staffRequest<AgentScheduleView>(`/api/admin/schedules/agents/${encodeURIComponent(staffId)}`, { signal });
}

/** A weekly window as the form sends it ("" = not given). */
export interface WindowBody {
  weekday: number;
  start: string;
  end: string;
  validFrom: string;
  validTo: string;
  officeId: string;
}

/** Adds a weekly window. */
export function addWindow(csrfToken: string, staffId: string, body: WindowBody): Promise<WindowView> {
  return staffRequest<WindowView>(`/api/admin/schedules/agents/${encodeURIComponent(staffId)}/windows`, { method: 'POST', body, csrfToken });
}

/** Changes a weekly window (409 `schedule_orphans` when it would strand appointments). */
export function changeWindow(csrfToken: string, staffId: string, windowId: string, body: WindowBody): Promise<WindowView> {
  return staffRequest<WindowView>(`/api/admin/schedules/agents/${encodeURIComponent(staffId)}/windows/${encodeURIComponent(windowId)}`, { method: 'PUT', body, csrfToken });
}

/** Removes a weekly window (409 `schedule_orphans` when it would strand appointments). */
export function removeWindow(csrfToken: string, staffId: string, windowId: string): Promise<void> {
  return staffRequest<undefined>(`/api/admin/schedules/agents/${encodeURIComponent(staffId)}/windows/${encodeURIComponent(windowId)}`, { method: 'DELETE', csrfToken });
}

/** Closures and special days between two local dates. */
export async function fetchClosures(from: string, to: string, signal?: AbortSignal): Promise<ClosureView[]> {
  return (await staffRequest<{ closures: ClosureView[] }>('/api/admin/closures', { query: { from, to }, signal })).closures;
}

/** A closure as the form sends it ("" = not given). */
export interface ClosureBody {
  date: string;
  staffId: string;
  kind: 'closed' | 'open';
  start: string;
  end: string;
  reason: string;
}

/** Adds a closure or special day. */
export function addClosure(csrfToken: string, body: ClosureBody): Promise<ClosureView> {
  return staffRequest<ClosureView>('/api/admin/closures', { method: 'POST', body, csrfToken });
}

/** Removes a closure or special day. */
export function removeClosure(csrfToken: string, id: string): Promise<void> {
  return staffRequest<undefined>(`/api/admin/closures/${encodeURIComponent(id)}`, { method: 'DELETE', csrfToken });
}

/** Reads an .ics file's text: previews it, or with `commit` adds its closures. */
export function importClosures(csrfToken: string, body: { content: string; staffId: string; commit: boolean }): Promise<ImportView> {
  return staffRequest<ImportView>('/api/admin/closures/import', { method: 'POST', body, csrfToken });
}

/** The capacity calendar of a month ("YYYY-MM"), optionally of one office or agent. */
export function fetchCalendar(query: { month: string; officeId?: string; staffId?: string }, signal?: AbortSignal): Promise<CalendarView> {
  const q: Record<string, string> = { month: query.month };
  if (query.officeId) q.officeId = query.officeId;
  if (query.staffId) q.staffId = query.staffId;
  return staffRequest<CalendarView>('/api/admin/calendar', { query: q, signal });
}

/** The appointments a refused change would have stranded, when that is why it was refused. */
export function orphansOf(error: unknown): OrphanView[] | null {
  if (!(error instanceof ApiError) || error.id !== 'schedule_orphans') return null;
  const list = error.details.appointments;
  return Array.isArray(list) ? (list as OrphanView[]) : [];
}
