import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { staffGuard } from '../staff/staff.policy.ts';
import { z } from 'zod';
import { sealExpiryView, sealOverviewView, uploadSealRequest } from './seal-admin.schema.ts';
import { installSeal, sealOverview, sealSnapshot } from './seal-admin.service.ts';
import { sealExpiryNotice } from './seal-expiry.ts';

/**
 * The organ seal section of the administration console (issue 9): see the
 * seal in use and the seals installed before, and install a new PKCS#12.
 * And, for every supervisor and administrator, whether the seal in use
 * expires within 30 days (the banner of the staff pages).
 */
export const sealAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { guard, read, write } = adminGuards(ctx);
  const leaders = staffGuard(ctx).require(['supervisor', 'admin'], { csrf: false });

  app.get('/api/admin/seal', { onRequest: read, schema: { response: { 200: envelope(sealOverviewView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await sealOverview(ctx, orgOf(request)) };
  });

  app.post(
    '/api/admin/seal',
    // A 64 KiB file is about 87 KiB in base64, with the password beside it.
    { onRequest: write, bodyLimit: 128 * 1024, schema: { body: uploadSealRequest, response: { 201: envelope(sealOverviewView) } } },
    async (request, reply) => {
      const org = orgOf(request);
      const staffId = guard.principalOf(request).staff.id;
      const { installed, previous } = await installSeal(ctx, org, staffId, request.body);
      await auditAdminChange(ctx, request, staffId, { action: 'admin.seal.installed', target: `seal:${installed.id}`, before: sealSnapshot(previous), after: sealSnapshot(installed) });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ data: await sealOverview(ctx, org) });
    },
  );

  app.get('/api/staff/seal-expiry', { onRequest: leaders, schema: { response: { 200: envelope(z.object({ expiry: sealExpiryView.nullable() })) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: { expiry: await sealExpiryNotice(ctx, orgOf(request).id) } };
  });
};
