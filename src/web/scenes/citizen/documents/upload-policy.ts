/**
 * How uploads behave on a bad network: chunk size, retry delays, and which
 * failures are worth retrying (the connection, the server restarting) and
 * which are an answer to show the citizen (the file was refused).
 */
import type { ApiError } from '../../../api/client.ts';

/**
 * 8 MiB per PATCH: memory stays small on phones, a lost connection costs at
 * most one chunk, and each chunk the server confirms is a point to resume from.
 */
export const CHUNK_SIZE = 8 * 1024 * 1024;

/**
 * Waits between attempts after a failure, in ms: at once, then backing off
 * to 20 s (about 40 s in all, enough for a server restart). After the last
 * one the page offers "Resume", and resumes by itself when the browser
 * comes back online.
 */
export const RETRY_DELAYS: readonly number[] = [0, 1000, 3000, 5000, 10000, 20000];

/** Statuses that say "not now" rather than "no": timeouts, locks, rate limits and server errors. */
function isTransient(status: number): boolean {
  return status === 0 || status === 408 || status === 423 || status === 429 || status >= 500;
}

/**
 * Whether a failed request should be tried again. `status` is 0 when no
 * answer came (network lost, server down). A 409 is tus's "offset
 * mismatch" (a chunk landed but its answer was lost): retrying re-reads the
 * offset with HEAD. A 409 that carries one of our error messages (uploads
 * closed, too many documents) is final, like every other 4xx.
 */
export function shouldRetryUpload(status: number, error: ApiError | null, online: boolean): boolean {
  // Offline: retrying now only uses up the attempts; the page waits for the "online" event instead.
  if (!online) return false;
  if (isTransient(status)) return true;
  if (status === 409) return error === null || !error.hasServerMessage || error.id.includes('offset');
  return false;
}

/** Whether a failure that ran out of retries can still be resumed later (as opposed to a refusal to show). */
export function isResumableFailure(status: number): boolean {
  return isTransient(status);
}
