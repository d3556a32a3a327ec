import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { safeEqual } from '../security/secrets.ts';
import { uploaderSessionFor, type UploaderSession } from './uploader.service.ts';

/** Name of the phone's session cookie (its path is the uploader API only). */
export const UPLOADER_COOKIE = 'fin_uploader';

/**
 * Authentication of the phone's routes, deny by default: the uploader
 * cookie names one phone link, and through it one appointment's document
 * space, which is all it reaches. No other guard reads this cookie, so it
 * opens nothing else (no documents to view, no cancelling, no socket).
 * No session → 401; a state change without the session's CSRF token → 403.
 */
export function uploaderGuard(ctx: AppContext) {
  const sessions = new WeakMap<FastifyRequest, UploaderSession>();
  return {
    require:
      (opts: { csrf: boolean }) =>
      async (request: FastifyRequest): Promise<void> => {
        const token = request.cookies[UPLOADER_COOKIE];
        if (!token) throw errors.unauthenticated();
        const session = await uploaderSessionFor(ctx, orgOf(request), token);
        if (!session) throw errors.unauthenticated();
        if (opts.csrf) {
          const header = request.headers['x-csrf-token'];
          const expected = session.link.csrf_token;
          if (typeof header !== 'string' || !expected || !safeEqual(header, expected)) throw errors.forbiddenWith('csrf_failed');
        }
        sessions.set(request, session);
      },
    sessionOf(request: FastifyRequest): UploaderSession {
      const session = sessions.get(request);
      if (!session) throw errors.unauthenticated();
      return session;
    },
  };
}
