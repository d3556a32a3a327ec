import * as oidc from 'openid-client';
import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { openSecret, sealSecret } from '../security/master-key.ts';
import { randomToken, sha256Hex } from '../security/secrets.ts';
import type { OidcProvidersTable } from './oidc.tables.ts';

const LOGIN_TTL_MS = 10 * 60_000;
const DISCOVERY_TTL_MS = 10 * 60_000;

/**
 * Plain http is accepted only for an identity provider on this machine
 * (development and tests); anything else must be https, as OpenID Connect
 * Core §16.17 requires TLS for every endpoint.
 */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

const discovered = new Map<string, { at: number; config: oidc.Configuration }>();

async function configurationFor(ctx: AppContext, provider: OidcProvidersTable): Promise<oidc.Configuration> {
  const key = `${provider.organisation_id}|${provider.issuer}|${provider.client_id}`;
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const issuer = new URL(provider.issuer);
  const secret = openSecret(ctx.masterKey, provider.client_secret, `oidc:${provider.organisation_id}`);
  const config = await oidc.discovery(issuer, provider.client_id, secret, undefined, {
    ...(issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
  discovered.set(key, { at: Date.now(), config });
  return config;
}

/** The organisation's identity provider, or null when it has none. */
export async function oidcProvider(ctx: AppContext, organisationId: string): Promise<OidcProvidersTable | null> {
  return (await ctx.db.selectFrom('oidc_providers').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst()) ?? null;
}

/** Sets (or replaces) an organisation's identity provider; the client secret is sealed at rest. */
export async function setOidcProvider(
  ctx: AppContext,
  organisationId: string,
  p: { issuer: string; clientId: string; clientSecret: string },
): Promise<void> {
  const issuer = new URL(p.issuer);
  if (issuer.protocol !== 'https:' && !isLoopback(issuer)) throw new Error('the issuer must use https');
  const row = {
    organisation_id: organisationId,
    issuer: issuer.toString(),
    client_id: p.clientId,
    client_secret: sealSecret(ctx.masterKey, p.clientSecret, `oidc:${organisationId}`),
    updated_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.deleteFrom('oidc_providers').where('organisation_id', '=', organisationId).execute();
  await ctx.db.insertInto('oidc_providers').values(row).execute();
}

/**
 * Starts an authorisation-code sign-in with PKCE, state and nonce. The
 * returned browser token goes into a cookie: the callback is accepted only
 * in the browser that started it (no login CSRF).
 */
export async function beginOidcLogin(
  ctx: AppContext,
  org: Organisation,
  redirectUri: string,
): Promise<{ authorizationUrl: string; browserToken: string }> {
  const provider = await oidcProvider(ctx, org.id);
  if (!provider) throw errors.notFound();
  const config = await configurationFor(ctx, provider);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const browserToken = randomToken(24);
  await ctx.db
    .insertInto('oidc_logins')
    .values({
      state,
      organisation_id: org.id,
      browser_hash: sha256Hex(browserToken),
      code_verifier: codeVerifier,
      nonce,
      expires_at: new Date(ctx.clock.now().getTime() + LOGIN_TTL_MS).toISOString(),
    })
    .execute();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { authorizationUrl: url.toString(), browserToken };
}

/**
 * Completes the sign-in: checks the state against this browser, exchanges
 * the code (PKCE, nonce, ID token validated by openid-client), and maps the
 * verified email to an active staff account of the organisation. Nobody is
 * created on the fly: the account must exist (deny by default).
 */
export async function completeOidcLogin(ctx: AppContext, org: Organisation, callbackUrl: URL, browserToken: string | undefined): Promise<Staff> {
  const state = callbackUrl.searchParams.get('state') ?? '';
  const login = await ctx.db
    .selectFrom('oidc_logins')
    .selectAll()
    .where('state', '=', state)
    .where('organisation_id', '=', org.id)
    .executeTakeFirst();
  // Single use, whatever happens next.
  await ctx.db.deleteFrom('oidc_logins').where('state', '=', state).execute();
  if (!login || login.expires_at <= ctx.clock.now().toISOString() || !browserToken || sha256Hex(browserToken) !== login.browser_hash) {
    throw errors.unauthenticatedWith('oidc_failed');
  }
  const provider = await oidcProvider(ctx, org.id);
  if (!provider) throw errors.notFound();
  let claims: { email?: unknown; email_verified?: unknown } | undefined;
  try {
    const config = await configurationFor(ctx, provider);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: login.code_verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    claims = idToken ? { email: idToken.email, email_verified: idToken.email_verified } : undefined;
    // Providers that follow OIDC Core §5.4 strictly return scope claims
    // (email) from the UserInfo endpoint rather than in the ID token.
    if (idToken && typeof idToken.email !== 'string') claims = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
  } catch (error) {
    ctx.log.warn({ err: error instanceof Error ? error.name : 'error' }, 'oidc code exchange failed');
    throw errors.unauthenticatedWith('oidc_failed');
  }
  const email = typeof claims?.email === 'string' ? claims.email.toLowerCase() : null;
  if (!email || claims?.email_verified === false) throw errors.unauthenticatedWith('oidc_failed');
  const staff = await ctx.db
    .selectFrom('staff')
    .selectAll()
    .where('organisation_id', '=', org.id)
    .where('email', '=', email)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (!staff) throw errors.forbiddenWith('oidc_no_account');
  return staff;
}
