import { z } from 'zod';
import { apiSchemas, documented } from '../integration/integration.schema.ts';
import { WEBHOOK_EVENT_TYPES, webhookEventPayload } from './webhook-events.ts';

/** At most this many live subscriptions per API key. */
export const MAX_SUBSCRIPTIONS_PER_KEY = 10;

/**
 * A receiver's URL. Any http(s) URL is allowed — the town's systems live on
 * internal networks and names — but it must be a complete absolute URL, and
 * without user:password (fetch refuses them, and they would sit in logs of
 * proxies; put a token in the path or query instead).
 */
const receiverUrl = documented(
  z
    .string()
    .trim()
    .max(2048, 'too_long')
    .pipe(z.url({ protocol: /^https?$/, hostname: /^[^\s]+$/, error: 'invalid_url' }))
    // zod runs this even when the URL check failed: only judge parsable URLs.
    .refine((v) => !URL.canParse(v) || (new URL(v).username === '' && new URL(v).password === ''), 'url_has_credentials'),
  'Where events are POSTed: an absolute http:// or https:// URL (internal hosts are fine).',
);

/** `POST /api/v1/webhooks`. */
export const createWebhookRequest = z.object({
  url: receiverUrl,
  events: documented(
    z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1, 'required')
      .max(20, 'too_long')
      .transform((events) => [...new Set(events)]),
    'Event types to receive.',
  ),
});
apiSchemas.add(createWebhookRequest, { id: 'NewWebhook', description: 'A subscription to appointment events.' });

/** A subscription as its API key sees it. The signing secret is shown only on creation. */
export const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  createdAt: z.string(),
});
apiSchemas.add(webhookView, { id: 'Webhook', description: 'A subscription to appointment events.' });

/** The answer to a creation: the subscription and, this once, its signing secret. */
export const createdWebhookView = webhookView.extend({
  secret: documented(z.string(), 'Signing secret (whsec_…): store it now, it is never shown again.'),
});
apiSchemas.add(createdWebhookView, { id: 'CreatedWebhook', description: 'A new subscription with its signing secret.' });

apiSchemas.add(webhookEventPayload, { id: 'WebhookEvent', description: 'The JSON body POSTed to receivers.' });
