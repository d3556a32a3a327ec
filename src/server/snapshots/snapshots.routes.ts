import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { AppError, errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { SNAPSHOT_KINDS, SNAPSHOT_LIMITS, SNAPSHOT_TYPES, snapshotView } from '../../shared/snapshots.ts';
import { listSnapshots, presentSnapshot, snapshotForViewing, takeSnapshot } from './snapshots.service.ts';
import { assertNotPurged } from '../retention/retention.service.ts';

const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();
const kindParams = appointmentParams.extend({ kind: z.enum(SNAPSHOT_KINDS) }).strict();
const snapshotParams = appointmentParams.extend({ snapshotId: z.string().min(1).max(64) }).strict();

/**
 * Identification snapshots: during the call the agent (or a supervisor or
 * administrator) captures a frame of the citizen's video — the ID card's
 * front and back, the face — and posts it as the raw image body
 * (`image/jpeg` or `image/png`); staff of the office list and view them.
 */
export const snapshotRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const write = guard.require(STAFF_ROLES_ANY, { csrf: true });

  // Image bodies reach the handler as the raw stream: the store reads them as they arrive.
  app.addContentTypeParser([...SNAPSHOT_TYPES], (_request, payload, done) => done(null, payload));

  app.post(
    '/api/staff/appointments/:id/snapshots/:kind',
    { onRequest: write, config: { audit: 'snapshot.taken', rateLimit: { max: 60, timeWindow: 60_000 } }, schema: { params: kindParams, response: { 201: envelope(snapshotView) } } },
    async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const body = request.body as Readable | undefined;
      if (!(SNAPSHOT_TYPES as readonly string[]).includes(type) || !body || typeof body.pipe !== 'function') throw errors.badRequest('snapshot_not_image');
      if (Number(request.headers['content-length'] ?? '0') > SNAPSHOT_LIMITS.maxBytes) throw new AppError(413, 'snapshot_too_large', { maxBytes: SNAPSHOT_LIMITS.maxBytes });
      const taken = await takeSnapshot(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.params.kind, type, body);
      return reply.status(201).header('cache-control', 'no-store').send({ data: taken });
    },
  );

  app.get(
    '/api/staff/appointments/:id/snapshots',
    { onRequest: read, schema: { params: appointmentParams, response: { 200: envelope(z.object({ snapshots: z.array(snapshotView) })) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const rows = await listSnapshots(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id);
      return { data: { snapshots: rows.map(presentSnapshot) } };
    },
  );

  app.get('/api/staff/appointments/:id/snapshots/:snapshotId/content', { onRequest: read, config: { audit: 'snapshot.viewed' }, schema: { params: snapshotParams } }, async (request, reply) => {
    const row = await snapshotForViewing(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.params.snapshotId);
    await assertNotPurged(ctx.db, 'identification_snapshots', row.id);
    return reply
      .header('content-type', row.media_type)
      .header('content-length', String(row.size))
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      .send(ctx.blobs.read(row.blob_id));
  });
};
