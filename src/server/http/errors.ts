/**
 * The one errors module. Every error the API returns has an HTTP status, a
 * stable snake_case id (what clients and tests match on) and a message key
 * that is translated into the caller's language by the central handler.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly id: string,
    /** Values interpolated into the translated message and returned as `details`. */
    public readonly details: Record<string, unknown> = {},
    /** Extra values for the message only (e.g. a time formatted for people), not returned. */
    public readonly messageValues: Record<string, unknown> = {},
  ) {
    super(id);
    this.name = 'AppError';
  }
}

/** Constructors for the errors the API can raise; ids are documented in OpenAPI. */
export const errors = {
  validation: (issues: { path: string; code: string }[]) => new AppError(400, 'validation_failed', { issues }),
  badRequest: (id: string, details?: Record<string, unknown>) => new AppError(400, id, details),
  unauthenticated: () => new AppError(401, 'unauthenticated'),
  unauthenticatedWith: (id: string, details?: Record<string, unknown>) => new AppError(401, id, details),
  forbidden: () => new AppError(403, 'forbidden'),
  forbiddenWith: (id: string) => new AppError(403, id),
  notFound: () => new AppError(404, 'not_found'),
  organisationNotFound: () => new AppError(404, 'organisation_not_found'),
  conflict: (id: string, details?: Record<string, unknown>) => new AppError(409, id, details),
  locked: (until: string, untilDate: string, untilTime: string) =>
    new AppError(423, 'access_locked', { until }, { untilDate, untilTime }),
  tooManyRequests: (details?: Record<string, unknown>) => new AppError(429, 'too_many_requests', details),
  unprocessable: (id: string, details?: Record<string, unknown>) => new AppError(422, id, details),
};
