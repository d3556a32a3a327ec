import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { staffGuard } from '../staff/staff.policy.ts';
import { legalHoldView, placeLegalHoldRequest } from '../../shared/legal-holds.ts';
import { activeHolds, holdsOfAppointment, placeHold, releaseHold } from './legal-holds.service.ts';

const idParams = z.object({ id: z.uuid() }).strict();
const holdParams = z.object({ id: z.uuid(), holdId: z.uuid() }).strict();
const holdsAnswer = envelope(z.object({ holds: z.array(legalHoldView) }));
const holdAnswer = envelope(z.object({ hold: legalHoldView }));

/**
 * Legal holds for supervisors and administrators (agents: 403): the
 * organisation's active holds, an appointment's holds, placing one (with a
 * reason) and releasing it. Placing and releasing are audited (the hold's
 * id and the appointment; never the reason, which may name a case).
 */
export const legalHoldRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(['supervisor', 'admin'], { csrf: false });
  const write = guard.require(['supervisor', 'admin'], { csrf: true });
  const staffOf = (request: Parameters<typeof guard.principalOf>[0]) => guard.principalOf(request).staff;

  app.get('/api/staff/legal-holds', { onRequest: read, schema: { response: { 200: holdsAnswer } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: { holds: await activeHolds(ctx, orgOf(request), staffOf(request)) } };
  });

  app.get('/api/staff/appointments/:id/legal-holds', { onRequest: read, schema: { params: idParams, response: { 200: holdsAnswer } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: { holds: await holdsOfAppointment(ctx, orgOf(request), staffOf(request), request.params.id) } };
  });

  app.post(
    '/api/staff/appointments/:id/legal-holds',
    { onRequest: write, config: { audit: 'legal_hold.placed' }, schema: { params: idParams, body: placeLegalHoldRequest, response: { 201: holdAnswer } } },
    async (request, reply) => {
      const hold = await placeHold(ctx, orgOf(request), staffOf(request), request.params.id, request.body.reason);
      return reply.status(201).send({ data: { hold } });
    },
  );

  app.post(
    '/api/staff/appointments/:id/legal-holds/:holdId/release',
    { onRequest: write, config: { audit: 'legal_hold.released' }, schema: { params: holdParams, body: z.object({}).strict().optional(), response: { 200: holdAnswer } } },
    async (request) => ({ data: { hold: await releaseHold(ctx, orgOf(request), staffOf(request), request.params.id, request.params.holdId) } }),
  );
};
