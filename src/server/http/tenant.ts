import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { negotiateLanguage } from '../i18n/translate.ts';
import { organisationLanguages } from '../organisations/organisation.present.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { DEFAULT_LANGUAGE, type Language } from '../../shared/limits.ts';
import { AppError } from './errors.ts';
import { sendError } from './error-handler.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The organisation this request is for; set for /api and /dev routes, else null. */
    org: Organisation | null;
    /** The language answers and errors are given in. */
    lang: Language;
  }
}

const PREFIX = /^\/o\/([a-z0-9-]{2,40})(?=\/|$|\?)/;
const slugOf = new WeakMap<IncomingMessage, string>();

/**
 * Fastify `rewriteUrl`: `/o/<slug>/rest` is served as `/rest` for the
 * organisation `<slug>`, so one route table serves every tenant whether it
 * is reached by host name or by path prefix.
 */
export function rewriteTenantUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const m = PREFIX.exec(url);
  if (!m?.[1]) return url;
  slugOf.set(req, m[1]);
  const rest = url.slice(m[0].length);
  return rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
}

/** The path prefix a request came in with (`/o/<slug>` or ''), for building links. */
export function tenantPrefix(request: FastifyRequest): string {
  const slug = slugOf.get(request.raw);
  return slug ? `/o/${slug}` : '';
}

const TTL_MS = 10_000;

/** Resolves organisations by path slug, host name or the installation default, with a short cache. */
export class TenantResolver {
  private cache = new Map<string, { org: Organisation | null; at: number }>();
  constructor(private readonly ctx: AppContext) {}

  /** Forgets cached lookups (after an admin changes an organisation). */
  invalidate(): void {
    this.cache.clear();
  }

  async resolve(slug: string | undefined, host: string): Promise<Organisation | null> {
    const key = slug ? `slug:${slug}` : `host:${host}`;
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && now - hit.at < TTL_MS) return hit.org;
    const org = await this.lookup(slug, host);
    this.cache.set(key, { org, at: now });
    return org;
  }

  private async lookup(slug: string | undefined, host: string): Promise<Organisation | null> {
    const { db, config } = this.ctx;
    if (slug) return (await organisationRepo.bySlug(db, slug)) ?? null;
    const byHost = await organisationRepo.byHost(db, host);
    if (byHost) return byHost;
    if (config.defaultOrganisation) return (await organisationRepo.bySlug(db, config.defaultOrganisation)) ?? null;
    // A single-tenant installation answers on any host name.
    const firstTwo = await organisationRepo.firstTwo(this.ctx.db);
    return firstTwo.length === 1 ? (firstTwo[0] ?? null) : null;
  }
}

/** Paths that are served for an organisation (everything else is static or operational). */
function needsTenant(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/dev/');
}

/** Registers the hook that sets `request.org` and `request.lang`. */
export function installTenantResolution(app: FastifyInstance, resolver: TenantResolver): void {
  app.decorateRequest('org', null);
  app.decorateRequest('lang', DEFAULT_LANGUAGE);
  app.addHook('onRequest', async (request, reply) => {
    const query = request.query as { lang?: unknown } | undefined;
    const explicit = typeof query?.lang === 'string' ? query.lang : undefined;
    const accept = request.headers['accept-language'];
    request.lang = negotiateLanguage(explicit, accept, ['ca', 'es', 'en']);
    if (!needsTenant(request.url)) return;
    const host = (request.hostname || '').split(':')[0]?.toLowerCase() ?? '';
    const org = await resolver.resolve(slugOf.get(request.raw), host);
    if (!org) return sendError(request, reply, new AppError(404, 'organisation_not_found'));
    request.org = org;
    request.lang = negotiateLanguage(explicit, accept, organisationLanguages(org));
  });
}

/** The request's organisation; routes behind tenant resolution always have one. */
export function orgOf(request: FastifyRequest): Organisation {
  if (!request.org) throw new AppError(404, 'organisation_not_found');
  return request.org;
}
