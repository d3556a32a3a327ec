import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseManagementProbeView, caseManagementView } from '../../shared/case-management.ts';
import type { AppContext } from '../context.ts';
import { adminGuards, auditAdminChange } from '../admin/admin-kit.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { caseManagementOverview, kindOf, removeSetting, saveSetting, settingSnapshot } from './case-management-admin.service.ts';
import { probeReceiver } from './case-management-probe.ts';

const kindParams = z.object({ kind: z.string().max(20, 'not_found') });
/** Checked per kind by the service (each kind has its own fields), so only "an object" here. */
const settingBody = z.record(z.string(), z.unknown());

/**
 * The case-management section of the administration console (issue 7):
 * the organisation's own receiver per connector kind — REST, ENI, drop
 * folder — used for its deliveries instead of the installation's. Secrets
 * are written, never read back: answers and the audit trail say only
 * whether one is set (`hasSecret`) or was changed (`secretChanged`). A
 * test tries the receiver in use without creating a delivery.
 */
export const caseManagementAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { guard, read, write } = adminGuards(ctx);
  const staffIdOf = (request: Parameters<typeof guard.principalOf>[0]) => guard.principalOf(request).staff.id;

  app.get('/api/admin/case-management', { onRequest: read, schema: { response: { 200: envelope(caseManagementView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await caseManagementOverview(ctx, orgOf(request)) };
  });

  app.put('/api/admin/case-management/:kind', { onRequest: write, schema: { params: kindParams, body: settingBody, response: { 200: envelope(caseManagementView) } } }, async (request, reply) => {
    const org = orgOf(request);
    const kind = kindOf(request.params.kind);
    const staffId = staffIdOf(request);
    const { before, after, secretChanged } = await saveSetting(ctx, org, kind, request.body, staffId);
    await auditAdminChange(ctx, request, staffId, {
      action: before ? 'admin.case_management.changed' : 'admin.case_management.set',
      target: `connector:${kind}`,
      before: settingSnapshot(before),
      after: { ...settingSnapshot(after), ...(secretChanged ? { secretChanged: true } : {}) },
    });
    reply.header('cache-control', 'no-store');
    return { data: await caseManagementOverview(ctx, org) };
  });

  app.delete('/api/admin/case-management/:kind', { onRequest: write, schema: { params: kindParams } }, async (request, reply) => {
    const kind = kindOf(request.params.kind);
    const before = await removeSetting(ctx, orgOf(request), kind);
    await auditAdminChange(ctx, request, staffIdOf(request), { action: 'admin.case_management.removed', target: `connector:${kind}`, before: settingSnapshot(before), after: null });
    return reply.status(204).send();
  });

  // A test names no citizen and changes nothing: not audited (as webhook test events).
  app.post('/api/admin/case-management/:kind/test', { onRequest: write, schema: { params: kindParams, response: { 200: envelope(caseManagementProbeView) } } }, async (request) => {
    const org = orgOf(request);
    const kind = kindOf(request.params.kind);
    const outcome = await probeReceiver(ctx, org, kind);
    request.log.info({ kind, source: outcome.source, ok: outcome.ok, status: outcome.status }, 'case-management receiver tested');
    return { data: outcome };
  });
};
