import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { contentDisposition } from '../documents/http-range.ts';
import { ASIC_E_MIMETYPE } from '../evidence/asic-manifest.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { staffGuard } from '../staff/staff.policy.ts';
import { listDeliveries, packageForLink, retryDelivery } from './delivery.service.ts';
import { assertNotPurged } from '../retention/retention.service.ts';

const idParams = z.object({ id: z.uuid() }).strict();
const linkQuery = z.object({ expires: z.coerce.number().int().min(0).max(2 ** 40), signature: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
const listQuery = z.object({ state: z.enum(['pending', 'acknowledged', 'dead']).optional() }).strict();

const deliveryView = z.object({
  id: z.string(),
  appointment: z.object({ id: z.string(), reference: z.string() }),
  packageId: z.string(),
  connector: z.string(),
  state: z.enum(['pending', 'acknowledged', 'dead']),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  reference: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  deadAt: z.string().nullable(),
  createdAt: z.string(),
});

/** The deliveries' view for supervisors and administrators (ids, states, the receiver's reference: no personal data). */
export type DeliveryView = z.infer<typeof deliveryView>;

/**
 * Delivery of sealed evidence to case management: the receiver's download
 * of a package through a signed, expiring link (public: the link is the
 * credential), and the supervisors' list of deliveries with a retry.
 */
export const deliveryRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(['supervisor', 'admin'], { csrf: false });
  const write = guard.require(['supervisor', 'admin'], { csrf: true });

  app.get(
    '/api/public/deliveries/:id/package',
    { config: { rateLimit: { max: 30, timeWindow: 60_000 } }, schema: { params: idParams, querystring: linkQuery } },
    async (request, reply) => {
      const row = await packageForLink(ctx, orgOf(request), request.params.id, request.query, request.ip);
      await assertNotPurged(ctx.db, 'evidence_packages', row.package_id);
      // Streamed from the encrypted store: a package may be gigabytes.
      return reply
        .header('content-type', ASIC_E_MIMETYPE)
        .header('content-length', String(Number(row.size)))
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition('attachment', `${row.id}.asice`))
        .header('x-content-sha256', row.sha256)
        .send(ctx.blobs.read(row.blob_id));
    },
  );

  app.get(
    '/api/staff/deliveries',
    { onRequest: read, schema: { querystring: listQuery, response: { 200: envelope(z.object({ deliveries: z.array(deliveryView) })) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const rows = await listDeliveries(ctx, orgOf(request), guard.principalOf(request).staff, request.query.state);
      return {
        data: {
          deliveries: rows.map((r) => ({
            id: r.id,
            appointment: { id: r.appointment_id, reference: r.appointment_reference },
            packageId: r.package_id,
            connector: r.connector,
            state: r.state,
            attempts: r.attempts,
            nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
            lastError: r.last_error,
            reference: r.reference,
            acknowledgedAt: r.acknowledged_at,
            deadAt: r.dead_at,
            createdAt: r.created_at,
          })),
        },
      };
    },
  );

  app.post(
    '/api/staff/deliveries/:id/retry',
    { onRequest: write, config: { audit: 'delivery.retried' }, schema: { params: idParams, body: z.object({}).strict().optional() } },
    async (request, reply) => {
      await retryDelivery(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id);
      return reply.status(204).send();
    },
  );
};
