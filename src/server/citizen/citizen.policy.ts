import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { safeEqual } from '../security/secrets.ts';
import { sessionFor, type CitizenSession } from './citizen.service.ts';

/** Name of the citizen session cookie. */
export const CITIZEN_COOKIE = 'fin_citizen';

/**
 * Citizen authentication for routes, deny by default: the session cookie
 * names one appointment, and that appointment is all the citizen can reach.
 * No session → 401; a state change without the session's CSRF token → 403.
 * Runs in onRequest, before the body is validated: a caller without a
 * session learns nothing about what the route accepts.
 */
export function citizenGuard(ctx: AppContext) {
  const sessions = new WeakMap<FastifyRequest, CitizenSession>();
  return {
    require:
      (opts: { csrf: boolean }) =>
      async (request: FastifyRequest): Promise<void> => {
        const token = request.cookies[CITIZEN_COOKIE];
        if (!token) throw errors.unauthenticated();
        const session = await sessionFor(ctx, orgOf(request), token);
        if (!session) throw errors.unauthenticated();
        if (opts.csrf) {
          const header = request.headers['x-csrf-token'];
          if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) throw errors.forbiddenWith('csrf_failed');
        }
        sessions.set(request, session);
      },
    sessionOf(request: FastifyRequest): CitizenSession {
      const session = sessions.get(request);
      if (!session) throw errors.unauthenticated();
      return session;
    },
  };
}
