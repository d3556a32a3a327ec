/**
 * Calls of the agent's document pre-check: an appointment's documents as
 * staff see them, accepting or rejecting one (a rejection emails the
 * citizen), re-opening uploads past the deadline, and the address of a
 * document's bytes for the in-browser viewer. The contract is
 * `src/shared/documents.ts`; the session is the staff cookie, and every
 * state change carries the CSRF token.
 */
import type { ReviewRequest, StaffDocumentsView } from '../../shared/documents.ts';
import { ApiError, apiRequest, detectBasePath, type RequestOptions } from './client.ts';
import { refreshMe } from './staff-api.ts';

/** One document as staff see it (see the shared contract). */
export type StaffDocument = StaffDocumentsView['slots'][number]['documents'][number];

/** One slot as staff see it: a document the procedure asks for, or "other documents". */
export type StaffDocumentSlot = StaffDocumentsView['slots'][number];

async function staffDocumentsRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await apiRequest<T>(path, options);
  } catch (error) {
    // The staff area's "session ended" listener is private to staff-api.ts; asking who is signed
    // in goes through it, so a 401 here sends the person to the sign-in page like any staff call.
    if (error instanceof ApiError && error.status === 401) await refreshMe().catch(() => undefined);
    throw error;
  }
}

const documentsPath = (appointmentId: string): string => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/documents`;

const documentPath = (appointmentId: string, documentId: string): string =>
  `${documentsPath(appointmentId)}/${encodeURIComponent(documentId)}`;

/** The appointment's document slots, with every upload's scan result, hash and review. */
export function fetchStaffDocuments(appointmentId: string, signal?: AbortSignal): Promise<StaffDocumentsView> {
  return staffDocumentsRequest<StaffDocumentsView>(documentsPath(appointmentId), { signal });
}

/** Accepts or rejects one document; a rejection emails the citizen the reason. Answers the documents again. */
export function reviewDocument(
  csrfToken: string,
  appointmentId: string,
  documentId: string,
  decision: ReviewRequest,
): Promise<StaffDocumentsView> {
  return staffDocumentsRequest<StaffDocumentsView>(`${documentPath(appointmentId, documentId)}/review`, {
    method: 'POST',
    body: decision,
    csrfToken,
  });
}

/** Lets the citizen upload again for `hours` after the deadline has passed. Answers the documents again. */
export function reopenUploads(csrfToken: string, appointmentId: string, hours: number): Promise<StaffDocumentsView> {
  return staffDocumentsRequest<StaffDocumentsView>(`${documentsPath(appointmentId)}/reopen`, {
    method: 'POST',
    body: { hours },
    csrfToken,
  });
}

/**
 * Where the document's decrypted bytes are streamed from (same origin, under
 * the organisation's prefix, Range requests honoured). With `download` the
 * server answers `Content-Disposition: attachment`. The server records each
 * view and download in the appointment's history.
 */
export function documentContentUrl(appointmentId: string, documentId: string, options: { download?: boolean } = {}): string {
  const path = `${detectBasePath(window.location.pathname)}${documentPath(appointmentId, documentId)}/content`;
  return options.download ? `${path}?download=1` : path;
}
