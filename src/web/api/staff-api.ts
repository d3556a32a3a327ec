/**
 * Calls to the staff API: sign-in (password, then an authenticator code when
 * the account has one, or the organisation's identity provider), the
 * person's own account (password, authenticator app, sessions), the agenda,
 * one appointment and its actions, and booking on behalf of a citizen. The session is an HttpOnly cookie; the
 * CSRF token it answers with is kept in memory by the caller and sent on
 * every state change. A 401 from any call but the sign-in itself tells the
 * registered listener, which sends the person back to the sign-in page.
 */
import type { IdType } from '../../shared/id-document.ts';
import type { Language } from '../../shared/limits.ts';
import type { AgendaItem, StaffAppointmentView } from '../../server/workspace/workspace.schema.ts';
import { ApiError, apiRequest, detectBasePath, type RequestOptions } from './client.ts';

/** Staff roles, least to most privileged. */
export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** The signed-in member of staff. */
export interface StaffMe {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  totpEnabled: boolean;
  /** False for accounts that sign in only through the organisation's identity provider. */
  hasPassword: boolean;
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

/** An office of the organisation. */
export interface OfficeRef {
  id: string;
  name: string;
}

/** `GET /api/staff/agenda`. */
export interface AgendaView {
  timeZone: string;
  agents: AgentRef[];
  /** The offices the viewer may look at (their own; every office for an administrator). */
  offices: OfficeRef[];
  appointments: AgendaAppointment[];
}

/** `POST /api/staff/totp`: the new seed, for an authenticator app. */
export interface TotpEnrolment {
  /** `otpauth://totp/…`, which phones open in their authenticator app. */
  uri: string;
  /** The same seed in base32, to type in by hand. */
  secret: string;
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

/** A staff API call: a 401 (the session ended) sends the person to sign in. */
export async function staffRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
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

/** The current session again, after changing the account; a 401 here sends the person to sign in. */
export function refreshMe(signal?: AbortSignal): Promise<StaffSession> {
  return staffRequest<StaffSession>('/api/staff/me', { signal });
}

/** Ends the session (the server clears the cookie). */
export async function signOut(csrfToken: string): Promise<void> {
  await apiRequest<unknown>('/api/staff/session', { method: 'DELETE', csrfToken });
}

/** Whether the organisation lets staff sign in through its identity provider (public; never redirects). */
export function fetchOidcAvailability(signal?: AbortSignal): Promise<{ enabled: boolean }> {
  return apiRequest<{ enabled: boolean }>('/api/staff/oidc', { signal });
}

/**
 * Where the browser goes to sign in through the identity provider: a full
 * page load (the server answers with a redirect), under the organisation's
 * path prefix when there is one, as every API call is.
 */
export function oidcStartHref(): string {
  return `${detectBasePath(window.location.pathname)}/api/staff/oidc/start`;
}

/** Changes the password; fails with `wrong_current_password` or `validation_failed`. The server ends every other session. */
export async function changePassword(csrfToken: string, body: { currentPassword: string; newPassword: string }): Promise<void> {
  await staffRequest<unknown>('/api/staff/password', { method: 'POST', body, csrfToken });
}

/** Starts setting up an authenticator app (a new seed each time); fails with `totp_already_enabled`. */
export function beginTotp(csrfToken: string): Promise<TotpEnrolment> {
  return staffRequest<TotpEnrolment>('/api/staff/totp', { method: 'POST', body: {}, csrfToken });
}

/** Turns the authenticator app on with a code it shows; fails with `invalid_totp` or `totp_already_enabled`. */
export async function confirmTotp(csrfToken: string, code: string): Promise<void> {
  await staffRequest<unknown>('/api/staff/totp/confirm', { method: 'POST', body: { code }, csrfToken });
}

/** Turns the authenticator app off; fails with `wrong_current_password`. */
export async function disableTotp(csrfToken: string, password: string): Promise<void> {
  await staffRequest<unknown>('/api/staff/totp', { method: 'DELETE', body: { password }, csrfToken });
}

/** Ends every session of the signed-in person, this one included; answers how many ended. */
export function revokeAllSessions(csrfToken: string): Promise<{ ended: number }> {
  return staffRequest<{ ended: number }>('/api/staff/sessions/revoke-all', { method: 'POST', body: {}, csrfToken });
}

/** Appointments between two local dates (inclusive), optionally of one agent or one office only. */
export function fetchAgenda(
  query: { from: string; to: string; agentId?: string | undefined; officeId?: string | undefined },
  signal?: AbortSignal,
): Promise<AgendaView> {
  const params: Record<string, string> = { from: query.from, to: query.to };
  if (query.agentId) params.agentId = query.agentId;
  if (query.officeId) params.officeId = query.officeId;
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
