import { z } from 'zod';
import { API_SCOPES } from '../staff/api-keys.service.ts';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-events.ts';
import { createWebhookRequest } from '../webhooks/webhooks.schema.ts';

/** `POST /api/admin/api-keys`: a name people recognise and at least one scope. */
export const createApiKeyRequest = z.object({
  name: z.string().trim().min(1, 'required').max(100, 'too_long'),
  scopes: z
    .array(z.enum(API_SCOPES))
    .min(1, 'required')
    .transform((scopes) => [...new Set(scopes)]),
});
/** A new API key's name and scopes. */
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequest>;

/** An API key as the console lists it: never its secret or hash, only the prefix that tells it apart. */
export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
/** An API key. */
export type ApiKeyView = z.infer<typeof apiKeyView>;

/** The answer to a creation: the key and, this once, its secret. */
export const createdApiKeyView = z.object({ apiKey: apiKeyView, secret: z.string() });
/** A created API key with its secret. */
export type CreatedApiKeyView = z.infer<typeof createdApiKeyView>;

/** `POST /api/admin/webhooks`: the API key the subscription belongs to (revoking it stops the subscription), the receiver and the events. */
export const createAdminWebhookRequest = createWebhookRequest.extend({
  apiKeyId: z.uuid('required'),
});
/** A new subscription. */
export type CreateAdminWebhookRequest = z.infer<typeof createAdminWebhookRequest>;

/** One attempt or delivery shown under a subscription. */
export const deliveryView = z.object({
  /** `event`: an appointment event from the queue; `test`: a test event sent from the console. */
  kind: z.enum(['event', 'test']),
  eventType: z.string(),
  /** Queue state (`pending`, `delivered`, `dead`, `discarded`); for a test, `delivered` or `failed`. */
  status: z.enum(['pending', 'delivered', 'dead', 'discarded', 'failed']),
  /** The receiver's last HTTP status; null when it never answered. */
  statusCode: z.number().int().nullable(),
  attempts: z.number().int(),
  /** When it was delivered, or else when it was created (a test: when it was sent). */
  at: z.string(),
  /** Short reason of the last failure. */
  error: z.string().nullable(),
});
/** A delivery. */
export type DeliveryView = z.infer<typeof deliveryView>;

/** A subscription as the console lists it: never its signing secret. */
export const adminWebhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  createdAt: z.string(),
  apiKey: z.object({ id: z.string(), name: z.string(), prefix: z.string(), revoked: z.boolean() }),
  /** The most recent deliveries and test events, newest first. */
  deliveries: z.array(deliveryView),
});
/** A subscription. */
export type AdminWebhookView = z.infer<typeof adminWebhookView>;

/** The answer to a creation: the subscription and, this once, its signing secret. */
export const createdAdminWebhookView = z.object({ webhook: adminWebhookView, secret: z.string() });
/** A created subscription with its secret. */
export type CreatedAdminWebhookView = z.infer<typeof createdAdminWebhookView>;

/** What the page shows: keys, subscriptions and what may be chosen. */
export const integrationsView = z.object({
  apiKeys: z.array(apiKeyView),
  webhooks: z.array(adminWebhookView),
  scopes: z.array(z.enum(API_SCOPES)),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
});
/** The integrations page's data. */
export type IntegrationsView = z.infer<typeof integrationsView>;
