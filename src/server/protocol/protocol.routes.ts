import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { citizenGuard } from '../citizen/citizen.policy.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import type { Realtime } from '../realtime/realtime.setup.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { citizenProtocolView, consentRequest, otpRequest, protocolStep, protocolView, skipStepRequest } from '../../shared/protocol.ts';
import { citizenProtocol, confirmConsent, sendOtp, signWithOtp } from './protocol-consent.service.ts';
import { protocolNotifier } from './protocol.realtime.ts';
import { completeStep, markReadAloud, readProtocol, saveDraft, skipStep } from './protocol.service.ts';

const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();
const stepParams = appointmentParams.extend({ step: protocolStep }).strict();
/** Each step checks its own body (see `completeStep`); here only that it is a JSON object. */
const anyObject = z.record(z.string().max(64), z.unknown());

/** Typed codes per minute for one citizen session, on top of the five attempts a code allows. */
const OTP_RATE = { rateLimit: { max: 20, timeWindow: 60_000 } };

/**
 * The guided protocol of a video-call procedure. Staff (the appointment's
 * agent, a supervisor or an administrator; others who may see it only read)
 * take the steps; the citizen reads the protocol, live, and gives consent
 * from their own session. Every answer is `no-store`: it holds personal data.
 */
export const protocolRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; realtime: Realtime }> = async (app, { ctx, realtime }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const write = guard.require(STAFF_ROLES_ANY, { csrf: true });
  const citizen = citizenGuard(ctx);
  const notify = protocolNotifier(ctx, realtime);
  const base = '/api/staff/appointments/:id/protocol';

  app.get(base, { onRequest: read, schema: { params: appointmentParams, response: { 200: envelope(protocolView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await readProtocol(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.lang) };
  });

  app.post(
    `${base}/steps/:step/complete`,
    { onRequest: write, config: { audit: 'protocol.step_completed' }, schema: { params: stepParams, body: anyObject, response: { 200: envelope(protocolView) } } },
    async (request, reply) => {
      const { id, step } = request.params;
      reply.header('cache-control', 'no-store');
      return { data: await completeStep(ctx, orgOf(request), guard.principalOf(request).staff, id, step, request.body, request.lang, notify) };
    },
  );

  app.post(
    `${base}/steps/:step/skip`,
    { onRequest: write, config: { audit: 'protocol.step_skipped' }, schema: { params: stepParams, body: skipStepRequest, response: { 200: envelope(protocolView) } } },
    async (request, reply) => {
      const { id, step } = request.params;
      reply.header('cache-control', 'no-store');
      return { data: await skipStep(ctx, orgOf(request), guard.principalOf(request).staff, id, step, request.body.reason, request.lang, notify) };
    },
  );

  app.put(`${base}/form`, { onRequest: write, schema: { params: appointmentParams, body: anyObject, response: { 200: envelope(protocolView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await saveDraft(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.body, request.lang, notify) };
  });

  app.post(
    `${base}/form/read-aloud`,
    { onRequest: write, config: { audit: 'protocol.read_aloud' }, schema: { params: appointmentParams, body: z.object({}).strict(), response: { 200: envelope(protocolView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await markReadAloud(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.lang, notify) };
    },
  );

  app.post(
    `${base}/consent/otp`,
    { onRequest: write, config: { audit: 'protocol.otp_sent', rateLimit: { max: 10, timeWindow: 60_000 } }, schema: { params: appointmentParams, body: z.object({}).strict(), response: { 200: envelope(protocolView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await sendOtp(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.lang, notify) };
    },
  );

  app.get('/api/citizen/appointment/protocol', { onRequest: citizen.require({ csrf: false }), schema: { response: { 200: envelope(citizenProtocolView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await citizenProtocol(ctx, citizen.sessionOf(request).appointment) };
  });

  app.post(
    '/api/citizen/appointment/protocol/consent',
    { onRequest: citizen.require({ csrf: true }), schema: { body: consentRequest, response: { 200: envelope(citizenProtocolView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await confirmConsent(ctx, citizen.sessionOf(request).appointment, request.body.formSha256, notify) };
    },
  );

  app.post(
    '/api/citizen/appointment/protocol/otp',
    { onRequest: citizen.require({ csrf: true }), config: OTP_RATE, schema: { body: otpRequest, response: { 200: envelope(citizenProtocolView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { code, formSha256 } = request.body;
      return { data: await signWithOtp(ctx, orgOf(request), citizen.sessionOf(request).appointment, code, formSha256, notify) };
    },
  );
};
