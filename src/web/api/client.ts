/**
 * The one HTTP client of the web app. Every call carries the UI language in
 * `Accept-Language` (the server translates error messages into it) and is
 * prefixed with the organisation's path prefix when the app runs under
 * `/o/<slug>/`. Responses use the API's one envelope: `{ data }` on success,
 * `{ error: { id, message, requestId, details } }` on failure.
 */

/** An error answered by the API (or a network failure, with status 0). */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    public readonly status: number,
    /** Stable snake_case id, e.g. `slot_taken`; `network_error` when offline. */
    public readonly id: string,
    /** Message already translated by the server; empty for client-side failures. */
    message: string,
    /** Extra values the server attached (alternatives, remaining attempts…). */
    public readonly details: Record<string, unknown> = {},
    /** The server's request id, worth quoting to support. */
    public readonly requestId: string | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the message came from the server and can be shown as is. */
  get hasServerMessage(): boolean {
    return this.status > 0 && this.message.length > 0 && this.id !== 'unexpected_response';
  }
}

const settings = { basePath: '', language: 'ca' };

/**
 * Matches the path prefix under which one organisation is served, e.g.
 * `/o/rubi`. Returns '' when the organisation comes from the host name.
 */
export function detectBasePath(pathname: string): string {
  const match = /^\/o\/[a-z0-9-]+/.exec(pathname);
  return match ? match[0] : '';
}

/** Sets the path prefix prepended to every API call. */
export function setApiBasePath(basePath: string): void {
  settings.basePath = basePath;
}

/** Sets the language sent in `Accept-Language` on every call. */
export function setApiLanguage(language: string): void {
  settings.language = language;
}

/** Options of one API call. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, string>;
  body?: unknown;
  /** A binary body sent as is (an image), with its media type; instead of `body`. */
  raw?: { data: Blob; type: string };
  csrfToken?: string;
  signal?: AbortSignal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toApiError(status: number, payload: unknown): ApiError {
  if (isRecord(payload) && isRecord(payload.error)) {
    const e = payload.error;
    return new ApiError(
      status,
      typeof e.id === 'string' ? e.id : 'unexpected_response',
      typeof e.message === 'string' ? e.message : '',
      isRecord(e.details) ? e.details : {},
      typeof e.requestId === 'string' ? e.requestId : undefined,
    );
  }
  return new ApiError(status, 'unexpected_response', '');
}

/**
 * Calls `path` (starting with `/api/`) and returns the envelope's `data`.
 * Throws `ApiError` for every failure, including network errors.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(`${settings.basePath}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': settings.language,
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.raw) headers['Content-Type'] = options.raw.type;
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.raw ? options.raw.data : options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', '');
  }
  let payload: unknown = undefined;
  if (response.status !== 204) {
    try {
      payload = await response.json();
    } catch {
      throw new ApiError(response.status, 'unexpected_response', '');
    }
  }
  if (!response.ok) throw toApiError(response.status, payload);
  if (response.status === 204) return undefined as T;
  if (!isRecord(payload) || !('data' in payload)) throw new ApiError(response.status, 'unexpected_response', '');
  // The server's zod schemas are the contract; the web app trusts its shape.
  return payload.data as T;
}

/** True when `error` is an aborted fetch (a component unmounted), which is not a failure. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
