import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { adminGuards } from '../admin/admin-kit.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { contentDisposition } from '../documents/http-range.ts';
import type { JsonValue } from '../evidence/event-log.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import {
  dataProtectionEraseRequest,
  dataProtectionEraseView,
  dataProtectionExportQuery,
  dataProtectionSearch,
  dataProtectionSearchView,
} from '../../shared/data-protection.ts';
import { planExport, writeExport } from './data-protection.export.ts';
import { appointmentsFor, auditedSubject, confirms, eraseSubject, openSubject, searchSubject, subjectFrom } from './data-protection.service.ts';

/**
 * Data-protection requests for administrators (`/api/admin/data-protection/…`,
 * issue 7): search a citizen by identity number and/or email, download the
 * export (a ZIP streamed from the encrypted store), erase with the identity
 * typed again. Agents and supervisors: 403. Each step is appended to the
 * audit trail here rather than by the route hook: the hook would copy query
 * values, and the identity must be kept there masked and keyed-hashed only.
 */
export const dataProtectionRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { guard, read, write } = adminGuards(ctx);
  const audit = (request: FastifyRequest, action: string, details: Record<string, JsonValue>) =>
    appendAudit(ctx, { organisationId: orgOf(request).id, actor: `staff:${guard.principalOf(request).staff.id}`, action, ip: request.ip, details });

  // A POST, so the identity number travels in the body, never in an address.
  app.post(
    '/api/admin/data-protection/search',
    {
      onRequest: write,
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: { body: dataProtectionSearch, response: { 200: envelope(dataProtectionSearchView) } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const staffId = guard.principalOf(request).staff.id;
      const subject = subjectFrom(request.body);
      const view = await searchSubject(ctx, org, staffId, subject);
      // Searching reveals personal data: recorded before the answer leaves.
      await audit(request, 'data_protection.searched', { ...auditedSubject(ctx, org.id, subject), appointments: view.appointments.length });
      return reply.header('cache-control', 'no-store').send({ data: view });
    },
  );

  app.get('/api/admin/data-protection/export', { onRequest: read, config: { rateLimit: { max: 10, timeWindow: 60_000 } }, schema: { querystring: dataProtectionExportQuery } }, async (request, reply) => {
    const org = orgOf(request);
    const staffId = guard.principalOf(request).staff.id;
    const subject = openSubject(ctx, org.id, staffId, request.query.subject);
    const appointments = await appointmentsFor(ctx, org, subject);
    const now = ctx.clock.now();
    const plan = await planExport(ctx, org, subject, appointments, now);
    // Recorded before the first byte: from then on the data has left.
    await audit(request, 'data_protection.exported', { ...auditedSubject(ctx, org.id, subject), appointments: plan.appointments, files: plan.files.length });
    const out = new PassThrough();
    let finished = false;
    // A client that goes away: Fastify destroys `out` without an error, which would leave the writer
    // waiting for 'drain' forever (and a blob stream open); an error ends it and closes the blob.
    out.on('close', () => {
      if (!finished) out.emit('error', new Error('export download aborted'));
    });
    writeExport(ctx, plan, out, now)
      .then(() => {
        finished = true;
      })
      .catch((error: unknown) => {
        finished = true;
        request.log.error({ err: error }, 'data-protection export failed');
        out.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    return reply
      .header('content-type', 'application/zip')
      .header('cache-control', 'no-store')
      .header('content-disposition', contentDisposition('attachment', `data-protection-${now.toISOString().slice(0, 10)}.zip`))
      .send(out);
  });

  app.post(
    '/api/admin/data-protection/erase',
    {
      onRequest: write,
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: { body: dataProtectionEraseRequest, response: { 200: envelope(dataProtectionEraseView) } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const staffId = guard.principalOf(request).staff.id;
      const subject = openSubject(ctx, org.id, staffId, request.body.subject);
      if (!confirms(subject, request.body.confirmation)) throw errors.validation([{ path: 'confirmation', code: 'confirmation_mismatch' }]);
      const appointments = await appointmentsFor(ctx, org, subject);
      const view = await eraseSubject(ctx, org, staffId, appointments);
      const reasons: Record<string, number> = {};
      for (const r of view.results) if (r.reason) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
      await audit(request, 'data_protection.erased', { ...auditedSubject(ctx, org.id, subject), appointments: view.results.length, erased: view.erased, kept: view.kept, keptBecause: reasons });
      return reply.header('cache-control', 'no-store').send({ data: view });
    },
  );
};
