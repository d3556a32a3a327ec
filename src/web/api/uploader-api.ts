/**
 * Calls of "continue on your phone": the citizen's computer makes and stops
 * phone links; the phone opens a link (the server sets its own uploader
 * cookie), reads what it may upload to, and ends its session when done.
 */
import { UPLOADER_TUS_PATH, type IssuedUploaderView, type UploaderView } from '../../shared/uploader.ts';
import { apiRequest, detectBasePath } from './client.ts';

/** Makes a phone link for the signed-in citizen's appointment, for one slot or for all. */
export function issuePhoneLink(csrfToken: string, slot?: string): Promise<IssuedUploaderView> {
  return apiRequest<IssuedUploaderView>('/api/citizen/appointment/uploaders', { method: 'POST', body: slot === undefined ? {} : { slot }, csrfToken });
}

/** Stops one phone link (and the phone session it became). */
export async function revokePhoneLink(csrfToken: string, id: string): Promise<void> {
  await apiRequest<unknown>(`/api/citizen/appointment/uploaders/${encodeURIComponent(id)}`, { method: 'DELETE', csrfToken });
}

/** Stops every phone link of the appointment that still works. */
export async function revokeAllPhoneLinks(csrfToken: string): Promise<void> {
  await apiRequest<unknown>('/api/citizen/appointment/uploaders', { method: 'DELETE', csrfToken });
}

/** The phone opens a link with its token; fails with 410 (expired, used, stopped) or 404. */
export function openPhoneLink(token: string): Promise<UploaderView> {
  return apiRequest<UploaderView>('/api/uploader/session', { method: 'POST', body: { token } });
}

/** The phone session's view; fails with 401 once the session has ended. */
export function fetchPhoneSession(signal?: AbortSignal): Promise<UploaderView> {
  return apiRequest<UploaderView>('/api/uploader/session', { signal });
}

/** The phone is done: its session ends now. */
export async function endPhoneSession(csrfToken: string): Promise<void> {
  await apiRequest<unknown>('/api/uploader/session', { method: 'DELETE', csrfToken });
}

/** Absolute URL of the phone's tus endpoint, under the organisation's path prefix. */
export function phoneTusEndpoint(): string {
  return new URL(`${detectBasePath(window.location.pathname)}${UPLOADER_TUS_PATH}`, window.location.origin).toString();
}
