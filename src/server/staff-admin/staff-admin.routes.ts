import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import type { Realtime } from '../realtime/realtime.setup.ts';
import { STAFF_COOKIE } from '../staff/staff.policy.ts';
import { staffSessionView } from '../staff/staff-auth.schema.ts';
import {
  acceptInvitationRequest,
  emptyRequest,
  invitationTokenRequest,
  invitationView,
  inviteRequest,
  publicInvitationView,
  staffChangeRequest,
  staffListView,
} from '../../shared/admin-people.ts';
import {
  acceptInvitation,
  changeStaff,
  disableStaff,
  enableStaff,
  inviteStaff,
  listStaff,
  lookupInvitation,
  resendInvitation,
  resetStaffTotp,
  revokeInvitation,
} from './staff-admin.service.ts';

/** The bus channel on which a node says a member of staff's sessions ended (account disabled). */
export const STAFF_ENDED_CHANNEL = 'admin:staff-sessions-ended';

const idParams = z.object({ id: z.string().uuid('not_found') });

/**
 * Staff section of the administration console (issue 9): `/api/admin/staff…`
 * for administrators of the request's organisation, and the two public
 * routes of the invitation page (the token in the body, so it never sits
 * in an access log).
 */
export const staffAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; realtime: Realtime; bus: EventBus }> = async (app, { ctx, realtime, bus }) => {
  const { guard, read, write } = adminGuards(ctx);
  // A disabled account's sockets close on every node: the one that disabled it says so on the bus.
  const unsubscribe = await bus.subscribe(STAFF_ENDED_CHANNEL, (staffId) => realtime.hub.endStaff(staffId));
  app.addHook('onClose', async () => {
    await unsubscribe().catch(() => undefined);
  });
  const adminOf = (request: Parameters<typeof guard.principalOf>[0]) => guard.principalOf(request).staff;

  app.get('/api/admin/staff', { onRequest: read, schema: { response: { 200: envelope(staffListView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await listStaff(ctx, orgOf(request)) };
  });

  app.post('/api/admin/staff/invitations', { onRequest: write, schema: { body: inviteRequest, response: { 201: envelope(invitationView) } } }, async (request, reply) => {
    const admin = adminOf(request);
    const { view, audit } = await inviteStaff(ctx, orgOf(request), admin, request.body);
    await auditAdminChange(ctx, request, admin.id, { action: 'admin.staff.invited', target: `staff_invitation:${view.id}`, before: null, after: audit });
    return reply.status(201).send({ data: view });
  });

  app.post(
    '/api/admin/staff/invitations/:id/resend',
    { onRequest: write, schema: { params: idParams, body: emptyRequest, response: { 200: envelope(invitationView) } } },
    async (request) => {
      const admin = adminOf(request);
      const { view, before, after } = await resendInvitation(ctx, orgOf(request), admin, request.params.id);
      await auditAdminChange(ctx, request, admin.id, { action: 'admin.staff.invitation_resent', target: `staff_invitation:${view.id}`, before, after });
      return { data: view };
    },
  );

  app.delete('/api/admin/staff/invitations/:id', { onRequest: write, schema: { params: idParams } }, async (request, reply) => {
    const { before, after } = await revokeInvitation(ctx, orgOf(request), request.params.id);
    await auditAdminChange(ctx, request, adminOf(request).id, { action: 'admin.staff.invitation_revoked', target: `staff_invitation:${request.params.id}`, before, after });
    return reply.status(204).send();
  });

  app.put('/api/admin/staff/:id', { onRequest: write, schema: { params: idParams, body: staffChangeRequest } }, async (request, reply) => {
    const admin = adminOf(request);
    const { before, after } = await changeStaff(ctx, orgOf(request), admin, request.params.id, request.body);
    await auditAdminChange(ctx, request, admin.id, { action: 'admin.staff.changed', target: `staff:${request.params.id}`, before, after });
    return reply.status(204).send();
  });

  app.post(
    '/api/admin/staff/:id/disable',
    { onRequest: write, schema: { params: idParams, body: emptyRequest, response: { 200: envelope(z.object({ endedSessions: z.number() })) } } },
    async (request) => {
      const admin = adminOf(request);
      const { before, after, ended } = await disableStaff(ctx, orgOf(request), admin, request.params.id);
      // Their sockets close now, on this node and (through the bus) on the others; the sessions are already gone.
      realtime.hub.endStaff(request.params.id);
      await bus.publish(STAFF_ENDED_CHANNEL, request.params.id).catch((error: unknown) => ctx.log.warn({ err: error }, 'disabled account not announced to the other nodes'));
      await auditAdminChange(ctx, request, admin.id, { action: 'admin.staff.disabled', target: `staff:${request.params.id}`, before, after });
      return { data: { endedSessions: ended } };
    },
  );

  app.post('/api/admin/staff/:id/enable', { onRequest: write, schema: { params: idParams, body: emptyRequest } }, async (request, reply) => {
    const { before, after } = await enableStaff(ctx, orgOf(request), request.params.id);
    await auditAdminChange(ctx, request, adminOf(request).id, { action: 'admin.staff.enabled', target: `staff:${request.params.id}`, before, after });
    return reply.status(204).send();
  });

  app.post('/api/admin/staff/:id/reset-totp', { onRequest: write, schema: { params: idParams, body: emptyRequest } }, async (request, reply) => {
    const { before, after } = await resetStaffTotp(ctx, orgOf(request), request.params.id);
    await auditAdminChange(ctx, request, adminOf(request).id, { action: 'admin.staff.totp_reset', target: `staff:${request.params.id}`, before, after });
    return reply.status(204).send();
  });

  // --- The invitation page (public) -----------------------------------------------------------

  const cookie = {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.config.secure,
    path: '/',
    maxAge: ctx.config.limits.staffSessionHours * 3600,
  };

  app.post(
    '/api/staff/invitation/lookup',
    { schema: { body: invitationTokenRequest, response: { 200: envelope(publicInvitationView) } }, config: { rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await lookupInvitation(ctx, orgOf(request), request.body.token) };
    },
  );

  app.post(
    '/api/staff/invitation/accept',
    { schema: { body: acceptInvitationRequest, response: { 200: envelope(staffSessionView) } }, config: { rateLimit: { max: 30, timeWindow: 60_000 } } },
    async (request, reply) => {
      const { token, principal, audit } = await acceptInvitation(ctx, orgOf(request), request.body.token, request.body.password);
      reply.setCookie(STAFF_COOKIE, token, cookie);
      await auditAdminChange(ctx, request, principal.staff.id, { action: 'admin.staff.invitation_accepted', target: `staff:${principal.staff.id}`, before: null, after: audit });
      const { staff, session } = principal;
      return {
        data: {
          csrfToken: session.csrf_token,
          staff: { id: staff.id, email: staff.email, displayName: staff.display_name, role: staff.role, totpEnabled: false, hasPassword: true, sessionMethod: session.method },
        },
      };
    },
  );
};
