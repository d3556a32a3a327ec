import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError, errors } from '../http/errors.ts';
import { orgOf } from '../http/tenant.ts';
import { sha256Hex } from '../security/secrets.ts';
import type { API_SCOPES } from '../staff/api-keys.service.ts';
import { integrationRepo } from './integration.repo.ts';

/** A scope an API key may hold. */
export type ApiScope = (typeof API_SCOPES)[number];

/** Who is calling: an API key of the request's organisation. */
export interface ApiPrincipal {
  keyId: string;
  organisationId: string;
  scopes: ReadonlySet<string>;
}

const principals = new WeakMap<FastifyRequest, ApiPrincipal>();

/** The authenticated caller of a v1 route (set by `apiKeyAuth`). */
export function principalOf(request: FastifyRequest): ApiPrincipal {
  const principal = principals.get(request);
  if (!principal) throw errors.unauthenticated();
  return principal;
}

/** The bearer token of the request, if it has the shape of a Finestreta key. */
function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  // RFC 6750 §2.1: `Bearer` is case-insensitive, one or more spaces, then the token.
  const m = /^Bearer +(fin_[A-Za-z0-9_-]{8,200})\s*$/i.exec(header);
  return m?.[1] ?? null;
}

/** RFC 6750 §3: a 401 says which scheme to use; a 403 names the missing scope. */
function challenge(reply: FastifyReply, error?: string, scope?: string): void {
  const params = [`realm="finestreta"`, ...(error ? [`error="${error}"`] : []), ...(scope ? [`scope="${scope}"`] : [])];
  reply.header('www-authenticate', `Bearer ${params.join(', ')}`);
}

/**
 * Builds the `onRequest` hook that authenticates v1 calls, so a caller
 * without a valid key learns nothing about what a route accepts (its body is
 * not even validated). A key is valid when its SHA-256 is stored, it is not
 * revoked and it belongs to the organisation the request is for: a key of one
 * town hall used on another's host is as good as no key (401).
 *
 * Rate limits: RATE_LIMIT_PER_MINUTE applies per API key here rather than per
 * client IP — a town's systems may share one address with its staff — and,
 * per client IP, to failed authentications, so guessing keys costs as much
 * as any other abuse.
 */
export function apiKeyAuth(app: FastifyInstance, ctx: AppContext) {
  const failures = app.createRateLimit({
    max: ctx.config.limits.ratePerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `v1-auth-failed:${req.ip || 'unknown'}`,
  });
  // The only `rateLimit` handler on v1 routes (they set `config.rateLimit: false`): the
  // plugin runs one such handler per request, so the global per-IP one would silence it.
  const perKey = app.rateLimit({
    max: ctx.config.limits.ratePerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `v1-key:${principals.get(req)?.keyId ?? 'none'}`,
  });

  // `createRateLimit` answers isAllowed=false for anyone not on an allow list; the count is in `remaining`.
  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: AppError): Promise<never> => {
    const counted = await failures(request);
    if (!counted.isAllowed && counted.isExceeded) throw errors.tooManyRequests({ retryAfterSeconds: counted.ttlInSeconds });
    challenge(reply, error.id === 'unauthenticated' ? undefined : 'invalid_token');
    throw error;
  };

  /** The hook for a route that needs `scope`. */
  return (scope: ApiScope): onRequestAsyncHookHandler[] => [
    async (request, reply) => {
      const org = orgOf(request);
      const gate = await failures(request, { increment: false });
      if (!gate.isAllowed && gate.remaining === 0) throw errors.tooManyRequests({ retryAfterSeconds: gate.ttlInSeconds });
      const token = bearerOf(request);
      if (!token) {
        const sent = typeof request.headers.authorization === 'string';
        return refuse(request, reply, sent ? errors.unauthenticatedWith('invalid_api_key') : errors.unauthenticated());
      }
      const key = await integrationRepo.activeKeyByHash(ctx.db, sha256Hex(token));
      if (!key || key.organisation_id !== org.id) return refuse(request, reply, errors.unauthenticatedWith('invalid_api_key'));
      const scopes = new Set(parseScopes(key.scopes));
      if (!scopes.has(scope)) {
        challenge(reply, 'insufficient_scope', scope);
        throw new AppError(403, 'insufficient_scope', { scope });
      }
      principals.set(request, { keyId: key.id, organisationId: key.organisation_id, scopes });
    },
    async function limitPerKey(request, reply) {
      await perKey.call(this, request, reply);
    },
  ];
}

function parseScopes(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
