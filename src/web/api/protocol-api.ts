/**
 * The guided protocol (see `src/shared/protocol.ts`): the agent's steps, the
 * form as they fill it, the one-time code; the citizen's read-only view,
 * their confirmation and their signature with the code.
 */
import type { CitizenProtocolView, ProtocolStep, ProtocolView } from '../../shared/protocol.ts';
import { apiRequest } from './client.ts';

const staffPath = (appointmentId: string) => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/protocol`;

/** A form's data as the agent's screen sends it: field key → value (an address is an object of its parts). */
export type FormInput = Record<string, string | number | boolean | null | Record<string, string>>;

/** The protocol of an appointment as staff see it, labels in the UI language. */
export function fetchProtocol(appointmentId: string, signal?: AbortSignal): Promise<ProtocolView> {
  return apiRequest<ProtocolView>(staffPath(appointmentId), { signal });
}

/** Completes a step; `body` is what the step needs (the ID number shown, the form's data, or nothing). */
export function completeProtocolStep(appointmentId: string, step: ProtocolStep, body: object, csrfToken: string): Promise<ProtocolView> {
  return apiRequest<ProtocolView>(`${staffPath(appointmentId)}/steps/${step}/complete`, { method: 'POST', body, csrfToken });
}

/** Skips a step with a written reason, kept verbatim in the evidence. */
export function skipProtocolStep(appointmentId: string, step: ProtocolStep, reason: string, csrfToken: string): Promise<ProtocolView> {
  return apiRequest<ProtocolView>(`${staffPath(appointmentId)}/steps/${step}/skip`, { method: 'POST', body: { reason }, csrfToken });
}

/** Saves the form as filled so far (the citizen's screen follows each save). */
export function saveProtocolForm(appointmentId: string, data: FormInput, csrfToken: string): Promise<ProtocolView> {
  return apiRequest<ProtocolView>(`${staffPath(appointmentId)}/form`, { method: 'PUT', body: { data }, csrfToken });
}

/** The agent read the saved data aloud to the citizen. */
export function markProtocolReadAloud(appointmentId: string, csrfToken: string): Promise<ProtocolView> {
  return apiRequest<ProtocolView>(`${staffPath(appointmentId)}/form/read-aloud`, { method: 'POST', body: {}, csrfToken });
}

/** Sends the citizen a one-time code by email, to sign instead of pressing the button. */
export function sendProtocolOtp(appointmentId: string, csrfToken: string): Promise<ProtocolView> {
  return apiRequest<ProtocolView>(`${staffPath(appointmentId)}/consent/otp`, { method: 'POST', body: {}, csrfToken });
}

/** The protocol as the citizen's screen shows it. */
export function fetchCitizenProtocol(signal?: AbortSignal): Promise<CitizenProtocolView> {
  return apiRequest<CitizenProtocolView>('/api/citizen/appointment/protocol', { signal });
}

/** The citizen confirms the data their screen shows (identified by its SHA-256). */
export function confirmProtocol(formSha256: string, csrfToken: string): Promise<CitizenProtocolView> {
  return apiRequest<CitizenProtocolView>('/api/citizen/appointment/protocol/consent', { method: 'POST', body: { formSha256 }, csrfToken });
}

/** The citizen signs the data with the code from their email. */
export function signProtocolWithCode(code: string, formSha256: string, csrfToken: string): Promise<CitizenProtocolView> {
  return apiRequest<CitizenProtocolView>('/api/citizen/appointment/protocol/otp', { method: 'POST', body: { code, formSha256 }, csrfToken });
}
