import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import type { AppContext } from '../context.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { orgOf, type TenantResolver } from '../http/tenant.ts';
import { ADMIN_PEOPLE_LIMITS, emailPreviewRequest, emailPreviewView, organisationSettingsRequest, organisationSettingsView } from '../../shared/admin-people.ts';
import { logoOf, previewEmail, readSettings, removeLogo, saveLogo, saveSettings, settingsSnapshot } from './organisation-admin.service.ts';

/** Image types the logo route reads as bytes; only PNG and JPEG pass the check of their first bytes. */
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml', 'image/gif', 'image/webp'];

/** The bus channel on which a node says an organisation changed: every node forgets its tenant lookups. */
export const TENANTS_CHANNEL = 'admin:organisation-changed';

/**
 * Organisation section of the administration console (issue 9):
 * `/api/admin/organisation…` for administrators, and the public logo.
 * Every change forgets the tenant lookup cache — here at once, on the other
 * nodes through the event bus — so the next request (the citizen's start
 * page included) sees it without a restart.
 */
export const organisationAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; tenants: TenantResolver; bus: EventBus }> = async (app, { ctx, tenants, bus }) => {
  const { guard, read, write } = adminGuards(ctx);
  const unsubscribe = await bus.subscribe(TENANTS_CHANNEL, () => tenants.invalidate());
  app.addHook('onClose', async () => {
    await unsubscribe().catch(() => undefined);
  });
  const changed = async (organisationId: string) => {
    tenants.invalidate();
    await bus.publish(TENANTS_CHANNEL, organisationId).catch((error: unknown) => ctx.log.warn({ err: error }, 'organisation change not announced to the other nodes'));
  };
  // Scoped to this plugin: a logo arrives as its raw bytes (a little over the limit, so too large gets its own message).
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: ADMIN_PEOPLE_LIMITS.logoMaxBytes * 4 }, (_request, body, done) => done(null, body));

  app.get('/api/admin/organisation', { onRequest: read, schema: { response: { 200: envelope(organisationSettingsView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await readSettings(ctx, orgOf(request)) };
  });

  app.put('/api/admin/organisation', { onRequest: write, schema: { body: organisationSettingsRequest, response: { 200: envelope(organisationSettingsView) } } }, async (request) => {
    const { before, after } = await saveSettings(ctx, orgOf(request), request.body);
    await changed(orgOf(request).id);
    await auditAdminChange(ctx, request, guard.principalOf(request).staff.id, { action: 'admin.organisation.changed', target: `organisation:${orgOf(request).id}`, before: settingsSnapshot(before), after: settingsSnapshot(after) });
    return { data: after };
  });

  app.put('/api/admin/organisation/logo', { onRequest: write, bodyLimit: ADMIN_PEOPLE_LIMITS.logoMaxBytes * 4, schema: { response: { 200: envelope(organisationSettingsView) } } }, async (request) => {
    const { before, after } = await saveLogo(ctx, orgOf(request), request.body, request.headers['content-type']);
    await changed(orgOf(request).id);
    await auditAdminChange(ctx, request, guard.principalOf(request).staff.id, { action: 'admin.organisation.logo_changed', target: `organisation:${orgOf(request).id}`, before: settingsSnapshot(before), after: settingsSnapshot(after) });
    return { data: after };
  });

  app.delete('/api/admin/organisation/logo', { onRequest: write, schema: { response: { 200: envelope(organisationSettingsView) } } }, async (request) => {
    const { before, after } = await removeLogo(ctx, orgOf(request));
    await changed(orgOf(request).id);
    await auditAdminChange(ctx, request, guard.principalOf(request).staff.id, { action: 'admin.organisation.logo_removed', target: `organisation:${orgOf(request).id}`, before: settingsSnapshot(before), after: settingsSnapshot(after) });
    return { data: after };
  });

  app.post('/api/admin/organisation/email-preview', { onRequest: write, schema: { body: emailPreviewRequest, response: { 200: envelope(emailPreviewView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: previewEmail(ctx, orgOf(request), request.body.language, request.body.note) };
  });

  app.get('/api/public/organisation/logo', async (request, reply) => {
    const logo = await logoOf(ctx, orgOf(request));
    if (!logo) throw errors.notFound();
    const etag = `"${logo.sha256.slice(0, 32)}"`;
    reply.header('etag', etag).header('cache-control', 'public, max-age=300').header('content-security-policy', "default-src 'none'");
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type(logo.type).send(logo.bytes);
  });
};
