/** Calls to the public (anonymous) API: organisation, catalogue, availability, booking. */
import { apiRequest } from './client.ts';
import type {
  AvailabilityView,
  BookingConfirmation,
  BookingRequestBody,
  CaptchaChallenge,
  OrganisationView,
  ProcedureView,
} from './types.ts';

/** The organisation this address belongs to. */
export function fetchOrganisation(signal?: AbortSignal): Promise<OrganisationView> {
  return apiRequest<OrganisationView>('/api/public/organisation', { signal });
}

/** The procedures, localised into `lang`. */
export function fetchProcedures(lang: string, signal?: AbortSignal): Promise<ProcedureView[]> {
  return apiRequest<ProcedureView[]>('/api/public/procedures', { query: { lang }, signal });
}

/** One procedure, localised into `lang`. */
export function fetchProcedure(id: string, lang: string, signal?: AbortSignal): Promise<ProcedureView> {
  return apiRequest<ProcedureView>(`/api/public/procedures/${encodeURIComponent(id)}`, { query: { lang }, signal });
}

/** Free times between two local dates (inclusive, at most 62 days apart). */
export function fetchAvailability(
  procedureId: string,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<AvailabilityView> {
  return apiRequest<AvailabilityView>(`/api/public/procedures/${encodeURIComponent(procedureId)}/availability`, {
    query: { from, to },
    signal,
  });
}

/** A fresh proof-of-work challenge. */
export function fetchCaptchaChallenge(signal?: AbortSignal): Promise<CaptchaChallenge> {
  return apiRequest<CaptchaChallenge>('/api/public/captcha', { signal });
}

/** Books an appointment. */
export function createAppointment(body: BookingRequestBody): Promise<BookingConfirmation> {
  return apiRequest<BookingConfirmation>('/api/public/appointments', { method: 'POST', body });
}
