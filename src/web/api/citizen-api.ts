/** Calls to the citizen area: session by personal link + password, cancel, reschedule. */
import { apiRequest } from './client.ts';
import type { CitizenAppointmentView, CitizenSession } from './types.ts';

/** Opens a session with the personal link's token and the emailed password (sets an HttpOnly cookie). */
export function logIn(token: string, password: string): Promise<CitizenSession> {
  return apiRequest<CitizenSession>('/api/citizen/session', { method: 'POST', body: { token, password } });
}

/** The current session's appointment; fails with 401 when there is no valid session cookie. */
export function fetchSession(signal?: AbortSignal): Promise<CitizenSession> {
  return apiRequest<CitizenSession>('/api/citizen/appointment', { signal });
}

/** Cancels the appointment. */
export async function cancelAppointment(csrfToken: string): Promise<CitizenAppointmentView> {
  const result = await apiRequest<{ appointment: CitizenAppointmentView }>('/api/citizen/appointment/cancel', {
    method: 'POST',
    body: {},
    csrfToken,
  });
  return result.appointment;
}

/** Moves the appointment to another free time. */
export async function rescheduleAppointment(csrfToken: string, startsAt: string): Promise<CitizenAppointmentView> {
  const result = await apiRequest<{ appointment: CitizenAppointmentView }>('/api/citizen/appointment/reschedule', {
    method: 'POST',
    body: { startsAt },
    csrfToken,
  });
  return result.appointment;
}

/** Ends the session (the server clears the cookie). */
export async function logOut(csrfToken: string | undefined): Promise<void> {
  await apiRequest<unknown>('/api/citizen/session', { method: 'DELETE', csrfToken });
}
