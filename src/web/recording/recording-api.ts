import type { ChunkAck, RecordingView, SegmentStarted } from '../../shared/recordings.ts';
import { RECORDING_SHA256_HEADER } from '../../shared/recordings.ts';
import { ApiError, apiRequest, detectBasePath } from '../api/client.ts';
import type { PendingChunk, SendOutcome } from './chunk-queue.ts';

/** The recording routes, as the agent's page calls them (see src/server/recordings/recordings.routes.ts). */
const base = (appointmentId: string) => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/recording`;

/** The appointment's recording, or null if none was started. */
export async function loadRecording(appointmentId: string): Promise<RecordingView | null> {
  try {
    return await apiRequest<RecordingView>(base(appointmentId));
  } catch (error) {
    if (error instanceof ApiError && error.id === 'recording_not_found') return null;
    throw error;
  }
}

/** Starts a segment (the first starts the recording); answers its number. */
export function startSegment(appointmentId: string, csrfToken: string): Promise<SegmentStarted> {
  return apiRequest<SegmentStarted>(`${base(appointmentId)}/segments`, { method: 'POST', body: {}, csrfToken });
}

/** Stops the recording (this page ran `segment`) and has the final file made. */
export function stopRecording(appointmentId: string, segment: number | null, csrfToken: string): Promise<RecordingView> {
  return apiRequest<RecordingView>(`${base(appointmentId)}/stop`, { method: 'POST', body: segment === null ? {} : { segment }, csrfToken });
}

/**
 * Sends one chunk. Acknowledged when the server answers with its digest;
 * network failures, 5xx, 429, a session to renew and a damaged body (400
 * digest mismatch: it may arrive whole next time) are worth retrying; other
 * refusals (the segment was closed, another body holds the number) never
 * change, so the chunk is dropped.
 */
export async function sendChunk(chunk: PendingChunk, csrfToken: string): Promise<SendOutcome> {
  const url = new URL(`${detectBasePath(window.location.pathname)}${base(chunk.appointmentId)}/segments/${chunk.segment}/chunks/${chunk.seq}`, window.location.origin);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'video/webm', [RECORDING_SHA256_HEADER]: chunk.sha256, 'x-csrf-token': csrfToken, accept: 'application/json' },
      body: chunk.bytes,
      credentials: 'same-origin',
    });
  } catch {
    return 'retry';
  }
  const payload = (await response.json().catch(() => null)) as { data?: ChunkAck; error?: { id?: string } } | null;
  if (response.ok) return payload?.data?.sha256 === chunk.sha256 ? 'acked' : 'retry';
  // A session that expired or was renewed elsewhere (401, csrf_failed) keeps the chunk for when it is valid again (or for the next page).
  const retryable = new Set(['chunk_digest_mismatch', 'chunk_incomplete', 'csrf_failed', 'recording_finalising']);
  if (response.status >= 500 || response.status === 429 || response.status === 401 || retryable.has(payload?.error?.id ?? '')) return 'retry';
  return 'drop';
}

/** SHA-256 (lowercase hex) of a chunk, in the browser's crypto. */
export async function sha256Hex(bytes: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await bytes.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
