import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { citizenGuard } from '../citizen/citizen.policy.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { surveyAnswer, surveyView, wrapupRequest, wrapupView } from '../../shared/surveys.ts';
import { answerSurvey, appointmentOfInvitation, citizenSurvey, readWrapup, saveWrapup } from './surveys.service.ts';

const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();
/** Any token that is not one of ours is simply unknown (404), whatever its shape. */
const tokenParams = z.object({ token: z.string().min(1).max(128) }).strict();
/** Per address and minute: the links are 192-bit secrets, this only keeps scanners off the database. */
const LINK_RATE = { rateLimit: { max: 20, timeWindow: 60_000 } };

/**
 * After the call: the agent's wrap-up (staff who may see the appointment
 * read it; its agent, a supervisor or an administrator save it) and the
 * citizen's survey, from their session right after the call or from the
 * emailed link. Every answer is `no-store`.
 */
export const surveysRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const citizen = citizenGuard(ctx);
  const base = '/api/staff/appointments/:id/wrapup';

  app.get(base, { onRequest: guard.require(STAFF_ROLES_ANY, { csrf: false }), schema: { params: appointmentParams, response: { 200: envelope(wrapupView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await readWrapup(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id) };
  });

  app.put(
    base,
    { onRequest: guard.require(STAFF_ROLES_ANY, { csrf: true }), config: { audit: 'call.wrapped_up' }, schema: { params: appointmentParams, body: wrapupRequest, response: { 200: envelope(wrapupView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await saveWrapup(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.body) };
    },
  );

  app.get('/api/citizen/appointment/survey', { onRequest: citizen.require({ csrf: false }), schema: { response: { 200: envelope(surveyView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await citizenSurvey(ctx, orgOf(request), citizen.sessionOf(request).appointment) };
  });

  app.post(
    '/api/citizen/appointment/survey',
    { onRequest: citizen.require({ csrf: true }), schema: { body: surveyAnswer, response: { 200: envelope(surveyView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await answerSurvey(ctx, orgOf(request), citizen.sessionOf(request).appointment, request.body, 'call') };
    },
  );

  // The emailed link: the token is the credential (no session, so no CSRF to check: a forged
  // request would need the token, and could only answer the survey it opens).
  app.get('/api/public/survey/:token', { config: LINK_RATE, schema: { params: tokenParams, response: { 200: envelope(surveyView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const org = orgOf(request);
    return { data: await citizenSurvey(ctx, org, await appointmentOfInvitation(ctx, org, request.params.token)) };
  });

  app.post(
    '/api/public/survey/:token',
    { config: LINK_RATE, schema: { params: tokenParams, body: surveyAnswer, response: { 200: envelope(surveyView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const org = orgOf(request);
      return { data: await answerSurvey(ctx, org, await appointmentOfInvitation(ctx, org, request.params.token), request.body, 'email') };
    },
  );
};
