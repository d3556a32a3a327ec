import { randomUUID } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { sealSecret } from '../security/master-key.ts';
import { orgOf } from '../http/tenant.ts';
import { principalOf, type ApiScope } from '../integration/integration.auth.ts';
import { documented, errorResponses, idParams } from '../integration/integration.schema.ts';
import type { WebhookSubscription } from './webhooks.tables.ts';
import { parseEvents } from './webhook-events.ts';
import { webhooksRepo } from './webhooks.repo.ts';
import { newWebhookSecret } from './webhook.signature.ts';
import { createWebhookRequest, createdWebhookView, MAX_SUBSCRIPTIONS_PER_KEY, webhookView } from './webhooks.schema.ts';

/** What the webhook routes get from the integration plugin. */
export interface WebhookRoutesOptions {
  ctx: AppContext;
  /** The v1 authentication hooks for a scope. */
  auth: (scope: ApiScope) => onRequestAsyncHookHandler[];
}

function present(s: WebhookSubscription) {
  return { id: s.id, url: s.url, events: parseEvents(s.events), createdAt: s.created_at };
}

/**
 * Webhook subscriptions, per API key: a key sees and deletes only its own.
 * Receiving appointment events is reading appointments, so the scope is
 * `appointments:read`.
 */
export const webhookRoutes: FastifyPluginAsyncZod<WebhookRoutesOptions> = async (app, { ctx, auth }) => {
  const common = { tags: ['Webhooks'], security: [{ apiKey: ['appointments:read'] }] };
  const route = { onRequest: auth('appointments:read'), config: { rateLimit: false as const } };

  app.post(
    '/api/v1/webhooks',
    {
      ...route,
      schema: {
        ...common,
        operationId: 'createWebhook',
        summary: 'Subscribe to appointment events',
        description:
          'Events are POSTed as JSON to `url`, signed with the returned secret (see the `Finestreta-Signature` header). A 2xx answer acknowledges an event; anything else is retried with exponential backoff for up to three days.',
        body: createWebhookRequest,
        response: { 201: envelope(createdWebhookView), ...errorResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { keyId } = principalOf(request);
      const existing = await webhooksRepo.subscriptionsOfKey(ctx.db, org.id, keyId);
      if (existing.length >= MAX_SUBSCRIPTIONS_PER_KEY) throw errors.unprocessable('too_many_webhooks', { max: MAX_SUBSCRIPTIONS_PER_KEY });
      const id = randomUUID();
      const secret = newWebhookSecret();
      const row: WebhookSubscription = {
        id,
        organisation_id: org.id,
        api_key_id: keyId,
        url: request.body.url,
        events: JSON.stringify(request.body.events),
        secret: sealSecret(ctx.masterKey, secret, `webhook:${id}`),
        created_at: ctx.clock.now().toISOString(),
        deleted_at: null,
      };
      await webhooksRepo.insertSubscription(ctx.db, row);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ data: { ...present(row), secret } });
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      ...route,
      schema: {
        ...common,
        operationId: 'listWebhooks',
        summary: 'List this key’s subscriptions',
        response: { 200: envelope(z.array(webhookView)), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => {
      const rows = await webhooksRepo.subscriptionsOfKey(ctx.db, orgOf(request).id, principalOf(request).keyId);
      return { data: rows.map(present) };
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      ...route,
      schema: {
        ...common,
        operationId: 'deleteWebhook',
        summary: 'Delete a subscription',
        description: 'Events not yet delivered to it are discarded.',
        params: idParams,
        response: { 204: documented(z.undefined(), 'Deleted.'), ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const deleted = await webhooksRepo.deleteSubscription(
        ctx.db,
        orgOf(request).id,
        principalOf(request).keyId,
        request.params.id,
        ctx.clock.now().toISOString(),
      );
      if (!deleted) throw errors.notFound();
      return reply.status(204).send();
    },
  );
};
