import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { baselinesRequest, baselineView, indicatorsQuery, indicatorsView, procedureIndicators, reportQuery, shiftMonth, surveyCommentView } from '../../shared/indicators.ts';
import { isLanguage, DEFAULT_LANGUAGE } from '../../shared/limits.ts';
import { indicatorsCsv } from './indicators.csv.ts';
import { indicators, indicatorsByProcedure, listBaselines, putBaselines, surveyComments } from './indicators.service.ts';

/**
 * The service indicators (issue 8): every member of staff reads them —
 * an agent their own figures, a supervisor their offices', an
 * administrator everyone's — as JSON for the dashboard or as CSV; the
 * survey comments (anonymous) are for supervisors and administrators; the
 * in-person baselines are set by administrators.
 */
export const indicatorsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const leaders = guard.require(['supervisor', 'admin'], { csrf: false });
  const admin = guard.require(['admin'], { csrf: true });

  app.get('/api/staff/indicators', { onRequest: read, schema: { querystring: indicatorsQuery, response: { 200: envelope(indicatorsView) } } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: await indicators(ctx, orgOf(request), guard.principalOf(request).staff, request.query, request.lang) };
  });

  app.get('/api/staff/indicators.csv', { onRequest: read, config: { audit: 'indicators.exported' }, schema: { querystring: indicatorsQuery } }, async (request, reply) => {
    const view = await indicators(ctx, orgOf(request), guard.principalOf(request).staff, request.query, request.lang);
    reply.header('cache-control', 'no-store');
    reply.header('content-disposition', `attachment; filename="indicators-${view.from}-${view.to}.csv"`);
    reply.type('text/csv; charset=utf-8');
    return indicatorsCsv(view);
  });

  app.get(
    '/api/staff/indicators/by-procedure',
    { onRequest: read, schema: { querystring: indicatorsQuery, response: { 200: envelope(z.object({ procedures: z.array(procedureIndicators) })) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: { procedures: await indicatorsByProcedure(ctx, orgOf(request), guard.principalOf(request).staff, request.query, request.lang) } };
    },
  );

  app.get('/api/staff/indicators/report.pdf', { onRequest: read, config: { audit: 'indicators.report_exported' }, schema: { querystring: reportQuery } }, async (request, reply) => {
    const { month, ...filters } = request.query;
    const org = orgOf(request);
    const view = await indicators(ctx, org, guard.principalOf(request).staff, { from: shiftMonth(month, -11), to: month, ...filters }, request.lang);
    const named = (list: { id: string; name: string }[], id: string | undefined) => (id ? [list.find((x) => x.id === id)?.name ?? '—'] : []);
    // pdf-lib loads on the first report, not at start (README "Benchmarks": memory at idle).
    const { renderIndicatorsReport } = await import('./indicators-report.ts');
    const pdf = await renderIndicatorsReport(view, {
      language: isLanguage(request.lang) ? request.lang : DEFAULT_LANGUAGE,
      organisation: org.name,
      scope: [...named(view.filters.procedures, filters.procedureId), ...named(view.filters.offices, filters.officeId), ...named(view.filters.agents, filters.agentId)],
      generatedAt: ctx.clock.now().toISOString(),
      timeZone: org.time_zone,
    });
    reply.header('cache-control', 'no-store');
    reply.header('content-disposition', `attachment; filename="indicators-report-${month}.pdf"`);
    reply.type('application/pdf');
    return reply.send(Buffer.from(pdf));
  });

  app.get(
    '/api/staff/indicators/comments',
    { onRequest: leaders, schema: { querystring: indicatorsQuery, response: { 200: envelope(z.object({ comments: z.array(surveyCommentView) })) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: { comments: await surveyComments(ctx, orgOf(request), guard.principalOf(request).staff, request.query, request.lang) } };
    },
  );

  app.get('/api/staff/indicators/baselines', { onRequest: read, schema: { response: { 200: envelope(z.object({ baselines: z.array(baselineView) })) } } }, async (request) => ({
    data: { baselines: await listBaselines(ctx, orgOf(request)) },
  }));

  app.put(
    '/api/staff/indicators/baselines',
    { onRequest: admin, config: { audit: 'indicators.baselines_changed' }, schema: { body: baselinesRequest, response: { 200: envelope(z.object({ baselines: z.array(baselineView) })) } } },
    async (request) => ({ data: { baselines: await putBaselines(ctx, orgOf(request), guard.principalOf(request).staff, request.body.values) } }),
  );
};
