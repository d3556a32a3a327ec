import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { adminGuards } from '../admin/admin-kit.ts';
import { auditPageView, auditQuery, auditVerdictView } from '../../shared/audit.ts';
import { searchAudit } from './audit-search.ts';
import { verifyAudit } from './audit.service.ts';
import { verifyAuditAnchors } from './audit-anchor.ts';

/**
 * The audit trail for administrators (issue 7): search it, and check that
 * its chain is whole. Looking at it is itself recorded: the trail says who
 * read whose actions.
 */
export const auditRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { read, write } = adminGuards(ctx);

  app.get('/api/admin/audit', { onRequest: read, config: { audit: 'audit.searched' }, schema: { querystring: auditQuery, response: { 200: envelope(auditPageView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await searchAudit(ctx, orgOf(request), request.query) };
  });

  app.post('/api/admin/audit/verify', { onRequest: write, config: { audit: 'audit.verified' }, schema: { response: { 200: envelope(auditVerdictView) } } }, async (request) => {
    const org = orgOf(request);
    const checkedAt = ctx.clock.now().toISOString();
    const verdict = await verifyAudit(ctx.db, org.id);
    if (!verdict.ok) return { data: { ok: false, rows: verdict.rows, seq: verdict.seq, problem: verdict.problem, anchoredSeq: null, checkedAt } };
    // A whole chain may still have lost its newest entries: the anchors kept outside the database say.
    const anchors = await verifyAuditAnchors(ctx.db, ctx.config.auditAnchorDir, ctx.masterKey, org.id);
    if (!anchors.ok) return { data: { ok: false, rows: verdict.rows, seq: anchors.seq, problem: anchors.problem.replace(/ of \/.*? is not/, ' is not'), anchoredSeq: null, checkedAt } };
    return { data: { ok: true, rows: verdict.rows, seq: null, problem: null, anchoredSeq: anchors.anchoredSeq, checkedAt } };
  });
};
