/**
 * Calls about interpreters: the agent's invitations of an appointment (list,
 * create, revoke; the staff cookie and the CSRF token), and the interpreter's
 * own page, which has no account: the link's token is sent in the body. The
 * contract is `src/shared/interpreters.ts`.
 */
import type {
  CreatedInvitationView,
  InterpreterInvitationView,
  InvitationRequest,
  StaffInvitationsView,
} from '../../shared/interpreters.ts';
import { ApiError, apiRequest, type RequestOptions } from './client.ts';
import { refreshMe } from './staff-api.ts';

async function staffCall<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await apiRequest<T>(path, options);
  } catch (error) {
    // A 401 goes through the staff area's "session ended" listener, which sends the person to sign in.
    if (error instanceof ApiError && error.status === 401) await refreshMe().catch(() => undefined);
    throw error;
  }
}

const invitationsPath = (appointmentId: string): string => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/interpreters`;

/** An appointment's interpreter invitations, newest first. */
export function fetchInvitations(appointmentId: string, signal?: AbortSignal): Promise<StaffInvitationsView> {
  return staffCall<StaffInvitationsView>(invitationsPath(appointmentId), { signal });
}

/** Creates an invitation; the answer holds the link, the only time it can be read. */
export function createInvitation(csrfToken: string, appointmentId: string, body: InvitationRequest): Promise<CreatedInvitationView> {
  return staffCall<CreatedInvitationView>(invitationsPath(appointmentId), { method: 'POST', body, csrfToken });
}

/** Revokes an invitation (an interpreter in the call is taken out of it); answers the invitations again. */
export function revokeInvitation(csrfToken: string, appointmentId: string, invitationId: string): Promise<StaffInvitationsView> {
  return staffCall<StaffInvitationsView>(`${invitationsPath(appointmentId)}/${encodeURIComponent(invitationId)}/revoke`, {
    method: 'POST',
    body: {},
    csrfToken,
  });
}

/** What a link is for, as its holder may see it; fails with `invitation_not_found`, `_expired` or `_revoked`. */
export function fetchInterpreterInvitation(token: string, signal?: AbortSignal): Promise<InterpreterInvitationView> {
  return apiRequest<InterpreterInvitationView>('/api/interpreter/invitation', { method: 'POST', body: { token }, signal });
}

/** The link's holder consents to the recording of the call. */
export function consentToRecording(token: string): Promise<InterpreterInvitationView> {
  return apiRequest<InterpreterInvitationView>('/api/interpreter/invitation/consent', { method: 'POST', body: { token, consents: { recording: true } } });
}
