import type { IncomingMessage } from 'node:http';
import { Server as TusServer } from '@tus/server';
import { Metadata } from '@tus/utils';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Appointment, Organisation } from '../db/schema.ts';
import type { Actor } from '../booking/appointment-hooks.ts';
import { citizenGuard } from '../citizen/citizen.policy.ts';
import { errorBody } from '../http/error-handler.ts';
import { AppError, errors } from '../http/errors.ts';
import { orgOf, tenantPrefix } from '../http/tenant.ts';
import { TUS_PATH, UPLOAD_METADATA } from '../../shared/documents.ts';
import { EncryptedTusStore } from '../adapters/storage/tus-store.ts';
import { documentsRepo } from './documents.repo.ts';
import type { UploadRow } from './documents.tables.ts';
import { beginUpload, completeUpload, newUploadId } from './uploads.service.ts';

/** What a tus hook needs to know about the Fastify request it runs for. */
interface UploadRequestContext {
  org: Organisation;
  lang: string;
  requestId: string;
  prefix: string;
  uploadId: string;
}

const uploadParams = z.object({ uploadId: z.string().regex(/^[a-f0-9]{32}$/) }).strict();

/** The Node request behind the web `Request` a tus hook receives (srvx keeps it in `runtime.node`). */
function nodeRequestOf(req: Request): IncomingMessage | undefined {
  return (req as Request & { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
}

/** Who sends the bytes, as the endpoint's guard established it. */
export interface Uploader {
  /** The one appointment whose document space this caller reaches. */
  appointment: Appointment;
  /** Recorded on the upload, the document and the history. */
  actor: Actor;
  /** The one slot this caller may send to, or null for any of the appointment's. */
  slot: string | null;
  /** Whether an upload of the appointment is this caller's to continue, inspect or cancel. */
  owns: (upload: UploadRow) => boolean;
}

/** What distinguishes one tus endpoint from another: its path and who may use it. */
export interface TusEndpointOptions {
  ctx: AppContext;
  /** Path of the creation endpoint (after the organisation prefix). */
  path: string;
  /** onRequest guard: throws 401/403 before anything is read. */
  authenticate: onRequestAsyncHookHandler;
  /** The caller, once `authenticate` accepted the request. */
  uploaderOf: (request: FastifyRequest) => Uploader;
}

/**
 * A tus 1.0 endpoint (creation, creation-with-upload, termination,
 * expiration; no download) over the document space. Fastify authenticates
 * and authorises every request — the endpoint's session and CSRF token, the
 * upload belongs to the caller — and checks a new upload's slot, size and
 * name before tus stores a byte; tus then speaks the protocol over the
 * encrypted store. When the last byte arrives, the content is checked and
 * the document recorded before the final PATCH is answered, so the caller
 * learns at once (in their language) if the file cannot be accepted.
 */
export const tusEndpoint: FastifyPluginAsyncZod<TusEndpointOptions> = async (app, { ctx, path: endpointPath, authenticate, uploaderOf }) => {
  const contexts = new WeakMap<IncomingMessage, UploadRequestContext>();
  const contextOf = (req: Request): UploadRequestContext => {
    const node = nodeRequestOf(req);
    const found = node ? contexts.get(node) : undefined;
    if (!found) throw new Error('tus hook without a request context');
    return found;
  };
  const tusError = (c: UploadRequestContext, error: unknown) => {
    if (error instanceof AppError) return { status_code: error.status, body: JSON.stringify(errorBody(c.lang, c.requestId, error)) };
    ctx.log.error({ err: error, reqId: c.requestId }, 'upload completion failed');
    return { status_code: 500, body: JSON.stringify(errorBody(c.lang, c.requestId, new AppError(500, 'internal_error'))) };
  };

  const tus = new TusServer({
    path: endpointPath,
    datastore: new EncryptedTusStore(ctx.blobs),
    maxSize: ctx.config.documents.maxBytes,
    respectForwardedHeaders: ctx.config.trustProxy,
    disableTerminationForFinishedUploads: true,
    namingFunction: (req) => contextOf(req).uploadId,
    // The organisation's path prefix stays in the Location, so the next requests reach the same tenant.
    generateUrl: (req, { proto, host, path, id }) => `${proto}://${host}${contextOf(req).prefix}${path}/${id}`,
    getFileIdFromRequest: (req) => contextOf(req).uploadId,
    // tus puts an unknown error's message in its answer; ours may name files. Known tus answers (4xx) pass.
    onResponseError: (req, error) => {
      const status = 'status_code' in error ? error.status_code : 500;
      if (status < 500) return undefined;
      const c = contextOf(req);
      ctx.log.error({ err: error, reqId: c.requestId }, 'upload failed');
      return { status_code: 500, body: JSON.stringify(errorBody(c.lang, c.requestId, new AppError(500, 'internal_error'))) };
    },
    onUploadFinish: async (req) => {
      const c = contextOf(req);
      try {
        const upload = await documentsRepo.upload(ctx.db, c.org.id, c.uploadId);
        if (!upload) throw errors.notFound();
        await completeUpload(ctx, upload);
        return {};
      } catch (error) {
        // @tus/server answers with the `status_code` and `body` of what a hook throws.
        throw Object.assign(new Error('upload refused'), tusError(c, error));
      }
    },
  });

  // tus bodies are streamed by tus itself, straight into the encrypted store.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));

  const handOver = async (request: FastifyRequest, reply: FastifyReply, uploadId: string) => {
    contexts.set(request.raw, { org: orgOf(request), lang: request.lang, requestId: request.id, prefix: tenantPrefix(request), uploadId });
    reply.hijack();
    // Headers set by Fastify's hooks so far (request id, security headers) go out with tus's answer.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.raw.setHeader('cache-control', 'no-store');
    await tus.handle(request.raw, reply.raw);
  };

  app.post(endpointPath, { onRequest: authenticate, config: { rateLimit: { max: 60, timeWindow: 60_000 } } }, async (request, reply) => {
    const uploader = uploaderOf(request);
    const lengthHeader = request.headers['upload-length'];
    const size = typeof lengthHeader === 'string' && /^\d{1,15}$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    if (size === undefined && request.headers['upload-defer-length'] !== '1') throw errors.badRequest('upload_length_required');
    let metadata: Record<string, string | null>;
    try {
      metadata = Metadata.parse(typeof request.headers['upload-metadata'] === 'string' ? request.headers['upload-metadata'] : '');
    } catch {
      throw errors.badRequest('upload_metadata_invalid');
    }
    const slot = metadata[UPLOAD_METADATA.slot];
    const fileName = metadata[UPLOAD_METADATA.filename];
    if (!slot || !fileName) throw errors.badRequest('upload_metadata_invalid');
    // A slot outside the caller's reach does not exist for it.
    if (uploader.slot !== null && slot !== uploader.slot) throw errors.notFound();
    const id = newUploadId();
    await beginUpload(ctx, uploader.appointment, { slot, fileName, declaredType: metadata[UPLOAD_METADATA.filetype] ?? '', size }, id, uploader.actor);
    await handOver(request, reply, id);
  });

  const existing = async (request: FastifyRequest, uploadId: string) => {
    const uploader = uploaderOf(request);
    const upload = await documentsRepo.upload(ctx.db, orgOf(request).id, uploadId);
    // Another caller's upload, or one that was refused or given up, does not exist for this caller.
    if (!upload || upload.appointment_id !== uploader.appointment.id || !uploader.owns(upload) || upload.status === 'refused' || upload.status === 'abandoned') {
      throw errors.notFound();
    }
    return upload;
  };

  app.route({
    method: 'HEAD',
    url: `${endpointPath}/:uploadId`,
    onRequest: authenticate,
    schema: { params: uploadParams },
    handler: async (request, reply) => {
      const upload = await existing(request, request.params.uploadId);
      if (upload.status === 'receiving' && upload.size !== null) {
        // Every byte arrived but the process stopped before the document was
        // recorded (a crash between the last write and the answer): finish now,
        // or the client would see a complete upload that never became a document.
        const stat = await ctx.blobs.stat(upload.id);
        if (stat && stat.size === upload.size) {
          try {
            await completeUpload(ctx, upload);
          } catch {
            throw errors.notFound();
          }
        }
      }
      await handOver(request, reply, upload.id);
    },
  });

  app.patch(`${endpointPath}/:uploadId`, { onRequest: authenticate, schema: { params: uploadParams } }, async (request, reply) => {
    const upload = await existing(request, request.params.uploadId);
    if (upload.status !== 'receiving') throw errors.conflict('upload_already_complete');
    await handOver(request, reply, upload.id);
  });

  app.delete(`${endpointPath}/:uploadId`, { onRequest: authenticate, schema: { params: uploadParams } }, async (request, reply) => {
    const upload = await existing(request, request.params.uploadId);
    if (upload.status !== 'receiving') throw errors.conflict('upload_already_complete');
    await documentsRepo.setUploadStatus(ctx.db, upload.id, 'receiving', 'abandoned');
    await handOver(request, reply, upload.id);
  });
};

/** The citizen's own tus endpoint: their session and CSRF token, any upload of their appointment. */
export const uploadRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const citizen = citizenGuard(ctx);
  await app.register(tusEndpoint, {
    ctx,
    path: TUS_PATH,
    authenticate: citizen.require({ csrf: true }),
    uploaderOf: (request) => ({ appointment: citizen.sessionOf(request).appointment, actor: 'citizen', slot: null, owns: () => true }),
  });
};
