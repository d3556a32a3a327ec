import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { capacityCalendar } from './schedules.calendar.ts';
import {
  agentParams,
  agentScheduleView,
  agentView,
  calendarQuery,
  calendarView,
  closureParams,
  closureRequest,
  closuresQuery,
  closureView,
  importRequest,
  importView,
  MAX_ICS_BYTES,
  officeParams,
  officeRequest,
  officeView,
  windowParams,
  windowRequest,
  windowView,
} from './schedules.schema.ts';
import {
  addClosure,
  addWindow,
  agentSchedule,
  changeWindow,
  createOffice,
  importClosures,
  listAgents,
  listClosures,
  listOffices,
  removeClosure,
  removeOffice,
  removeWindow,
  renameOffice,
  type Changed,
} from './schedules.service.ts';

/**
 * Offices and schedules in the administration console (issue 9):
 * administrators only (deny by default, in onRequest), every change audited
 * with who and what changed, and visible to booking at once.
 */
export const schedulesRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { guard, read, write } = adminGuards(ctx);
  const noStore = { 'cache-control': 'no-store' };

  /** Records a committed change in the audit trail and answers its value. */
  const audited = async <T>(request: FastifyRequest, action: string, change: Changed<T>): Promise<T> => {
    await auditAdminChange(ctx, request, guard.principalOf(request).staff.id, { action, target: change.target, before: change.before, after: change.after });
    return change.value;
  };

  // ---- Offices
  app.get('/api/admin/offices', { onRequest: read, schema: { response: { 200: envelope(z.object({ offices: z.array(officeView) })) } } }, async (request, reply) => {
    reply.headers(noStore);
    return { data: { offices: await listOffices(ctx, orgOf(request)) } };
  });

  app.post('/api/admin/offices', { onRequest: write, schema: { body: officeRequest, response: { 201: envelope(officeView) } } }, async (request, reply) => {
    const office = await audited(request, 'admin.office.created', await createOffice(ctx, orgOf(request), request.body.name));
    return reply.status(201).send({ data: office });
  });

  app.put('/api/admin/offices/:officeId', { onRequest: write, schema: { params: officeParams, body: officeRequest, response: { 200: envelope(officeView) } } }, async (request) => ({
    data: await audited(request, 'admin.office.renamed', await renameOffice(ctx, orgOf(request), request.params.officeId, request.body.name)),
  }));

  app.delete('/api/admin/offices/:officeId', { onRequest: write, schema: { params: officeParams } }, async (request, reply) => {
    await audited(request, 'admin.office.removed', await removeOffice(ctx, orgOf(request), request.params.officeId));
    return reply.status(204).send();
  });

  // ---- Agents and their weekly hours
  app.get('/api/admin/schedules/agents', { onRequest: read, schema: { response: { 200: envelope(z.object({ agents: z.array(agentView) })) } } }, async (request, reply) => {
    reply.headers(noStore);
    return { data: { agents: await listAgents(ctx, orgOf(request)) } };
  });

  app.get('/api/admin/schedules/agents/:staffId', { onRequest: read, schema: { params: agentParams, response: { 200: envelope(agentScheduleView) } } }, async (request, reply) => {
    reply.headers(noStore);
    return { data: await agentSchedule(ctx, orgOf(request), request.params.staffId) };
  });

  app.post(
    '/api/admin/schedules/agents/:staffId/windows',
    { onRequest: write, schema: { params: agentParams, body: windowRequest, response: { 201: envelope(windowView) } } },
    async (request, reply) => {
      const window = await audited(request, 'admin.schedule.changed', await addWindow(ctx, orgOf(request), request.params.staffId, request.body));
      return reply.status(201).send({ data: window });
    },
  );

  app.put(
    '/api/admin/schedules/agents/:staffId/windows/:windowId',
    { onRequest: write, schema: { params: windowParams, body: windowRequest, response: { 200: envelope(windowView) } } },
    async (request) => ({
      data: await audited(request, 'admin.schedule.changed', await changeWindow(ctx, orgOf(request), request.params.staffId, request.params.windowId, request.body, request.lang)),
    }),
  );

  app.delete('/api/admin/schedules/agents/:staffId/windows/:windowId', { onRequest: write, schema: { params: windowParams } }, async (request, reply) => {
    await audited(request, 'admin.schedule.changed', await removeWindow(ctx, orgOf(request), request.params.staffId, request.params.windowId, request.lang));
    return reply.status(204).send();
  });

  // ---- Holidays and closures
  app.get('/api/admin/closures', { onRequest: read, schema: { querystring: closuresQuery, response: { 200: envelope(z.object({ closures: z.array(closureView) })) } } }, async (request, reply) => {
    reply.headers(noStore);
    return { data: { closures: await listClosures(ctx, orgOf(request), request.query.from, request.query.to) } };
  });

  app.post('/api/admin/closures', { onRequest: write, schema: { body: closureRequest, response: { 201: envelope(closureView) } } }, async (request, reply) => {
    const closure = await audited(request, 'admin.closure.added', await addClosure(ctx, orgOf(request), request.body, request.lang));
    return reply.status(201).send({ data: closure });
  });

  app.delete('/api/admin/closures/:closureId', { onRequest: write, schema: { params: closureParams } }, async (request, reply) => {
    await audited(request, 'admin.closure.removed', await removeClosure(ctx, orgOf(request), request.params.closureId, request.lang));
    return reply.status(204).send();
  });

  app.post(
    '/api/admin/closures/import',
    // The JSON envelope around the file's text: room for escaping, the text itself is checked against MAX_ICS_BYTES.
    { onRequest: write, bodyLimit: MAX_ICS_BYTES * 2 + 4096, schema: { body: importRequest, response: { 200: envelope(importView) } } },
    async (request) => ({
      data: await audited(request, 'admin.closures.imported', await importClosures(ctx, orgOf(request), request.body, request.lang)),
    }),
  );

  // ---- Capacity calendar
  app.get('/api/admin/calendar', { onRequest: read, schema: { querystring: calendarQuery, response: { 200: envelope(calendarView) } } }, async (request, reply) => {
    reply.headers(noStore);
    return { data: await capacityCalendar(ctx, orgOf(request), request.query) };
  });
};
