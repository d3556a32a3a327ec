import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { availabilityFor, presentAvailability } from '../availability/availability.service.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { procedureParams } from '../catalogue/catalogue.schema.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { availabilityQuery, availabilityView, bookingConfirmation, bookingRequest } from './booking.schema.ts';
import { bookAppointment, bookableProcedure } from './booking.service.ts';
import { issueChallenge } from './captcha.ts';

/** Public booking: availability, proof-of-work challenges and the booking itself. Anyone may call them. */
export const bookingRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; mailer: MailDispatcher }> = async (
  app,
  { ctx, mailer },
) => {
  app.get(
    '/api/public/procedures/:id/availability',
    { schema: { params: procedureParams, querystring: availabilityQuery, response: { 200: envelope(availabilityView) } } },
    async (request) => {
      const org = orgOf(request);
      const procedure = await bookableProcedure(ctx, org, request.params.id);
      const days = await availabilityFor(ctx, org, procedure, { fromDate: request.query.from, toDate: request.query.to });
      return { data: presentAvailability(org, days) };
    },
  );

  app.get(
    '/api/public/captcha',
    { schema: { response: { 200: envelope(z.object({ parameters: z.record(z.string(), z.unknown()), signature: z.string().optional() })) } } },
    async (request, reply) => {
      orgOf(request);
      reply.header('cache-control', 'no-store');
      const challenge = await issueChallenge(ctx);
      return { data: { parameters: { ...challenge.parameters }, ...(challenge.signature ? { signature: challenge.signature } : {}) } };
    },
  );

  app.post(
    '/api/public/appointments',
    {
      schema: { body: bookingRequest, response: { 201: envelope(bookingConfirmation) } },
      config: { rateLimit: { max: ctx.config.limits.bookingsPerHour, timeWindow: 3_600_000 } },
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { appointment, procedure, mailId } = await bookAppointment(ctx, org, request.body);
      // Send at once so the email is there when the confirmation page says so;
      // if the transport is down the queue keeps retrying.
      if (mailId) await mailer.deliver(mailId).catch((error: unknown) => request.log.warn({ err: error }, 'confirmation mail deferred'));
      return reply.status(201).send({
        data: {
          reference: appointment.reference,
          procedureName: pickLocalised(localised(procedure.name), request.lang),
          startsAt: appointment.starts_at,
          endsAt: appointment.ends_at,
          timeZone: org.time_zone,
          uploadDeadline: appointment.upload_deadline,
          email: appointment.citizen_email,
        },
      });
    },
  );
};
