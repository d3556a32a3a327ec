import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { adminProcedureView, adminRequiredDocumentView, procedureInput, requiredDocumentsInput } from '../../shared/catalogue-admin.ts';
import { formDefinition } from '../../shared/procedure-forms.ts';
import {
  archiveProcedure,
  createProcedure,
  listProcedures,
  procedureDetail,
  putDocuments,
  putForm,
  restoreProcedure,
  updateProcedure,
} from './catalogue-admin.service.ts';

const params = z.object({ id: z.string().uuid() });
const detailView = z.object({ procedure: adminProcedureView, documents: z.array(adminRequiredDocumentView), form: formDefinition.nullable() });

/**
 * The catalogue in the administration console (issue 9): administrators
 * only; each change is audited with the fields before and after, and is in
 * force for the next booking.
 */
export const catalogueAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { guard, read, write } = adminGuards(ctx);
  const audit = (request: Parameters<typeof auditAdminChange>[1], action: string, id: string, change: { before: Parameters<typeof auditAdminChange>[3]['before']; after: Parameters<typeof auditAdminChange>[3]['after'] }) =>
    auditAdminChange(ctx, request, guard.principalOf(request).staff.id, { action, target: `procedure:${id}`, ...change });

  app.get('/api/admin/procedures', { onRequest: read, schema: { response: { 200: envelope(z.object({ procedures: z.array(adminProcedureView) })) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: { procedures: await listProcedures(ctx, orgOf(request)) } };
  });

  app.post('/api/admin/procedures', { onRequest: write, schema: { body: procedureInput, response: { 201: envelope(adminProcedureView) } } }, async (request, reply) => {
    const changed = await createProcedure(ctx, orgOf(request), request.body);
    await audit(request, 'admin.procedure.created', changed.value.id, changed);
    return reply.code(201).send({ data: changed.value });
  });

  app.get('/api/admin/procedures/:id', { onRequest: read, schema: { params, response: { 200: envelope(detailView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await procedureDetail(ctx, orgOf(request), request.params.id) };
  });

  app.put('/api/admin/procedures/:id', { onRequest: write, schema: { params, body: procedureInput, response: { 200: envelope(adminProcedureView) } } }, async (request) => {
    const changed = await updateProcedure(ctx, orgOf(request), request.params.id, request.body);
    await audit(request, 'admin.procedure.changed', request.params.id, changed);
    return { data: changed.value };
  });

  app.post('/api/admin/procedures/:id/archive', { onRequest: write, schema: { params, response: { 200: envelope(adminProcedureView) } } }, async (request) => {
    const changed = await archiveProcedure(ctx, orgOf(request), request.params.id);
    await audit(request, 'admin.procedure.archived', request.params.id, changed);
    return { data: changed.value };
  });

  app.post('/api/admin/procedures/:id/restore', { onRequest: write, schema: { params, response: { 200: envelope(adminProcedureView) } } }, async (request) => {
    const changed = await restoreProcedure(ctx, orgOf(request), request.params.id);
    await audit(request, 'admin.procedure.restored', request.params.id, changed);
    return { data: changed.value };
  });

  app.put(
    '/api/admin/procedures/:id/documents',
    { onRequest: write, schema: { params, body: requiredDocumentsInput, response: { 200: envelope(z.object({ documents: z.array(adminRequiredDocumentView) })) } } },
    async (request) => {
      const changed = await putDocuments(ctx, orgOf(request), request.params.id, request.body.documents);
      await audit(request, 'admin.procedure.documents_changed', request.params.id, changed);
      return { data: { documents: changed.value } };
    },
  );

  app.put('/api/admin/procedures/:id/form', { onRequest: write, schema: { params, body: formDefinition, response: { 200: envelope(z.object({ form: formDefinition })) } } }, async (request) => {
    const changed = await putForm(ctx, orgOf(request), request.params.id, request.body);
    await audit(request, 'admin.procedure.form_changed', request.params.id, changed);
    return { data: { form: changed.value } };
  });
};
