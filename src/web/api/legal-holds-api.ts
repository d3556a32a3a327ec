/** Legal holds on appointments (server: src/server/retention/legal-holds.routes.ts). */
import type { LegalHoldView } from '../../shared/legal-holds.ts';
import { apiRequest } from './client.ts';

export type { LegalHoldView };

/** The organisation's active holds the supervisor may see, oldest first. */
export async function fetchActiveHolds(signal?: AbortSignal): Promise<LegalHoldView[]> {
  return (await apiRequest<{ holds: LegalHoldView[] }>('/api/staff/legal-holds', { signal })).holds;
}

/** An appointment's holds, newest first (the active one, if any, and those released). */
export async function fetchAppointmentHolds(appointmentId: string, signal?: AbortSignal): Promise<LegalHoldView[]> {
  return (await apiRequest<{ holds: LegalHoldView[] }>(`/api/staff/appointments/${encodeURIComponent(appointmentId)}/legal-holds`, { signal })).holds;
}

/** Places a hold (reason: 3–500 characters). */
export async function placeLegalHold(csrfToken: string, appointmentId: string, reason: string): Promise<LegalHoldView> {
  return (await apiRequest<{ hold: LegalHoldView }>(`/api/staff/appointments/${encodeURIComponent(appointmentId)}/legal-holds`, { method: 'POST', body: { reason }, csrfToken })).hold;
}

/** Releases an active hold. */
export async function releaseLegalHold(csrfToken: string, appointmentId: string, holdId: string): Promise<LegalHoldView> {
  return (
    await apiRequest<{ hold: LegalHoldView }>(`/api/staff/appointments/${encodeURIComponent(appointmentId)}/legal-holds/${encodeURIComponent(holdId)}/release`, {
      method: 'POST',
      body: {},
      csrfToken,
    })
  ).hold;
}
