import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import type { WebhookDispatcher } from '../webhooks/webhook.dispatcher.ts';
import {
  adminWebhookView,
  apiKeyView,
  createAdminWebhookRequest,
  createApiKeyRequest,
  createdAdminWebhookView,
  createdApiKeyView,
  deliveryView,
  integrationsView,
} from './integrations-admin.schema.ts';
import {
  createAdminApiKey,
  createAdminWebhook,
  deleteAdminWebhook,
  integrationsOverview,
  keySnapshot,
  revokeAdminApiKey,
  sendTestEvent,
  webhookOf,
  webhookSnapshot,
} from './integrations-admin.service.ts';

const idParams = z.object({ id: z.uuid('not_found') });

/**
 * The integrations section of the administration console (issue 9): the
 * organisation's API keys (create — the secret is shown once — and revoke)
 * and every webhook subscription whichever key made it (create, delete,
 * send a test event, see the last deliveries). Secrets never reach the
 * audit trail or the logs.
 */
export const integrationsAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; webhooks: WebhookDispatcher }> = async (app, { ctx, webhooks }) => {
  const { guard, read, write } = adminGuards(ctx);
  const staffIdOf = (request: Parameters<typeof guard.principalOf>[0]) => guard.principalOf(request).staff.id;

  app.get('/api/admin/integrations', { onRequest: read, schema: { response: { 200: envelope(integrationsView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await integrationsOverview(ctx, orgOf(request)) };
  });

  app.post('/api/admin/api-keys', { onRequest: write, schema: { body: createApiKeyRequest, response: { 201: envelope(createdApiKeyView) } } }, async (request, reply) => {
    const created = await createAdminApiKey(ctx, orgOf(request), request.body);
    await auditAdminChange(ctx, request, staffIdOf(request), { action: 'admin.api_key.created', target: `api_key:${created.apiKey.id}`, before: null, after: keySnapshot(created.apiKey) });
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ data: created });
  });

  app.post('/api/admin/api-keys/:id/revoke', { onRequest: write, schema: { params: idParams, response: { 200: envelope(apiKeyView) } } }, async (request) => {
    const { before, after } = await revokeAdminApiKey(ctx, orgOf(request), request.params.id);
    await auditAdminChange(ctx, request, staffIdOf(request), { action: 'admin.api_key.revoked', target: `api_key:${after.id}`, before: keySnapshot(before), after: keySnapshot(after) });
    return { data: after };
  });

  app.post('/api/admin/webhooks', { onRequest: write, schema: { body: createAdminWebhookRequest, response: { 201: envelope(createdAdminWebhookView) } } }, async (request, reply) => {
    const created = await createAdminWebhook(ctx, orgOf(request), request.body);
    await auditAdminChange(ctx, request, staffIdOf(request), { action: 'admin.webhook.created', target: `webhook:${created.webhook.id}`, before: null, after: webhookSnapshot(created.webhook) });
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ data: created });
  });

  app.delete('/api/admin/webhooks/:id', { onRequest: write, schema: { params: idParams } }, async (request, reply) => {
    const before = await deleteAdminWebhook(ctx, orgOf(request), request.params.id);
    await auditAdminChange(ctx, request, staffIdOf(request), { action: 'admin.webhook.deleted', target: `webhook:${before.id}`, before: webhookSnapshot(before), after: null });
    return reply.status(204).send();
  });

  app.post('/api/admin/webhooks/:id/test', { onRequest: write, schema: { params: idParams, response: { 200: envelope(z.object({ delivery: deliveryView, webhook: adminWebhookView })) } } }, async (request) => {
    const org = orgOf(request);
    const delivery = await sendTestEvent(ctx, webhooks, org, request.params.id, staffIdOf(request));
    return { data: { delivery, webhook: await webhookOf(ctx, org, request.params.id) } };
  });
};
