/**
 * The tus-js-client side of the document space: building an `Upload` with
 * our endpoint, chunking, retries, metadata and fingerprint, and reading and
 * cleaning what tus-js-client remembers in localStorage between visits.
 */
import { DetailedError, Upload, defaultOptions, type PreviousUpload } from 'tus-js-client';
import { UPLOAD_METADATA } from '../../../../shared/documents.ts';
import { tusEndpoint, tusResponseError } from '../../../api/documents-api.ts';
import type { ApiError } from '../../../api/client.ts';
import { declaredType } from './file-checks.ts';
import { uploadsOf, type StoredUpload } from './resume-store.ts';
import { CHUNK_SIZE, RETRY_DELAYS } from './upload-policy.ts';

/** An unfinished upload of an earlier visit, with the bytes the server holds (null when unknown). */
export interface StoredProgress extends StoredUpload {
  offset: number | null;
}

/** Request headers every tus request carries besides Tus-Resumable (which tus-js-client sets itself). */
export type HeadersOf = () => Record<string, string>;

/** How a failed request ended: its status (0 without an answer) and the API error its body holds. */
export interface TusFailure {
  status: number;
  /** Null when no answer came. */
  error: ApiError | null;
  /** True when the browser could not read the file (not a network or server failure). */
  unreadable: boolean;
}

/** The callbacks of one upload. */
export interface TusHandlers {
  onProgress: (sent: number, total: number) => void;
  /** Whether to retry the failed request (tus-js-client waits RETRY_DELAYS between attempts). */
  shouldRetry: (failure: TusFailure) => boolean;
  onError: (failure: TusFailure) => void;
  onSuccess: () => void;
}

/** What one upload needs. */
export interface TusUploadOptions {
  slot: string;
  fingerprint: string;
  /** Whether to remember the upload's URL so choosing the same file after a reload continues it. */
  resumable: boolean;
  headers: HeadersOf;
  /** Absolute URL of the tus creation endpoint; the citizen's own (`tusEndpoint()`) unless given (a phone's). */
  endpoint?: string | undefined;
}

const urlStorage = defaultOptions.urlStorage;

function failureOf(error: Error): TusFailure {
  if (!(error instanceof DetailedError)) return { status: 0, error: null, unreadable: true };
  const response = error.originalResponse;
  if (!response) return { status: 0, error: null, unreadable: false };
  const status = response.getStatus();
  return { status, error: tusResponseError(status, response.getBody()), unreadable: false };
}

/** A tus upload of `file` to the document space (not started). */
export function createTusUpload(file: File, options: TusUploadOptions, handlers: TusHandlers): Upload {
  return new Upload(file, {
    endpoint: options.endpoint ?? tusEndpoint(),
    chunkSize: CHUNK_SIZE,
    retryDelays: [...RETRY_DELAYS],
    metadata: {
      [UPLOAD_METADATA.slot]: options.slot,
      [UPLOAD_METADATA.filename]: file.name,
      [UPLOAD_METADATA.filetype]: declaredType(file),
    },
    storeFingerprintForResuming: options.resumable,
    removeFingerprintOnSuccess: true,
    fingerprint: () => Promise.resolve(options.fingerprint),
    // Read at each request: a new CSRF token after signing in again, the language the citizen switched to.
    onBeforeRequest: (request) => {
      for (const [name, value] of Object.entries(options.headers())) request.setHeader(name, value);
    },
    onProgress: handlers.onProgress,
    onShouldRetry: (error) => handlers.shouldRetry(failureOf(error)),
    onError: (error) => handlers.onError(failureOf(error)),
    onSuccess: handlers.onSuccess,
  });
}

/** Points `upload` at the newest earlier upload of the same file, if any; true when it found one. */
export async function continueEarlierUpload(upload: Upload): Promise<boolean> {
  const time = (p: PreviousUpload) => Date.parse(p.creationTime) || 0;
  const previous = [...(await upload.findPreviousUploads())].sort((a, b) => time(b) - time(a))[0];
  if (!previous) return false;
  upload.resumeFromPreviousUpload(previous);
  return true;
}

/** Forgets every stored URL of a fingerprint (an upload the server refused cannot be continued). */
export async function forgetFingerprint(fingerprint: string): Promise<void> {
  const entries = await urlStorage.findUploadsByFingerprint(fingerprint);
  await Promise.all(entries.map((e) => urlStorage.removeUpload(e.urlStorageKey)));
}

/** Deletes an unfinished upload on the server (tus termination) and forgets it. */
export function discardStored(stored: StoredUpload, headers: HeadersOf): void {
  void urlStorage.removeUpload(stored.urlStorageKey);
  void Upload.terminate(stored.uploadUrl, { headers: headers() }).catch(() => undefined);
}

/**
 * The unfinished uploads of an appointment remembered in this browser, each
 * with the offset the server reports (tus HEAD). Those the server no longer
 * knows (refused, expired, another session's) are forgotten.
 */
export async function storedProgressOf(scope: string, appointment: string, headers: HeadersOf): Promise<StoredProgress[]> {
  const mine = uploadsOf(await urlStorage.findAllUploads(), scope, appointment);
  const found = await Promise.all(
    mine.map(async (upload): Promise<StoredProgress | null> => {
      try {
        const response = await fetch(upload.uploadUrl, {
          method: 'HEAD',
          headers: { ...headers(), 'Tus-Resumable': '1.0.0' },
          credentials: 'same-origin',
        });
        if (response.status === 403 || response.status === 404 || response.status === 410) {
          await urlStorage.removeUpload(upload.urlStorageKey);
          return null;
        }
        const offset = Number.parseInt(response.headers.get('Upload-Offset') ?? '', 10);
        return { ...upload, offset: response.ok && Number.isSafeInteger(offset) ? offset : null };
      } catch {
        return { ...upload, offset: null };
      }
    }),
  );
  return found.filter((s): s is StoredProgress => s !== null);
}
