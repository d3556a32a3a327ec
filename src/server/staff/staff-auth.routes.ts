import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { verifyPassword } from '../security/secrets.ts';
import {
  beginTotpEnrolment,
  changeStaffPassword,
  confirmTotpEnrolment,
  resetTotp,
  revokeStaffSessions,
  signInStaff,
  signOutStaff,
  type StaffPrincipal,
} from './staff-auth.service.ts';
import { passwordChangeRequest, staffLoginRequest, staffSessionView, totpCodeRequest, totpDisableRequest } from './staff-auth.schema.ts';
import { STAFF_COOKIE, STAFF_ROLES_ANY, staffGuard } from './staff.policy.ts';

function present(p: StaffPrincipal) {
  return {
    csrfToken: p.session.csrf_token,
    staff: {
      id: p.staff.id,
      email: p.staff.email,
      displayName: p.staff.display_name,
      role: p.staff.role,
      totpEnabled: p.staff.totp_enabled === 1,
      hasPassword: p.staff.password_hash !== null,
      sessionMethod: p.session.method,
    },
  };
}

/**
 * Staff sign-in with local accounts (argon2id passwords, optional TOTP,
 * lockout), server-side sessions in an HttpOnly SameSite=Strict cookie,
 * sign-out here or everywhere, password change and TOTP enrolment.
 */
export const staffAuthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const signedIn = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const changing = guard.require(STAFF_ROLES_ANY, { csrf: true });
  const cookie = {
    httpOnly: true,
    // Staff pages are never entered from another site's link: Strict costs nothing here.
    sameSite: 'strict' as const,
    secure: ctx.config.secure,
    path: '/',
    maxAge: ctx.config.limits.staffSessionHours * 3600,
  };
  const clear = (reply: FastifyReply) => reply.clearCookie(STAFF_COOKIE, { path: '/' });

  app.post(
    '/api/staff/session',
    { schema: { body: staffLoginRequest, response: { 200: envelope(staffSessionView) } }, config: { rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (request, reply) => {
      const { token, principal } = await signInStaff(ctx, orgOf(request), request.body, request.lang);
      reply.setCookie(STAFF_COOKIE, token, cookie);
      return { data: present(principal) };
    },
  );

  app.get('/api/staff/me', { onRequest: signedIn, schema: { response: { 200: envelope(staffSessionView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: present(guard.principalOf(request)) };
  });

  app.delete('/api/staff/session', { onRequest: changing }, async (request, reply) => {
    await signOutStaff(ctx, guard.principalOf(request).session);
    clear(reply);
    return reply.status(204).send();
  });

  app.post(
    '/api/staff/sessions/revoke-all',
    { onRequest: changing, schema: { body: z.object({}).strict(), response: { 200: envelope(z.object({ ended: z.number() })) } } },
    async (request, reply) => {
      const ended = await revokeStaffSessions(ctx, guard.principalOf(request).staff.id);
      clear(reply);
      return { data: { ended } };
    },
  );

  app.post('/api/staff/password', { onRequest: changing, schema: { body: passwordChangeRequest } }, async (request, reply) => {
    await changeStaffPassword(ctx, guard.principalOf(request), request.body.currentPassword, request.body.newPassword);
    return reply.status(204).send();
  });

  app.post(
    '/api/staff/totp',
    { onRequest: changing, schema: { body: z.object({}).strict(), response: { 200: envelope(z.object({ uri: z.string(), secret: z.string() })) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await beginTotpEnrolment(ctx, orgOf(request), guard.principalOf(request).staff) };
    },
  );

  app.post('/api/staff/totp/confirm', { onRequest: changing, schema: { body: totpCodeRequest } }, async (request, reply) => {
    await confirmTotpEnrolment(ctx, orgOf(request), guard.principalOf(request).staff.id, request.body.code);
    return reply.status(204).send();
  });

  app.delete('/api/staff/totp', { onRequest: changing, schema: { body: totpDisableRequest } }, async (request, reply) => {
    const { staff } = guard.principalOf(request);
    if (!staff.password_hash || !(await verifyPassword(staff.password_hash, request.body.password))) {
      throw errors.unprocessable('wrong_current_password');
    }
    await resetTotp(ctx, staff.id);
    return reply.status(204).send();
  });
};
