import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { availabilityFor, presentAvailability } from '../availability/availability.service.ts';
import { bookableProcedure, createBooking } from '../booking/booking.service.ts';
import { assertChangeable, cancelAppointment, rescheduleAppointment } from '../booking/changes.service.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { presentProcedure } from '../catalogue/catalogue.present.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { webhookRoutes } from '../webhooks/webhooks.routes.ts';
import { apiDocsRoutes } from './api-docs.routes.ts';
import { idempotent, requestHash } from './idempotency.service.ts';
import { apiKeyAuth, principalOf } from './integration.auth.ts';
import { presentApiAppointment } from './integration.present.ts';
import { integrationRepo } from './integration.repo.ts';
import {
  apiAppointment,
  errorResponses,
  apiProcedure,
  apiSlots,
  cancelRequest,
  createAppointmentRequest,
  idempotencyHeaders,
  idParams,
  procedureListQuery,
  rescheduleRequest,
  slotsQuery,
} from './integration.schema.ts';
import { registerOpenApi } from './openapi.document.ts';

/**
 * Integration API v1, for the town's appointment system and other machines:
 * catalogue, slots, appointments and webhooks, authenticated by API key
 * (`Authorization: Bearer fin_…`) with scopes, plus its OpenAPI document and
 * reference page. Handlers are thin: auth (onRequest) → validate → service →
 * present.
 */
export const integrationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; mailer: MailDispatcher }> = async (
  app,
  { ctx, mailer },
) => {
  // First, so that its onRoute hook sees every v1 route (and only those: it lives in this plugin).
  await registerOpenApi(app);
  const auth = apiKeyAuth(app, ctx);
  // Each key has its own limit (in `auth`); the per-IP limit of the public routes does not apply.
  const noIpLimit = { rateLimit: false as const };

  const deliverSoon = (mailId: string, log: { warn: (o: object, m: string) => void }) =>
    mailer.deliver(mailId).catch((error: unknown) => log.warn({ err: error }, 'mail deferred'));

  app.get(
    '/api/v1/procedures',
    {
      onRequest: auth('catalogue:read'),
      config: noIpLimit,
      schema: {
        tags: ['Catalogue'],
        operationId: 'listProcedures',
        summary: 'List the bookable procedures',
        security: [{ apiKey: ['catalogue:read'] }],
        querystring: procedureListQuery,
        response: { 200: envelope(z.array(apiProcedure)), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const org = orgOf(request);
      const procedures = await catalogueRepo.activeProcedures(ctx.db, org.id);
      const docs = await catalogueRepo.requiredDocuments(ctx.db, org.id, procedures.map((p) => p.id));
      return { data: procedures.map((p) => presentProcedure(p, docs, request.lang)) };
    },
  );

  app.get(
    '/api/v1/procedures/:id/slots',
    {
      onRequest: auth('catalogue:read'),
      config: noIpLimit,
      schema: {
        tags: ['Catalogue'],
        operationId: 'listSlots',
        summary: 'Free video slots of a procedure',
        description: '`from` and `to` are local dates (YYYY-MM-DD) in the organisation’s time zone, inclusive, at most 62 days apart.',
        security: [{ apiKey: ['catalogue:read'] }],
        params: idParams,
        querystring: slotsQuery,
        response: { 200: envelope(apiSlots), ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const org = orgOf(request);
      const procedure = await bookableProcedure(ctx, org, request.params.id);
      const days = await availabilityFor(ctx, org, procedure, { fromDate: request.query.from, toDate: request.query.to });
      return { data: presentAvailability(org, days) };
    },
  );

  app.post(
    '/api/v1/appointments',
    {
      onRequest: auth('appointments:write'),
      config: noIpLimit,
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['Appointments'],
        operationId: 'createAppointment',
        summary: 'Book a video appointment for a citizen',
        description:
          'Same rules as the citizen web: the time must be an offered slot and the citizen may hold a limited number of open appointments. The citizen receives the confirmation email with their personal link. Send an `Idempotency-Key` to retry safely.',
        security: [{ apiKey: ['appointments:write'] }],
        headers: idempotencyHeaders,
        body: createAppointmentRequest,
        response: { 201: envelope(apiAppointment), ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { keyId } = principalOf(request);
      const input = request.body;
      const result = await idempotent(ctx, {
        apiKeyId: keyId,
        organisationId: org.id,
        key: request.headers['idempotency-key'],
        hash: requestHash('POST', '/api/v1/appointments', input),
        run: async () => {
          const { appointment, mailId } = await createBooking(ctx, org, input, { actor: `api:${keyId}` });
          if (mailId) await deliverSoon(mailId, request.log);
          return { status: 201, body: { data: presentApiAppointment(appointment) } };
        },
        rebuild: async (appointmentId) => {
          const appointment = await integrationRepo.appointment(ctx.db, org.id, appointmentId);
          if (!appointment) throw errors.notFound();
          return { status: 201, body: { data: presentApiAppointment(appointment) } };
        },
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/api/v1/appointments/:id',
    {
      onRequest: auth('appointments:read'),
      config: noIpLimit,
      schema: {
        tags: ['Appointments'],
        operationId: 'getAppointment',
        summary: 'Read an appointment',
        security: [{ apiKey: ['appointments:read'] }],
        params: idParams,
        response: { 200: envelope(apiAppointment), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const appointment = await integrationRepo.appointment(ctx.db, orgOf(request).id, request.params.id);
      if (!appointment) throw errors.notFound();
      reply.header('cache-control', 'no-store');
      return { data: presentApiAppointment(appointment) };
    },
  );

  app.post(
    '/api/v1/appointments/:id/cancel',
    {
      onRequest: auth('appointments:write'),
      config: noIpLimit,
      schema: {
        tags: ['Appointments'],
        operationId: 'cancelAppointment',
        summary: 'Cancel an appointment',
        description: 'The citizen is told by email. Refused once the appointment is closed or inside the organisation’s notice period.',
        security: [{ apiKey: ['appointments:write'] }],
        params: idParams,
        body: cancelRequest,
        response: { 200: envelope(apiAppointment), ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) => {
      const org = orgOf(request);
      const appointment = await integrationRepo.appointment(ctx.db, org.id, request.params.id);
      if (!appointment) throw errors.notFound();
      assertChangeable(ctx, org, appointment);
      const mailId = await cancelAppointment(ctx, org, appointment, `api:${principalOf(request).keyId}`);
      await deliverSoon(mailId, request.log);
      const fresh = await integrationRepo.appointment(ctx.db, org.id, appointment.id);
      if (!fresh) throw errors.notFound();
      return { data: presentApiAppointment(fresh) };
    },
  );

  app.post(
    '/api/v1/appointments/:id/reschedule',
    {
      onRequest: auth('appointments:write'),
      config: noIpLimit,
      schema: {
        tags: ['Appointments'],
        operationId: 'rescheduleAppointment',
        summary: 'Move an appointment to another slot',
        description: 'The citizen is told by email. If the time was just taken, the answer is 409 `slot_taken` with the nearest free `alternatives`.',
        security: [{ apiKey: ['appointments:write'] }],
        params: idParams,
        body: rescheduleRequest,
        response: { 200: envelope(apiAppointment), ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) => {
      const org = orgOf(request);
      const appointment = await integrationRepo.appointment(ctx.db, org.id, request.params.id);
      if (!appointment) throw errors.notFound();
      assertChangeable(ctx, org, appointment);
      const moved = await rescheduleAppointment(ctx, org, appointment, request.body.startsAt, `api:${principalOf(request).keyId}`);
      await deliverSoon(moved.mailId, request.log);
      return { data: presentApiAppointment(moved.appointment) };
    },
  );

  await app.register(webhookRoutes, { ctx, auth });
  await app.register(apiDocsRoutes);
};
