/** Which failures an upload retries by itself and which it reports. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/client.ts';
import { isResumableFailure, RETRY_DELAYS, shouldRetryUpload } from './upload-policy.ts';

const envelope = (status: number, id: string) => new ApiError(status, id, 'A translated message');

describe('upload retries', () => {
  it('retry lost connections, timeouts, locks, rate limits and server errors while online', () => {
    for (const status of [0, 408, 423, 429, 500, 502, 503]) expect(shouldRetryUpload(status, null, true), String(status)).toBe(true);
  });

  it('wait for the browser to be online instead of using up the attempts', () => {
    expect(shouldRetryUpload(0, null, false)).toBe(false);
  });

  it('report refusals: wrong file, too large, not found, closed', () => {
    expect(shouldRetryUpload(413, envelope(413, 'file_too_large'), true)).toBe(false);
    expect(shouldRetryUpload(422, envelope(422, 'file_extension_mismatch'), true)).toBe(false);
    expect(shouldRetryUpload(404, envelope(404, 'not_found'), true)).toBe(false);
    expect(shouldRetryUpload(409, envelope(409, 'uploads_closed'), true)).toBe(false);
    expect(shouldRetryUpload(409, envelope(409, 'too_many_documents'), true)).toBe(false);
  });

  it('retry a bare tus offset conflict, which re-reads the offset', () => {
    expect(shouldRetryUpload(409, new ApiError(409, 'unexpected_response', ''), true)).toBe(true);
    expect(shouldRetryUpload(409, null, true)).toBe(true);
  });

  it('back off over about forty seconds, enough for a server restart', () => {
    expect(RETRY_DELAYS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30_000);
    expect(isResumableFailure(503)).toBe(true);
    expect(isResumableFailure(422)).toBe(false);
  });
});
