import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { JsonValue } from '../evidence/event-log.ts';
import { orgOf } from '../http/tenant.ts';
import { appendAudit } from './audit.service.ts';

/**
 * Routes that act on personal data name their action in their config
 * (`config: { audit: 'document.downloaded' }`); after a successful answer
 * (2xx) the action is appended to the audit trail with who (the member of
 * staff the route's guard admitted), the appointment (`:id` of
 * `/api/staff/appointments/:id/…`), the route's other parameters and, for
 * exports, the query's filters — never bodies or contents — and the
 * client's address. Failed requests change nothing and are not recorded
 * here (the access log has them).
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audited action of this route, e.g. `document.downloaded`. */
    audit?: string;
  }
}

/** The actor each request's guard admitted (set by the staff guard). */
const actors = new WeakMap<FastifyRequest, string>();

/** Records who a request acts for (called by guards once they admitted it). */
export function setAuditActor(request: FastifyRequest, actor: string): void {
  actors.set(request, actor);
}

function paramsOf(request: FastifyRequest): Record<string, string> {
  const params = request.params;
  if (!params || typeof params !== 'object') return {};
  return Object.fromEntries(Object.entries(params as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Installs the hook on the app. */
export function registerAuditHook(http: FastifyInstance, ctx: AppContext): void {
  http.addHook('onResponse', async (request, reply) => {
    const action = request.routeOptions.config.audit;
    if (!action || reply.statusCode >= 400) return;
    const actor = actors.get(request);
    if (!actor) return;
    const { id, ...rest } = paramsOf(request);
    const appointmentId = request.routeOptions.url?.startsWith('/api/staff/appointments/:id') ? (id ?? null) : null;
    const details: Record<string, JsonValue> = { ...rest, ...(appointmentId || !id ? {} : { id }), method: request.method };
    if (request.method === 'GET' && request.query && typeof request.query === 'object') {
      for (const [k, v] of Object.entries(request.query as Record<string, unknown>)) if (typeof v === 'string' && v.length <= 64) details[`query.${k}`] = v;
    }
    try {
      await appendAudit(ctx, { organisationId: orgOf(request).id, actor, action, appointmentId, target: rest.documentId ? `document:${rest.documentId}` : (rest.packageId ? `evidence:${rest.packageId}` : null), ip: request.ip, details });
    } catch (error) {
      // The answer has gone; losing an audit row must be loud.
      request.log.error({ err: error, action }, 'audit: entry not written');
    }
  });
}
