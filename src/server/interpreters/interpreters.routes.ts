import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import type { Realtime } from '../realtime/realtime.setup.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import {
  createdInvitationView,
  interpreterConsent,
  interpreterInvitationView,
  invitationLookup,
  invitationRequest,
  staffInvitationsView,
} from '../../shared/interpreters.ts';
import { consentInvitation, createInvitation, listInvitations, readInvitation, revokeInvitation } from './interpreters.service.ts';

const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();
const invitationParams = appointmentParams.extend({ invitationId: z.string().min(1).max(64) }).strict();

/** Look-ups by link per address and minute, on top of the count of unknown links (see the policy). */
const LINK_RATE = { rateLimit: { max: 60, timeWindow: 60_000 } };

/**
 * Interpreter invitations. Staff (any role, their offices' appointments
 * only: anything else is "not found") list, create and revoke them; the
 * holder of a link, without an account, reads what it is for and consents
 * to the recording. The link's token travels in the body, never in a URL
 * the server would log.
 */
export const interpreterRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; realtime: Realtime }> = async (app, { ctx, realtime }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const write = guard.require(STAFF_ROLES_ANY, { csrf: true });
  const disconnect = (appointmentId: string, invitationId: string) =>
    realtime.hub.publishAppointment(appointmentId, { t: 'interpreter_revoked', invitationId });

  app.get(
    '/api/staff/appointments/:id/interpreters',
    { onRequest: read, schema: { params: appointmentParams, response: { 200: envelope(staffInvitationsView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await listInvitations(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id) };
    },
  );

  app.post(
    '/api/staff/appointments/:id/interpreters',
    { onRequest: write, config: { audit: 'interpreter.invited' }, schema: { params: appointmentParams, body: invitationRequest, response: { 201: envelope(createdInvitationView) } } },
    async (request, reply) => {
      const created = await createInvitation(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.body);
      return reply.status(201).header('cache-control', 'no-store').send({ data: created });
    },
  );

  app.post(
    '/api/staff/appointments/:id/interpreters/:invitationId/revoke',
    { onRequest: write, config: { audit: 'interpreter.revoked' }, schema: { params: invitationParams, body: z.object({}).strict(), response: { 200: envelope(staffInvitationsView) } } },
    async (request) => {
      const { id, invitationId } = request.params;
      return { data: await revokeInvitation(ctx, orgOf(request), guard.principalOf(request).staff, id, invitationId, disconnect) };
    },
  );

  app.post(
    '/api/interpreter/invitation',
    { config: LINK_RATE, schema: { body: invitationLookup, response: { 200: envelope(interpreterInvitationView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await readInvitation(ctx, orgOf(request), request.body.token, request.ip) };
    },
  );

  app.post(
    '/api/interpreter/invitation/consent',
    { config: LINK_RATE, schema: { body: interpreterConsent, response: { 200: envelope(interpreterInvitationView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await consentInvitation(ctx, orgOf(request), request.body.token, request.ip) };
    },
  );
};
