import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Appointment } from '../db/schema.ts';
import { citizenGuard } from '../citizen/citizen.policy.ts';
import { envelope } from '../http/envelope.ts';
import { AppError, errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { STAFF_ROLES_ANY, staffGuard } from '../staff/staff.policy.ts';
import { visibleAppointment } from '../workspace/workspace.service.ts';
import { documentSpaceView, reopenRequest, reviewRequest, staffDocumentsView } from '../../shared/documents.ts';
import { documentsRepo } from './documents.repo.ts';
import { documentSpace, recordAccess, reopenUploads, reviewDocument, staffDocuments, withdrawDocument } from './documents.service.ts';
import { contentDisposition, parseRange } from './http-range.ts';

const documentParams = z.object({ documentId: z.string().min(1).max(64) }).strict();
const staffParams = z.object({ id: z.string().min(1).max(64) }).strict();
const staffDocumentParams = staffParams.extend({ documentId: z.string().min(1).max(64) }).strict();
const contentQuery = z.object({ download: z.enum(['0', '1']).optional() }).strict();

/** A view recorded once per person and document in this window: a viewer fetches many ranges for one look. */
const VIEW_DEDUPE_MS = 10 * 60_000;

/**
 * The document space's JSON and content routes (the tus upload endpoint is
 * in uploads.routes.ts). Citizens reach only their session's appointment;
 * staff only the appointments of their offices: anything else is "not found".
 */
export const documentsRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; mailer: MailDispatcher }> = async (app, { ctx, mailer }) => {
  const citizen = citizenGuard(ctx);
  const staff = staffGuard(ctx);
  const staffRead = staff.require(STAFF_ROLES_ANY, { csrf: false });
  const staffWrite = staff.require(STAFF_ROLES_ANY, { csrf: true });
  const recentViews = new Map<string, number>();

  const staffAppointment = async (request: FastifyRequest, id: string): Promise<Appointment> => {
    const { procedure_name: _p, agent_name: _a, ...appointment } = await visibleAppointment(ctx, orgOf(request), staff.principalOf(request).staff, id);
    return appointment;
  };

  app.get(
    '/api/citizen/appointment/documents',
    { onRequest: citizen.require({ csrf: false }), schema: { response: { 200: envelope(documentSpaceView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await documentSpace(ctx, citizen.sessionOf(request).appointment, request.lang) };
    },
  );

  app.delete(
    '/api/citizen/appointment/documents/:documentId',
    { onRequest: citizen.require({ csrf: true }), schema: { params: documentParams } },
    async (request, reply) => {
      await withdrawDocument(ctx, citizen.sessionOf(request).appointment, request.params.documentId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/staff/appointments/:id/documents',
    { onRequest: staffRead, config: { audit: 'documents.listed' }, schema: { params: staffParams, response: { 200: envelope(staffDocumentsView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await staffDocuments(ctx, await staffAppointment(request, request.params.id), request.lang) };
    },
  );

  app.post(
    '/api/staff/appointments/:id/documents/:documentId/review',
    { onRequest: staffWrite, config: { audit: 'document.reviewed' }, schema: { params: staffDocumentParams, body: reviewRequest, response: { 200: envelope(staffDocumentsView) } } },
    async (request) => {
      const appointment = await staffAppointment(request, request.params.id);
      const actor = `staff:${staff.principalOf(request).staff.id}` as const;
      const mailId = await reviewDocument(ctx, orgOf(request), appointment, request.params.documentId, request.body, actor);
      if (mailId) await mailer.deliver(mailId).catch((error: unknown) => request.log.warn({ err: error }, 'mail deferred'));
      const fresh = await staffAppointment(request, request.params.id);
      return { data: await staffDocuments(ctx, fresh, request.lang) };
    },
  );

  app.post(
    '/api/staff/appointments/:id/documents/reopen',
    { onRequest: staffWrite, config: { audit: 'documents.reopened' }, schema: { params: staffParams, body: reopenRequest, response: { 200: envelope(staffDocumentsView) } } },
    async (request) => {
      const appointment = await staffAppointment(request, request.params.id);
      await reopenUploads(ctx, orgOf(request), appointment, request.body.hours, `staff:${staff.principalOf(request).staff.id}`);
      return { data: await staffDocuments(ctx, await staffAppointment(request, request.params.id), request.lang) };
    },
  );

  // The bytes, decrypted as they stream, with Range for the viewer (pdf.js
  // fetches the pages it shows). Nothing is cached by the browser.
  app.get(
    '/api/staff/appointments/:id/documents/:documentId/content',
    { onRequest: staffRead, config: { audit: 'document.downloaded' }, schema: { params: staffDocumentParams, querystring: contentQuery } },
    async (request, reply) => {
      const appointment = await staffAppointment(request, request.params.id);
      const doc = await documentsRepo.currentOne(ctx.db, appointment.organisation_id, appointment.id, request.params.documentId);
      if (!doc?.blob_id || doc.purged_at !== null) throw errors.notFound();
      if (doc.scan_status === 'pending') throw errors.conflict('document_still_scanning');
      if (doc.scan_status === 'infected') throw errors.conflict('document_quarantined');
      const range = parseRange(request.headers.range, doc.size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${doc.size}`);
        throw new AppError(416, 'range_not_satisfiable');
      }
      const download = request.query.download === '1';
      const staffId = staff.principalOf(request).staff.id;
      const key = `${staffId}:${doc.id}:${download ? 'd' : 'v'}`;
      const now = Date.now();
      if (download || !range || range.start === 0) {
        if ((recentViews.get(key) ?? 0) < now - VIEW_DEDUPE_MS) {
          recentViews.set(key, now);
          await recordAccess(ctx, appointment, doc, download ? 'downloaded' : 'viewed', `staff:${staffId}`);
        }
        if (recentViews.size > 10_000) recentViews.clear();
      }
      reply
        .header('content-type', doc.media_type)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition(download ? 'attachment' : 'inline', doc.file_name))
        // A document is data, never a page: nothing in it may run.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'same-origin');
      if (doc.size === 0) return reply.header('content-length', '0').send('');
      if (range) {
        reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${doc.size}`).header('content-length', String(range.end - range.start + 1));
        return reply.send(ctx.blobs.read(doc.blob_id, range));
      }
      reply.header('content-length', String(doc.size));
      return reply.send(ctx.blobs.read(doc.blob_id));
    },
  );
};
