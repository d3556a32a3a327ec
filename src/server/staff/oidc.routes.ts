import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { envelope } from '../http/envelope.ts';
import { AppError } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { openStaffSession } from './staff-auth.service.ts';
import type { OidcProvidersTable } from './oidc.tables.ts';

/** openid-client loads when someone signs in through an identity provider, not with the server. */
const oidcService = () => import('./oidc.service.ts');

/** Whether the organisation has an identity provider (a plain query: asked by every visit to the sign-in page). */
async function oidcProvider(ctx: AppContext, organisationId: string): Promise<OidcProvidersTable | null> {
  return (await ctx.db.selectFrom('oidc_providers').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst()) ?? null;
}
import { STAFF_COOKIE } from './staff.policy.ts';

const BROWSER_COOKIE = 'fin_oidc';
const CALLBACK = '/api/staff/oidc/callback';

/**
 * Staff sign-in through the municipality's identity provider (OpenID
 * Connect authorisation code flow with PKCE). Browser-facing: it answers
 * with redirects, and errors come back to the sign-in page as `?error=<id>`.
 */
export const oidcRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const base = async (orgId: string, slug: string) => organisationBaseUrl(ctx, orgId, slug);

  app.get('/api/staff/oidc', { schema: { response: { 200: envelope(z.object({ enabled: z.boolean() })) } } }, async (request) => {
    return { data: { enabled: (await oidcProvider(ctx, orgOf(request).id)) !== null } };
  });

  app.get('/api/staff/oidc/start', { config: { rateLimit: { max: 30, timeWindow: 60_000 } } }, async (request, reply) => {
    const org = orgOf(request);
    const redirectUri = `${await base(org.id, org.slug)}${CALLBACK}`;
    const { authorizationUrl, browserToken } = await (await oidcService()).beginOidcLogin(ctx, org, redirectUri);
    // Lax, not Strict: the identity provider sends the browser back with a cross-site navigation.
    reply.setCookie(BROWSER_COOKIE, browserToken, { httpOnly: true, sameSite: 'lax', secure: ctx.config.secure, path: '/api/staff/oidc', maxAge: 600 });
    return reply.redirect(authorizationUrl, 302);
  });

  app.get(CALLBACK, { schema: { querystring: z.record(z.string(), z.string().max(4096)) } }, async (request, reply) => {
    const org = orgOf(request);
    const orgBase = await base(org.id, org.slug);
    const callbackUrl = new URL(`${orgBase}${CALLBACK}`);
    for (const [k, v] of Object.entries(request.query)) callbackUrl.searchParams.set(k, v);
    reply.clearCookie(BROWSER_COOKIE, { path: '/api/staff/oidc' });
    try {
      const staff = await (await oidcService()).completeOidcLogin(ctx, org, callbackUrl, request.cookies[BROWSER_COOKIE]);
      const { token } = await openStaffSession(ctx, staff, 'oidc');
      reply.setCookie(STAFF_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.secure,
        path: '/',
        maxAge: ctx.config.limits.staffSessionHours * 3600,
      });
      ctx.log.info({ staffId: staff.id, method: 'oidc' }, 'staff signed in');
      return await reply.redirect(`${orgBase}/staff`, 302);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return reply.redirect(`${orgBase}/staff/login?error=${encodeURIComponent(error.id)}`, 302);
    }
  });
};
