/**
 * Calls to the staff API: sign-in (password, then an authenticator code when
 * the account has one), the agenda, one appointment and its actions, and
 * booking on behalf of a citizen. The session is an HttpOnly cookie; the
 * CSRF token it answers with is kept in memory by the caller and sent on
 * every state change. A 401 from any call but the sign-in itself tells the
 * registered listener, which sends the person back to the sign-in page.
 */
import type { IdType } from '../../shared/id-document.ts';
import type { Language } from '../../shared/limits.ts';
import type { AgendaItem, StaffAppointmentView } from '../../server/workspace/workspace.schema.ts';
import { ApiError, apiRequest, type RequestOptions } from './client.ts';

/** Staff roles, least to most privileged. */
export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** The signed-in member of staff. */
export interface StaffMe {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  totpEnabled: boolean;
  sessionMethod: string;
}

/** What `POST /api/staff/session` and `GET /api/staff/me` answer. */
export interface StaffSession {
  csrfToken: string;
  staff: StaffMe;
}

/** The two ways an appointment can take place. */
export type Channel = AgendaItem['channel'];

/** Support the citizen asked for. */
export type Needs = AgendaItem['needs'];

/** A member of staff as other staff see them. */
export interface AgentRef {
  id: string;
  displayName: string;
}

/** One appointment of the agenda (see the server's workspace schema). */
export type AgendaAppointment = AgendaItem;

/** `GET /api/staff/agenda`. */
export interface AgendaView {
  timeZone: string;
  agents: AgentRef[];
  appointments: AgendaAppointment[];
}

/** The appointment as staff see it in full. */
export type StaffAppointment = StaffAppointmentView['appointment'];

/** One event of an appointment's history; `actor` is `citizen`, `system` or `staff:<id>`. */
export type HistoryEvent = StaffAppointmentView['history'][number];

/** `GET /api/staff/appointments/:id`, also the answer of every action on it. */
export type AppointmentDetail = StaffAppointmentView & {
  /** Agents it may be reassigned to, should the server include them. */
  agents?: AgentRef[];
};

/** Body of `POST /api/staff/appointments`. */
export interface StaffBookingBody {
  procedureId: string;
  startsAt: string;
  channel: Channel;
  citizen: {
    name: string;
    surnames: string;
    idType: IdType;
    idNumber: string;
    email: string;
    phone: string;
    language: Language;
    needs: Needs;
  };
}

/** What a booking made by staff answers. */
export interface StaffBookingResult {
  id: string;
  reference: string;
}

type Listener = () => void;
let onUnauthenticated: Listener | null = null;

/** Registers what to do when a staff call answers 401 (the session ended); returns the unregister function. */
export function setUnauthenticatedListener(listener: Listener): () => void {
  onUnauthenticated = listener;
  return () => {
    if (onUnauthenticated === listener) onUnauthenticated = null;
  };
}

async function staffRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await apiRequest<T>(path, options);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) onUnauthenticated?.();
    throw error;
  }
}

const appointmentPath = (id: string): string => `/api/staff/appointments/${encodeURIComponent(id)}`;

/** Signs in; fails with `invalid_credentials`, `totp_required` or `access_locked` (never redirects). */
export function signIn(credentials: { email: string; password: string; totp?: string }): Promise<StaffSession> {
  return apiRequest<StaffSession>('/api/staff/session', { method: 'POST', body: credentials });
}

/** The current session (after a reload the CSRF token comes from here); 401 when signed out. */
export function fetchMe(signal?: AbortSignal): Promise<StaffSession> {
  return apiRequest<StaffSession>('/api/staff/me', { signal });
}

/** Ends the session (the server clears the cookie). */
export async function signOut(csrfToken: string): Promise<void> {
  await apiRequest<unknown>('/api/staff/session', { method: 'DELETE', csrfToken });
}

/** Appointments between two local dates (inclusive), optionally of one agent only. */
export function fetchAgenda(query: { from: string; to: string; agentId?: string | undefined }, signal?: AbortSignal): Promise<AgendaView> {
  const params: Record<string, string> = { from: query.from, to: query.to };
  if (query.agentId) params.agentId = query.agentId;
  return staffRequest<AgendaView>('/api/staff/agenda', { query: params, signal });
}

/** One appointment with its history and what the signed-in person may do with it. */
export function fetchAppointment(id: string, signal?: AbortSignal): Promise<AppointmentDetail> {
  return staffRequest<AppointmentDetail>(appointmentPath(id), { signal });
}

/** Books an appointment on behalf of a citizen (by phone or at the desk). */
export function createStaffAppointment(csrfToken: string, body: StaffBookingBody): Promise<StaffBookingResult> {
  return staffRequest<StaffBookingResult>('/api/staff/appointments', { method: 'POST', body, csrfToken });
}

/** Turns an in-person appointment into a video call; the citizen gets the email with link and password. */
export function offerVideo(csrfToken: string, id: string): Promise<AppointmentDetail> {
  return staffRequest<AppointmentDetail>(`${appointmentPath(id)}/offer-video`, { method: 'POST', body: {}, csrfToken });
}

/** Gives the appointment to another agent; fails with `agent_busy` when they are not free then. */
export function reassignAppointment(csrfToken: string, id: string, agentId: string): Promise<AppointmentDetail> {
  return staffRequest<AppointmentDetail>(`${appointmentPath(id)}/reassign`, { method: 'POST', body: { agentId }, csrfToken });
}

/** Cancels the appointment. */
export function cancelStaffAppointment(csrfToken: string, id: string): Promise<AppointmentDetail> {
  return staffRequest<AppointmentDetail>(`${appointmentPath(id)}/cancel`, { method: 'POST', body: {}, csrfToken });
}
