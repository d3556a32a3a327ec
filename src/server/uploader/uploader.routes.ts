import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { citizenGuard } from '../citizen/citizen.policy.ts';
import { tusEndpoint } from '../documents/uploads.routes.ts';
import { envelope } from '../http/envelope.ts';
import { errors } from '../http/errors.ts';
import { orgOf, tenantPrefix } from '../http/tenant.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { exchangeUploaderRequest, issuedUploaderView, issueUploaderRequest, UPLOADER_LIMITS, UPLOADER_TUS_PATH, uploaderView } from '../../shared/uploader.ts';
import { UPLOADER_COOKIE, uploaderGuard } from './uploader.policy.ts';
import { exchangeLink, issueLink, revokeLinks, uploaderSessionFor, uploaderView as presentView } from './uploader.service.ts';
import { uploaderActor } from './uploader.tables.ts';

const linkParams = z.object({ id: z.uuid() }).strict();

/** Where the phone's cookie is sent: the uploader API of this organisation, and nothing else. */
const UPLOADER_API = '/api/uploader';

/**
 * "Continue on your phone". The citizen (session + CSRF) makes and stops
 * phone links; the phone exchanges a link's token for an uploader session
 * (its own cookie, sent only to the uploader API) with which it may read
 * the slots' status and upload through its own tus endpoint — and nothing
 * else: no other guard knows the uploader cookie.
 */
export const uploaderRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const citizen = citizenGuard(ctx);
  const uploader = uploaderGuard(ctx);

  app.post(
    '/api/citizen/appointment/uploaders',
    {
      onRequest: citizen.require({ csrf: true }),
      schema: { body: issueUploaderRequest, response: { 201: envelope(issuedUploaderView) } },
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const issued = await issueLink(ctx, citizen.sessionOf(request).appointment, request.body.slot, await organisationBaseUrl(ctx, org.id, org.slug));
      // The answer holds the link's only copy: no cache may keep it.
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ data: issued });
    },
  );

  app.delete('/api/citizen/appointment/uploaders/:id', { onRequest: citizen.require({ csrf: true }), schema: { params: linkParams } }, async (request, reply) => {
    await revokeLinks(ctx, citizen.sessionOf(request).appointment, 'citizen', request.params.id);
    return reply.status(204).send();
  });

  app.delete('/api/citizen/appointment/uploaders', { onRequest: citizen.require({ csrf: true }) }, async (request, reply) => {
    await revokeLinks(ctx, citizen.sessionOf(request).appointment, 'citizen');
    return reply.status(204).send();
  });

  // Public: the token is the credential. Few tries per address: a token has 192 bits, but guessing costs nothing to ask.
  app.post(
    `${UPLOADER_API}/session`,
    {
      schema: { body: exchangeUploaderRequest, response: { 200: envelope(uploaderView) } },
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const org = orgOf(request);
      const { sessionToken } = await exchangeLink(ctx, org, request.body.token);
      const session = await uploaderSessionFor(ctx, org, sessionToken);
      if (!session) throw errors.unauthenticated();
      reply.setCookie(UPLOADER_COOKIE, sessionToken, {
        httpOnly: true,
        // Strict: the phone's own page sets and uses it; no other site's link or form ever carries it.
        sameSite: 'strict',
        secure: ctx.config.secure,
        path: `${tenantPrefix(request)}${UPLOADER_API}`,
        maxAge: UPLOADER_LIMITS.sessionMinutes * 60,
      });
      reply.header('cache-control', 'no-store');
      return { data: await presentView(ctx, session, request.lang) };
    },
  );

  app.get(
    `${UPLOADER_API}/session`,
    { onRequest: uploader.require({ csrf: false }), schema: { response: { 200: envelope(uploaderView) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { data: await presentView(ctx, uploader.sessionOf(request), request.lang) };
    },
  );

  // The phone is done: its session ends at once rather than when it expires.
  app.delete(`${UPLOADER_API}/session`, { onRequest: uploader.require({ csrf: true }) }, async (request, reply) => {
    const { link, appointment } = uploader.sessionOf(request);
    await revokeLinks(ctx, appointment, uploaderActor(link.id), link.id);
    reply.clearCookie(UPLOADER_COOKIE, { path: `${tenantPrefix(request)}${UPLOADER_API}` });
    return reply.status(204).send();
  });

  await app.register(tusEndpoint, {
    ctx,
    path: UPLOADER_TUS_PATH,
    authenticate: uploader.require({ csrf: true }),
    uploaderOf: (request) => {
      const { link, appointment } = uploader.sessionOf(request);
      const actor = uploaderActor(link.id);
      // Only what this phone started: not the computer's uploads, not another phone's.
      return { appointment, actor, slot: link.slot, owns: (upload) => upload.actor === actor };
    },
  });
};
