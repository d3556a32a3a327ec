import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { cancelAppointment, assertChangeable, rescheduleAppointment } from '../booking/changes.service.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { presentCitizenAppointment } from './citizen.present.ts';
import { citizenAppointmentView, loginRequest, rescheduleRequest, sessionView } from './citizen.schema.ts';
import { signIn, signOut } from './citizen.service.ts';
import { CITIZEN_COOKIE, citizenGuard } from './citizen.policy.ts';

export { CITIZEN_COOKIE } from './citizen.policy.ts';

/**
 * The citizen's own area: sign in with link + password, see the appointment,
 * cancel or change it. Every route but sign-in needs the session cookie;
 * state changes also need the CSRF token returned at sign-in.
 */
export const citizenRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; mailer: MailDispatcher }> = async (
  app,
  { ctx, mailer },
) => {
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.secure,
    path: '/',
    maxAge: ctx.config.limits.citizenSessionHours * 3600,
  };

  const guard = citizenGuard(ctx);
  const authenticate = (opts: { csrf: boolean }) => guard.require(opts);
  const sessionOf = (request: Parameters<typeof guard.sessionOf>[0]) => guard.sessionOf(request);

  const deliverSoon = (mailId: string, reply: FastifyReply) =>
    mailer.deliver(mailId).catch((error: unknown) => reply.log.warn({ err: error }, 'mail deferred'));

  app.post(
    '/api/citizen/session',
    {
      schema: { body: loginRequest, response: { 200: envelope(sessionView) } },
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { sessionToken, session } = await signIn(ctx, org, request.body.token, request.body.password, request.lang);
      reply.setCookie(CITIZEN_COOKIE, sessionToken, cookieOptions);
      return {
        data: { csrfToken: session.csrfToken, appointment: await presentCitizenAppointment(ctx, org, session.appointment, request.lang) },
      };
    },
  );

  app.get(
    '/api/citizen/appointment',
    { onRequest: authenticate({ csrf: false }), schema: { response: { 200: envelope(sessionView) } } },
    async (request, reply) => {
    const session = sessionOf(request);
    reply.header('cache-control', 'no-store');
    return {
      data: {
        csrfToken: session.csrfToken,
        appointment: await presentCitizenAppointment(ctx, orgOf(request), session.appointment, request.lang),
      },
    };
    },
  );

  app.post(
    '/api/citizen/appointment/cancel',
    {
      onRequest: authenticate({ csrf: true }),
      schema: { body: z.object({}).strict(), response: { 200: envelope(z.object({ appointment: citizenAppointmentView })) } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { appointment } = sessionOf(request);
      assertChangeable(ctx, org, appointment);
      const mailId = await cancelAppointment(ctx, org, appointment, 'citizen');
      await deliverSoon(mailId, reply);
      const fresh = { ...appointment, status: 'cancelled' as const };
      return { data: { appointment: await presentCitizenAppointment(ctx, org, fresh, request.lang) } };
    },
  );

  app.post(
    '/api/citizen/appointment/reschedule',
    {
      onRequest: authenticate({ csrf: true }),
      schema: { body: rescheduleRequest, response: { 200: envelope(z.object({ appointment: citizenAppointmentView })) } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { appointment } = sessionOf(request);
      assertChangeable(ctx, org, appointment);
      const { appointment: moved, mailId } = await rescheduleAppointment(ctx, org, appointment, request.body.startsAt, 'citizen');
      await deliverSoon(mailId, reply);
      return { data: { appointment: await presentCitizenAppointment(ctx, org, moved, request.lang) } };
    },
  );

  app.delete('/api/citizen/session', { onRequest: authenticate({ csrf: true }) }, async (request, reply) => {
    const token = request.cookies[CITIZEN_COOKIE];
    if (token) await signOut(ctx, token);
    reply.clearCookie(CITIZEN_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
};
