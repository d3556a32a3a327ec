/**
 * The administration console's Organ seal and Integrations sections (issue
 * 9) as the web app calls them, and the seal expiry warning every
 * supervisor and administrator sees on the staff pages.
 */
import type { SealExpiryView, SealOverviewView } from '../../server/seal-admin/seal-admin.schema.ts';
import type {
  AdminWebhookView,
  ApiKeyView,
  CreatedAdminWebhookView,
  CreatedApiKeyView,
  DeliveryView,
  IntegrationsView,
} from '../../server/integrations-admin/integrations-admin.schema.ts';
import { staffRequest } from './staff-api.ts';

export type { AdminWebhookView, ApiKeyView, DeliveryView, IntegrationsView, SealExpiryView, SealOverviewView };

/** The largest seal file the server accepts (64 KiB), checked here first to say so before uploading. */
export const MAX_SEAL_FILE_BYTES = 64 * 1024;

/** The seal in use, its expiry warning and the seals installed before. */
export function fetchSeal(signal?: AbortSignal): Promise<SealOverviewView> {
  return staffRequest<SealOverviewView>('/api/admin/seal', { signal });
}

/** Encodes a file's bytes in base64 (in pieces: a spread of 64 KiB of arguments is too many for some engines). */
function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Installs a PKCS#12 and its password as the organ seal; answers the page's new state. */
export async function installSeal(csrfToken: string, file: Blob, password: string): Promise<SealOverviewView> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return staffRequest<SealOverviewView>('/api/admin/seal', { method: 'POST', body: { file: base64Of(bytes), password }, csrfToken });
}

/** The seal expiry warning for the staff pages (supervisors and administrators), or null. */
export async function fetchSealExpiry(signal?: AbortSignal): Promise<SealExpiryView | null> {
  return (await staffRequest<{ expiry: SealExpiryView | null }>('/api/staff/seal-expiry', { signal })).expiry;
}

/** The API keys and webhook subscriptions of the organisation. */
export function fetchIntegrations(signal?: AbortSignal): Promise<IntegrationsView> {
  return staffRequest<IntegrationsView>('/api/admin/integrations', { signal });
}

/** Creates an API key; the answer holds its secret, shown once. */
export function createApiKey(csrfToken: string, body: { name: string; scopes: string[] }): Promise<CreatedApiKeyView> {
  return staffRequest<CreatedApiKeyView>('/api/admin/api-keys', { method: 'POST', body, csrfToken });
}

/** Revokes an API key. */
export function revokeApiKey(csrfToken: string, id: string): Promise<ApiKeyView> {
  return staffRequest<ApiKeyView>(`/api/admin/api-keys/${encodeURIComponent(id)}/revoke`, { method: 'POST', body: {}, csrfToken });
}

/** Subscribes a receiver for an API key; the answer holds its signing secret, shown once. */
export function createWebhook(csrfToken: string, body: { apiKeyId: string; url: string; events: string[] }): Promise<CreatedAdminWebhookView> {
  return staffRequest<CreatedAdminWebhookView>('/api/admin/webhooks', { method: 'POST', body, csrfToken });
}

/** Deletes a subscription. */
export function deleteWebhook(csrfToken: string, id: string): Promise<void> {
  return staffRequest<void>(`/api/admin/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE', csrfToken });
}

/** Sends a signed test event to a subscription now; answers the attempt and the subscription as it is now. */
export function sendTestEvent(csrfToken: string, id: string): Promise<{ delivery: DeliveryView; webhook: AdminWebhookView }> {
  return staffRequest<{ delivery: DeliveryView; webhook: AdminWebhookView }>(`/api/admin/webhooks/${encodeURIComponent(id)}/test`, { method: 'POST', body: {}, csrfToken });
}
