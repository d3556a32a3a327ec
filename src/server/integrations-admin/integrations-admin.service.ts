import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import { AppError, errors } from '../http/errors.ts';
import { sealSecret } from '../security/master-key.ts';
import { API_SCOPES, createApiKey } from '../staff/api-keys.service.ts';
import type { WebhookDispatcher } from '../webhooks/webhook.dispatcher.ts';
import { parseEvents, WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-events.ts';
import { newWebhookSecret } from '../webhooks/webhook.signature.ts';
import { webhooksRepo } from '../webhooks/webhooks.repo.ts';
import { MAX_SUBSCRIPTIONS_PER_KEY } from '../webhooks/webhooks.schema.ts';
import { integrationsAdminRepo, RECENT_DELIVERIES } from './integrations-admin.repo.ts';
import type {
  AdminWebhookView,
  ApiKeyView,
  CreateAdminWebhookRequest,
  CreateApiKeyRequest,
  DeliveryView,
  IntegrationsView,
} from './integrations-admin.schema.ts';

/** The type of the console's test event; receivers should acknowledge it and do nothing else. */
export const TEST_EVENT_TYPE = 'webhook.test';

type KeyRow = Awaited<ReturnType<typeof integrationsAdminRepo.apiKeys>>[number];
type SubscriptionRow = Awaited<ReturnType<typeof integrationsAdminRepo.subscriptions>>[number];

function presentKey(k: KeyRow): ApiKeyView {
  return { id: k.id, name: k.name, prefix: k.prefix, scopes: parseList(k.scopes), createdAt: k.created_at, revokedAt: k.revoked_at };
}

/** What the audit trail records of a key: never its secret or hash. */
export function keySnapshot(k: ApiKeyView): Snapshot {
  return { name: k.name, prefix: k.prefix, scopes: k.scopes, revokedAt: k.revokedAt };
}

/** What the audit trail records of a subscription: never its signing secret. */
export function webhookSnapshot(w: Pick<AdminWebhookView, 'url' | 'events' | 'apiKey'>): Snapshot {
  return { url: w.url, events: w.events, apiKey: w.apiKey.id };
}

function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Everything the integrations page shows. */
export async function integrationsOverview(ctx: AppContext, org: Organisation): Promise<IntegrationsView> {
  const keys = await integrationsAdminRepo.apiKeys(ctx.db, org.id);
  const subscriptions = await integrationsAdminRepo.subscriptions(ctx.db, org.id);
  const webhooks: AdminWebhookView[] = [];
  for (const s of subscriptions) webhooks.push(await presentWebhook(ctx, org.id, s));
  return { apiKeys: keys.map(presentKey), webhooks, scopes: [...API_SCOPES], eventTypes: [...WEBHOOK_EVENT_TYPES] };
}

async function presentWebhook(ctx: AppContext, organisationId: string, s: SubscriptionRow): Promise<AdminWebhookView> {
  const [queued, tests] = await Promise.all([
    integrationsAdminRepo.recentDeliveries(ctx.db, organisationId, s.id),
    integrationsAdminRepo.recentTests(ctx.db, organisationId, s.id),
  ]);
  const deliveries: DeliveryView[] = [
    ...queued.map((d) => ({
      kind: 'event' as const,
      eventType: d.type,
      status: d.status,
      statusCode: d.last_status,
      attempts: d.attempts,
      at: d.delivered_at ?? d.created_at,
      error: d.last_error,
    })),
    ...tests.map((d) => ({
      kind: 'test' as const,
      eventType: TEST_EVENT_TYPE,
      status: d.error === null ? ('delivered' as const) : ('failed' as const),
      statusCode: d.status_code,
      attempts: 1,
      at: d.attempted_at,
      error: d.error,
    })),
  ]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, RECENT_DELIVERIES);
  return {
    id: s.id,
    url: s.url,
    events: parseEvents(s.events),
    createdAt: s.created_at,
    apiKey: { id: s.api_key_id, name: s.key_name, prefix: s.key_prefix, revoked: s.key_revoked_at !== null },
    deliveries,
  };
}

/** Creates an API key; the secret is in the answer only. */
export async function createAdminApiKey(ctx: AppContext, org: Organisation, input: CreateApiKeyRequest): Promise<{ apiKey: ApiKeyView; secret: string }> {
  const { id, key } = await createApiKey(ctx.db, org.id, input.name, input.scopes, ctx.clock.now());
  const row = await integrationsAdminRepo.apiKey(ctx.db, org.id, id);
  if (!row) throw errors.notFound();
  return { apiKey: presentKey(row), secret: key };
}

/** Revokes a key of the organisation (its webhook subscriptions stop receiving events); 404 for another organisation's, 409 when already revoked. */
export async function revokeAdminApiKey(ctx: AppContext, org: Organisation, id: string): Promise<{ before: ApiKeyView; after: ApiKeyView }> {
  const row = await integrationsAdminRepo.apiKey(ctx.db, org.id, id);
  if (!row) throw errors.notFound();
  if (row.revoked_at !== null) throw errors.conflict('api_key_already_revoked');
  await integrationsAdminRepo.revokeApiKey(ctx.db, org.id, id, ctx.clock.now().toISOString());
  const after = await integrationsAdminRepo.apiKey(ctx.db, org.id, id);
  if (!after) throw errors.notFound();
  return { before: presentKey(row), after: presentKey(after) };
}

/** Subscribes a receiver on behalf of one of the organisation's live API keys; the signing secret is in the answer only. */
export async function createAdminWebhook(ctx: AppContext, org: Organisation, input: CreateAdminWebhookRequest): Promise<{ webhook: AdminWebhookView; secret: string }> {
  const key = await integrationsAdminRepo.apiKey(ctx.db, org.id, input.apiKeyId);
  if (!key || key.revoked_at !== null) throw errors.unprocessable('webhook_api_key_unusable');
  const existing = await webhooksRepo.subscriptionsOfKey(ctx.db, org.id, key.id);
  if (existing.length >= MAX_SUBSCRIPTIONS_PER_KEY) throw errors.unprocessable('too_many_webhooks', { max: MAX_SUBSCRIPTIONS_PER_KEY });
  const id = randomUUID();
  const secret = newWebhookSecret();
  await webhooksRepo.insertSubscription(ctx.db, {
    id,
    organisation_id: org.id,
    api_key_id: key.id,
    url: input.url,
    events: JSON.stringify(input.events),
    secret: sealSecret(ctx.masterKey, secret, `webhook:${id}`),
    created_at: ctx.clock.now().toISOString(),
    deleted_at: null,
  });
  return { webhook: await webhookOf(ctx, org, id), secret };
}

/** One live subscription of the organisation, presented; 404 otherwise. */
export async function webhookOf(ctx: AppContext, org: Organisation, id: string): Promise<AdminWebhookView> {
  const [row] = await integrationsAdminRepo.subscriptions(ctx.db, org.id, id);
  if (!row) throw errors.notFound();
  return presentWebhook(ctx, org.id, row);
}

/** Deletes a subscription of the organisation, whichever key made it; what it had not received yet is discarded. */
export async function deleteAdminWebhook(ctx: AppContext, org: Organisation, id: string): Promise<AdminWebhookView> {
  const before = await webhookOf(ctx, org, id);
  const deleted = await webhooksRepo.deleteSubscription(ctx.db, org.id, before.apiKey.id, id, ctx.clock.now().toISOString());
  if (!deleted) throw errors.notFound();
  return before;
}

/**
 * Sends a signed test event to a subscription now, through the webhook
 * dispatcher (same headers, signature and timeout as real deliveries), once,
 * and records the outcome among the subscription's deliveries. The body
 * names no citizen: `{ id, type: "webhook.test", occurredAt, organisation, data: { test: true } }`.
 */
export async function sendTestEvent(ctx: AppContext, dispatcher: WebhookDispatcher, org: Organisation, id: string, staffId: string): Promise<DeliveryView> {
  const [row] = await integrationsAdminRepo.subscriptions(ctx.db, org.id, id);
  if (!row) throw errors.notFound();
  if (row.key_revoked_at !== null) throw new AppError(422, 'webhook_api_key_unusable');
  const now = ctx.clock.now();
  const eventId = randomUUID();
  const body = JSON.stringify({ id: eventId, type: TEST_EVENT_TYPE, occurredAt: now.toISOString(), organisation: { id: org.id, slug: org.slug }, data: { test: true } });
  const { status, error } = await dispatcher.sendOnce({ id: row.id, url: row.url, secret: row.secret }, { id: eventId, type: TEST_EVENT_TYPE, body });
  const ok = status !== null && status >= 200 && status < 300;
  const at = ctx.clock.now().toISOString();
  await integrationsAdminRepo.insertTest(ctx.db, {
    id: randomUUID(),
    organisation_id: org.id,
    subscription_id: row.id,
    status_code: status,
    error: ok ? null : (error ?? `HTTP ${String(status)}`),
    sent_by: `staff:${staffId}`,
    attempted_at: at,
  });
  // Ids and statuses only: a receiver's URL may hold a token.
  ctx.log.info({ subscriptionId: row.id, eventId, status }, 'webhook test event sent');
  return { kind: 'test', eventType: TEST_EVENT_TYPE, status: ok ? 'delivered' : 'failed', statusCode: status, attempts: 1, at, error: ok ? null : (error ?? `HTTP ${String(status)}`) };
}
