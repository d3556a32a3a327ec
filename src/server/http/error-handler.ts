import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { translate } from '../i18n/translate.ts';
import { AppError } from './errors.ts';
import type { ErrorEnvelope } from './envelope.ts';

/** Maps a zod/ajv issue path like `/citizen/idNumber` to `citizen.idNumber`. */
function issuePath(instancePath: string, context: string | undefined): string {
  const p = instancePath.replace(/^\//, '').replace(/\//g, '.');
  return p || context || '';
}

/** The one error envelope for `err`, its message in `lang` (also for answers Fastify does not send, e.g. tus's). */
export function errorBody(lang: string, requestId: string, err: AppError): ErrorEnvelope {
  return {
    error: {
      id: err.id,
      message: translate(lang, `errors.${err.id}`, { ...err.details, ...err.messageValues }),
      requestId,
      ...(Object.keys(err.details).length ? { details: err.details } : {}),
    },
  };
}

/** Sends the one error envelope with a message in the request's language. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  return reply.status(err.status).type('application/json; charset=utf-8').send(errorBody(request.lang, request.id, err));
}

/**
 * The central error handler: known errors keep their status and id; schema
 * failures become `validation_failed` with the field paths; anything else is
 * a generic 500 without internals, logged with the request id.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendError(request, reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: issuePath(v.instancePath, error.validationContext),
        code: typeof v.message === 'string' && /^[a-z_]+$/.test(v.message) ? v.message : String(v.keyword),
      }));
      return sendError(request, reply, new AppError(400, 'validation_failed', { issues }));
    }
    // Body parser and other Fastify client errors (malformed JSON, wrong content type, too large).
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const id =
        status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : status === 429
              ? 'too_many_requests'
              : status === 404
                ? 'not_found'
                : 'bad_request';
      return sendError(request, reply, new AppError(status, id));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, new AppError(500, 'internal_error'));
  });
}
