import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { safeEqual } from '../security/secrets.ts';
import { staffForSession, type StaffPrincipal } from './staff-auth.service.ts';
import type { StaffRole } from './staff.service.ts';
import { setAuditActor } from '../audit/audit.hook.ts';

/** Name of the staff session cookie. */
export const STAFF_COOKIE = 'fin_staff';

/** Who may do what on the staff side; anything not listed is denied. */
export const STAFF_ROLES_ANY: readonly StaffRole[] = ['agent', 'supervisor', 'admin'];

/**
 * Staff authentication and authorisation for routes, deny by default: a
 * route names the roles it admits; no session → 401, wrong role → 403,
 * state change without the session's CSRF token → 403. Runs in onRequest,
 * before the body is even validated.
 */
export function staffGuard(ctx: AppContext) {
  const principals = new WeakMap<FastifyRequest, StaffPrincipal>();
  return {
    require:
      (roles: readonly StaffRole[], opts: { csrf: boolean }) =>
      async (request: FastifyRequest): Promise<void> => {
        const token = request.cookies[STAFF_COOKIE];
        if (!token) throw errors.unauthenticated();
        const principal = await staffForSession(ctx, orgOf(request), token);
        if (!principal) throw errors.unauthenticated();
        if (!roles.includes(principal.staff.role)) throw errors.forbidden();
        if (opts.csrf) {
          const header = request.headers['x-csrf-token'];
          if (typeof header !== 'string' || !safeEqual(header, principal.session.csrf_token)) throw errors.forbiddenWith('csrf_failed');
        }
        principals.set(request, principal);
        setAuditActor(request, `staff:${principal.staff.id}`);
      },
    principalOf(request: FastifyRequest): StaffPrincipal {
      const principal = principals.get(request);
      if (!principal) throw errors.unauthenticated();
      return principal;
    },
  };
}
