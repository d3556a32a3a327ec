import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from './context.ts';
import { bookingRoutes } from './booking/booking.routes.ts';
import { catalogueRoutes } from './catalogue/catalogue.routes.ts';
import { citizenRoutes } from './citizen/citizen.routes.ts';
import { staffAuthRoutes } from './staff/staff-auth.routes.ts';
import { oidcRoutes } from './staff/oidc.routes.ts';
import { workspaceRoutes } from './workspace/workspace.routes.ts';
import { integrationRoutes } from './integration/integration.routes.ts';
import './integration/integration.listeners.ts';
import './documents/documents.listeners.ts';
import { documentsRoutes } from './documents/documents.routes.ts';
import { uploadRoutes } from './documents/uploads.routes.ts';
import { uploaderRoutes } from './uploader/uploader.routes.ts';
import { DocumentWorker } from './documents/document-worker.ts';
import { AppError } from './http/errors.ts';
import { installErrorHandler, sendError } from './http/error-handler.ts';
import { loggerOptions } from './http/logging.ts';
import { opsRoutes } from './http/ops.routes.ts';
import { installSecurity } from './http/security.ts';
import { installTenantResolution, rewriteTenantUrl, TenantResolver } from './http/tenant.ts';
import { MailDispatcher } from './mail/mail.queue.ts';
import { devMailRoutes } from './mail/dev-mail.routes.ts';
import { WebhookDispatcher } from './webhooks/webhook.dispatcher.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { reminderHandlers } from './jobs/reminders.service.ts';
import type { EventBus } from './adapters/bus/event-bus.ts';
import { createEventBus } from './adapters/bus/create-event-bus.ts';
import { noShowHandlers } from './realtime/no-show.service.ts';
import { realtimeRoutes } from './realtime/realtime.routes.ts';
import { interpreterRoutes } from './interpreters/interpreters.routes.ts';
import { evidencePackageRoutes } from './evidence-package/package.routes.ts';
import { deliveryRoutes } from './delivery/delivery.routes.ts';
import { DeliveryWorker } from './delivery/delivery.worker.ts';
import { RetentionJob } from './retention/retention.worker.ts';
import { legalHoldRoutes } from './retention/legal-holds.routes.ts';
import { snapshotRoutes } from './snapshots/snapshots.routes.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { recordingRoutes } from './recordings/recordings.routes.ts';
import { indicatorsRoutes } from './indicators/indicators.routes.ts';
import { schedulesRoutes } from './schedules/schedules.routes.ts';
import { registerAuditHook } from './audit/audit.hook.ts';
import { catalogueAdminRoutes } from './catalogue/catalogue-admin.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { protocolRoutes } from './protocol/protocol.routes.ts';
import { surveysRoutes } from './surveys/surveys.routes.ts';
import { staffAdminRoutes } from './staff-admin/staff-admin.routes.ts';
import { organisationAdminRoutes } from './organisation-admin/organisation-admin.routes.ts';
import { surveyInvitationHandlers } from './surveys/survey-invitation.service.ts';
import { createRealtime, type Realtime } from './realtime/realtime.setup.ts';
import { sealAdminRoutes } from './seal-admin/seal-admin.routes.ts';
import { integrationsAdminRoutes } from './integrations-admin/integrations-admin.routes.ts';
import { caseManagementAdminRoutes } from './case-management-admin/case-management-admin.routes.ts';
import { dataProtectionRoutes } from './data-protection/data-protection.routes.ts';
import type { SocketTimings } from './realtime/realtime.socket.ts';

/** Where `vite build` puts the web app. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** The running application: the HTTP server plus the background workers it owns. */
export interface App {
  http: FastifyInstance;
  mailer: MailDispatcher;
  /** Scheduled work (reminders); `main` starts it, tests call `runDue()`. */
  jobs: JobRunner;
  /** Sends webhook deliveries; `main` starts it, tests call `runDue()`. */
  webhooks: WebhookDispatcher;
  /** Scans, shreds and expires documents; `main` starts it, tests call `runDue()`. */
  documents: DocumentWorker;
  /** Delivers sealed evidence to case management (the outbox); `main` starts it, tests call `runDue()`. */
  deliveries: DeliveryWorker;
  /** Purges what is past each organisation's retention periods (crypto-shredding); `main` starts it, tests call `runDue()`. */
  retention: RetentionJob;
  tenants: TenantResolver;
  /** The waiting room and the call: this node's sockets and their fan-out over `bus`. */
  realtime: Realtime;
  /** The event bus between nodes (in-process, or Redis when `REDIS_URL` is set). */
  bus: EventBus;
  /** Every route registered, for the authorisation tests that must cover them all. */
  routes: { method: string; url: string; audit: string | undefined }[];
}

/** What a caller may choose instead of the configuration's defaults (tests, benches). */
export interface BuildOptions {
  /** A bus the caller owns (and closes); by default the app opens the configured one and closes it with the server. */
  bus?: EventBus;
  /** Shorter hello and heartbeat deadlines. */
  realtime?: Partial<SocketTimings>;
}

/** Builds the Fastify app on a context; `listen` or `inject` is up to the caller. */
export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<App> {
  const http = Fastify({
    logger: loggerOptions(ctx.config),
    trustProxy: ctx.config.trustProxy,
    rewriteUrl: rewriteTenantUrl,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    bodyLimit: 256 * 1024,
  });
  const routes: App['routes'] = [];
  http.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, audit: r.config?.audit });
  });
  http.setValidatorCompiler(validatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  installErrorHandler(http);
  // The request id in every answer lets a citizen's support call be matched to the logs.
  http.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await installSecurity(http, ctx.config);
  await http.register(cookie);
  // SDP offers run to tens of kilobytes; the protocol caps one at 200 000 characters.
  await http.register(websocket, { options: { maxPayload: 256 * 1024 } });

  const tenants = new TenantResolver(ctx);
  installTenantResolution(http, tenants);
  const mailer = new MailDispatcher(ctx);
  const bus = opts.bus ?? createEventBus(ctx.config, ctx.log);
  const realtime = createRealtime(ctx, bus, mailer, opts.realtime);
  http.addHook('onClose', async () => {
    await realtime.close();
    if (!opts.bus) await bus.close();
  });
  const jobs = new JobRunner(ctx, { ...reminderHandlers(mailer), ...noShowHandlers(mailer, (d) => realtime.service.announceDesisted(d)), ...surveyInvitationHandlers() });
  const webhooks = new WebhookDispatcher(ctx);
  const documents = new DocumentWorker(ctx);
  const deliveries = new DeliveryWorker(ctx);
  const retention = new RetentionJob(ctx);

  opsRoutes(http, ctx, [() => webhooks.metrics(), () => deliveries.metrics(), () => realtime.hub.metrics()]);
  registerAuditHook(http, ctx);
  await http.register(catalogueRoutes, { ctx });
  await http.register(bookingRoutes, { ctx, mailer });
  await http.register(citizenRoutes, { ctx, mailer });
  await http.register(staffAuthRoutes, { ctx });
  await http.register(oidcRoutes, { ctx });
  await http.register(workspaceRoutes, { ctx, mailer });
  await http.register(integrationRoutes, { ctx, mailer });
  await http.register(documentsRoutes, { ctx, mailer });
  await http.register(uploadRoutes, { ctx });
  await http.register(uploaderRoutes, { ctx });
  await http.register(realtimeRoutes, { ctx, realtime });
  await http.register(interpreterRoutes, { ctx, realtime });
  await http.register(evidencePackageRoutes, { ctx });
  await http.register(deliveryRoutes, { ctx });
  await http.register(legalHoldRoutes, { ctx });
  await http.register(snapshotRoutes, { ctx });
  await http.register(registryRoutes, { ctx });
  await http.register(recordingRoutes, { ctx, realtime });
  await http.register(protocolRoutes, { ctx, realtime });
  await http.register(indicatorsRoutes, { ctx });
  await http.register(schedulesRoutes, { ctx });
  await http.register(surveysRoutes, { ctx });
  await http.register(staffAdminRoutes, { ctx, realtime, bus });
  await http.register(organisationAdminRoutes, { ctx, tenants, bus });
  await http.register(catalogueAdminRoutes, { ctx });
  await http.register(auditRoutes, { ctx });
  await http.register(sealAdminRoutes, { ctx });
  await http.register(integrationsAdminRoutes, { ctx, webhooks });
  await http.register(caseManagementAdminRoutes, { ctx });
  await http.register(dataProtectionRoutes, { ctx });
  if (ctx.config.env !== 'production' && ctx.mail.kind === 'outbox') {
    await http.register(devMailRoutes, { outboxDir: path.join(ctx.config.dataDir, 'outbox') });
  }
  installWebApp(http);
  return { http, mailer, jobs, webhooks, documents, deliveries, retention, tenants, realtime, bus, routes };
}

/** Serves the built web app, with index.html for every client-side route. */
function installWebApp(http: FastifyInstance): void {
  const hasBuild = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasBuild) {
    // wildcard: files are looked up per request, so a rebuilt app is served without a restart.
    void http.register(fastifyStatic, { root: WEB_DIST, wildcard: true, index: false, maxAge: '1h' });
    http.get('/', (_request, reply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html'));
  }
  http.setNotFoundHandler((request, reply) => {
    const isPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      !request.url.startsWith('/assets/') &&
      !request.url.startsWith('/dev/');
    if (isPage && hasBuild) {
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
    }
    return sendError(request, reply, new AppError(404, 'not_found'));
  });
}
