import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { cancelAppointment } from '../booking/changes.service.ts';
import { createBooking } from '../booking/booking.service.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { agendaQuery, agendaView, appointmentParams, reassignRequest, staffAppointmentView, staffBookingRequest } from './workspace.schema.ts';
import { agenda, appointmentDetail, offerVideo, reassign, visibleAgents, visibleAppointment } from './workspace.service.ts';

/**
 * The agents' and supervisors' workspace: agenda, appointment detail with
 * history, booking on a citizen's behalf, offering video for a desk
 * appointment, reassigning and cancelling. Deny by default: each route names
 * the roles it admits; another office's appointment is "not found".
 */
export const workspaceRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; mailer: MailDispatcher }> = async (app, { ctx, mailer }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const write = guard.require(STAFF_ROLES_ANY, { csrf: true });
  const supervise = guard.require(['supervisor', 'admin'], { csrf: true });
  const send = (mailId: string | null) =>
    mailId ? mailer.deliver(mailId).catch((error: unknown) => ctx.log.warn({ err: error }, 'mail deferred')) : Promise.resolve();
  const detail = (request: Parameters<typeof orgOf>[0], id: string) =>
    appointmentDetail(ctx, orgOf(request), guard.principalOf(request).staff, id, request.lang);

  app.get('/api/staff/agenda', { onRequest: read, schema: { querystring: agendaQuery, response: { 200: envelope(agendaView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await agenda(ctx, orgOf(request), guard.principalOf(request).staff, request.query, request.lang) };
  });

  app.get(
    '/api/staff/appointments/:id',
    { onRequest: read, config: { audit: 'appointment.viewed' }, schema: { params: appointmentParams, response: { 200: envelope(staffAppointmentView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await detail(request, request.params.id) };
    },
  );

  app.post(
    '/api/staff/appointments',
    { onRequest: write, config: { audit: 'appointment.created' }, schema: { body: staffBookingRequest, response: { 201: envelope(z.object({ id: z.string(), reference: z.string() })) } } },
    async (request, reply) => {
      const org = orgOf(request);
      const { staff } = guard.principalOf(request);
      const within = await visibleAgents(ctx, org, staff);
      const { appointment, mailId } = await createBooking(ctx, org, request.body, {
        actor: `staff:${staff.id}`,
        ...(within ? { agentIds: within } : {}),
      });
      await send(mailId);
      return reply.status(201).send({ data: { id: appointment.id, reference: appointment.reference } });
    },
  );

  app.post(
    '/api/staff/appointments/:id/offer-video',
    { onRequest: write, config: { audit: 'appointment.video_offered' }, schema: { params: appointmentParams, body: z.object({}).strict(), response: { 200: envelope(staffAppointmentView) } } },
    async (request) => {
      await send(await offerVideo(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id));
      return { data: await detail(request, request.params.id) };
    },
  );

  app.post(
    '/api/staff/appointments/:id/reassign',
    { onRequest: supervise, config: { audit: 'appointment.reassigned' }, schema: { params: appointmentParams, body: reassignRequest, response: { 200: envelope(staffAppointmentView) } } },
    async (request) => {
      await reassign(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.body.agentId);
      return { data: await detail(request, request.params.id) };
    },
  );

  app.post(
    '/api/staff/appointments/:id/cancel',
    { onRequest: write, config: { audit: 'appointment.cancelled' }, schema: { params: appointmentParams, body: z.object({}).strict(), response: { 200: envelope(staffAppointmentView) } } },
    async (request) => {
      const org = orgOf(request);
      const { staff } = guard.principalOf(request);
      const row = await visibleAppointment(ctx, org, staff, request.params.id);
      const { procedure_name: _p, agent_name: _a, ...appointment } = row;
      await send(await cancelAppointment(ctx, org, appointment, `staff:${staff.id}`));
      return { data: await detail(request, request.params.id) };
    },
  );
};
