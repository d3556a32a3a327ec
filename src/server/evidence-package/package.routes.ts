import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { contentDisposition } from '../documents/http-range.ts';
import { ASIC_E_MIMETYPE } from '../evidence/asic-manifest.ts';
import { envelope } from '../http/envelope.ts';
import { orgOf } from '../http/tenant.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { evidenceForDownload, listEvidence, sealEvidenceAsStaff } from './package.service.ts';
import type { EvidencePackageRow } from './package.tables.ts';
import { assertNotPurged } from '../retention/retention.service.ts';

const appointmentParams = z.object({ id: z.string().min(1).max(64) }).strict();
const packageParams = appointmentParams.extend({ packageId: z.string().min(1).max(64) }).strict();

const packageView = z.object({
  id: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  size: z.number(),
  sha256: z.string(),
  files: z.number(),
  sealedBy: z.string(),
  timestamped: z.boolean(),
});
const sealedView = packageView.extend({ contents: z.array(z.object({ name: z.string(), sha256: z.string(), size: z.number() })) });

function present(row: EvidencePackageRow): z.infer<typeof packageView> {
  return {
    id: row.id,
    createdAt: row.created_at,
    createdBy: row.created_by,
    size: Number(row.size),
    sha256: row.sha256,
    files: row.file_count,
    sealedBy: row.seal_subject,
    timestamped: row.timestamped === 1,
  };
}

/**
 * Evidence packages of an appointment, for staff of its office: seal one now
 * (its agent, a supervisor or an administrator), list them, download one
 * (an ASiC-E container that `finestreta verify`, `openssl cms` and any ZIP
 * tool read). Each download is recorded in the appointment's history.
 */
export const evidencePackageRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const guard = staffGuard(ctx);
  const read = guard.require(STAFF_ROLES_ANY, { csrf: false });
  const write = guard.require(STAFF_ROLES_ANY, { csrf: true });

  app.get(
    '/api/staff/appointments/:id/evidence',
    { onRequest: read, schema: { params: appointmentParams, response: { 200: envelope(z.object({ packages: z.array(packageView) })) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const rows = await listEvidence(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id);
      return { data: { packages: rows.map(present) } };
    },
  );

  app.post(
    '/api/staff/appointments/:id/evidence',
    {
      onRequest: write,
      // Sealing streams the recording and documents through the package: a few per minute is plenty.
      config: { rateLimit: { max: 10, timeWindow: 60_000 }, audit: 'evidence.sealed' },
      schema: { params: appointmentParams, body: z.object({}).strict(), response: { 201: envelope(sealedView) } },
    },
    async (request, reply) => {
      const sealed = await sealEvidenceAsStaff(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id);
      return reply.status(201).header('cache-control', 'no-store').send({ data: { ...present(sealed.row), contents: sealed.files } });
    },
  );

  app.get('/api/staff/appointments/:id/evidence/:packageId', { onRequest: read, config: { audit: 'evidence.downloaded' }, schema: { params: packageParams } }, async (request, reply) => {
    const row = await evidenceForDownload(ctx, orgOf(request), guard.principalOf(request).staff, request.params.id, request.params.packageId);
    await assertNotPurged(ctx.db, 'evidence_packages', row.id);
    return reply
      .header('content-type', ASIC_E_MIMETYPE)
      .header('content-length', String(Number(row.size)))
      .header('cache-control', 'no-store')
      .header('content-disposition', contentDisposition('attachment', `evidence-${row.created_at.slice(0, 10)}-${row.id.slice(0, 8)}.asice`))
      .header('x-content-sha256', row.sha256)
      .send(ctx.blobs.read(row.blob_id));
  });
};
