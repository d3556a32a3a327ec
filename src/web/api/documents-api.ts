/**
 * Calls of the citizen's document space: the view of the appointment's
 * documents, withdrawing one, and where the tus upload endpoint lives.
 * The uploads themselves go through tus-js-client (see
 * scenes/citizen/documents/use-tus-upload.ts), not through `apiRequest`.
 */
import { TUS_PATH, type DocumentSpaceView } from '../../shared/documents.ts';
import { ApiError, apiRequest, detectBasePath } from './client.ts';

/** The appointment's document space: its slots, their documents and the deadline. */
export function fetchDocumentSpace(signal?: AbortSignal): Promise<DocumentSpaceView> {
  return apiRequest<DocumentSpaceView>('/api/citizen/appointment/documents', { signal });
}

/** Withdraws a document the office has not accepted yet, while its slot is open. */
export async function withdrawDocument(csrfToken: string, documentId: string): Promise<void> {
  await apiRequest<unknown>(`/api/citizen/appointment/documents/${encodeURIComponent(documentId)}`, {
    method: 'DELETE',
    csrfToken,
  });
}

/**
 * Absolute URL of the tus creation endpoint, under the organisation's path
 * prefix (the same prefix `apiRequest` uses, read from the page's address).
 */
export function tusEndpoint(): string {
  return new URL(`${detectBasePath(window.location.pathname)}${TUS_PATH}`, window.location.origin).toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the API's error envelope from a tus response body (the tus endpoint
 * answers 4xx with the same `{ error: { id, message, requestId, details } }`
 * as the rest of the API). Bodies that are not the envelope give
 * `unexpected_response` with no message.
 */
export function tusResponseError(status: number, body: string): ApiError {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return new ApiError(status, 'unexpected_response', '');
  }
  if (!isRecord(payload) || !isRecord(payload.error)) return new ApiError(status, 'unexpected_response', '');
  const e = payload.error;
  return new ApiError(
    status,
    typeof e.id === 'string' ? e.id : 'unexpected_response',
    typeof e.message === 'string' ? e.message : '',
    isRecord(e.details) ? e.details : {},
    typeof e.requestId === 'string' ? e.requestId : undefined,
  );
}
