import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { setOidcProvider } from './oidc.service.ts';

const REDIRECT = 'http://alfa.test/api/staff/oidc/callback';

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback,
 * with its development login and consent pages: any login name is an
 * account whose verified email is that name.
 */
async function startProvider(): Promise<{ issuer: string; server: Server }> {
  const server: Server = await new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'finestreta',
        client_secret: 'a-client-secret-of-decent-length',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { email: ['email', 'email_verified'], openid: ['sub'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, email: id, email_verified: true }) }),
    pkce: { required: () => true },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));
  return { issuer, server };
}

/** Plays the browser at the provider: follows redirects with a cookie jar, signs in as `login`, consents. */
async function browseProvider(start: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  let body: URLSearchParams | null = null;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(REDIRECT)) return url;
    const res: Response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    body = null;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      continue;
    }
    const html: string = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url}: ${res.status}`);
    const prompt: string = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? '';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    url = new URL(action, url).toString();
  }
  throw new Error('too many hops');
}

describe('staff sign-in with OpenID Connect', () => {
  let t: TestApp;
  let idp: { issuer: string; server: Server };
  let agentEmail = '';
  beforeAll(async () => {
    t = await createTestApp();
    idp = await startProvider();
    await setOidcProvider(t.ctx, t.orgA.id, { issuer: idp.issuer, clientId: 'finestreta', clientSecret: 'a-client-secret-of-decent-length' });
    agentEmail = t.orgA.accounts.find((a) => a.role === 'agent')?.email ?? '';
  });
  afterAll(async () => {
    idp.server.closeAllConnections();
    await new Promise((r) => idp.server.close(r));
    await t.close();
  });

  async function signIn(login: string, opts: { otherBrowser?: boolean } = {}) {
    const start = await t.app.http.inject({ method: 'GET', url: '/api/staff/oidc/start', headers: { host: 'alfa.test' } });
    expect(start.statusCode).toBe(302);
    const browser = start.cookies.find((c) => c.name === 'fin_oidc')?.value ?? '';
    const back = new URL(await browseProvider(String(start.headers.location), login));
    return t.app.http.inject({
      method: 'GET',
      url: `${back.pathname}${back.search}`,
      headers: { host: 'alfa.test', cookie: `fin_oidc=${opts.otherBrowser ? 'someone-else' : browser}` },
    });
  }

  it('tells the sign-in page whether the organisation has an identity provider', async () => {
    expect((await t.app.http.inject({ url: '/api/staff/oidc', headers: { host: 'alfa.test' } })).json().data.enabled).toBe(true);
    expect((await t.app.http.inject({ url: '/api/staff/oidc', headers: { host: 'beta.test' } })).json().data.enabled).toBe(false);
    expect((await t.app.http.inject({ url: '/api/staff/oidc/start', headers: { host: 'beta.test' } })).statusCode).toBe(404);
  });

  it('signs an existing member of staff in through the provider, with PKCE, into a staff session', async () => {
    const start = await t.app.http.inject({ method: 'GET', url: '/api/staff/oidc/start', headers: { host: 'alfa.test' } });
    const auth = new URL(String(start.headers.location));
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('redirect_uri')).toBe(REDIRECT);
    const res = await signIn(agentEmail);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('http://alfa.test/staff');
    const cookie = `fin_staff=${res.cookies.find((c) => c.name === 'fin_staff')?.value ?? ''}`;
    const me = await t.app.http.inject({ url: '/api/staff/me', headers: { host: 'alfa.test', cookie } });
    expect(me.json().data.staff).toMatchObject({ email: agentEmail, sessionMethod: 'oidc' });
  });

  it('refuses someone the provider knows but the town hall does not, and a callback finished in another browser', async () => {
    const stranger = await signIn('stranger@elsewhere.test');
    expect(stranger.headers.location).toBe('http://alfa.test/staff/login?error=oidc_no_account');
    expect(stranger.cookies.find((c) => c.name === 'fin_staff')).toBeUndefined();
    const hijacked = await signIn(agentEmail, { otherBrowser: true });
    expect(hijacked.headers.location).toBe('http://alfa.test/staff/login?error=oidc_failed');
  });

  it('refuses a replayed or forged callback', async () => {
    const forged = await t.app.http.inject({ url: '/api/staff/oidc/callback?code=abc&state=nope', headers: { host: 'alfa.test', cookie: 'fin_oidc=x' } });
    expect(forged.headers.location).toBe('http://alfa.test/staff/login?error=oidc_failed');
  });

  it('keeps the client secret sealed at rest', async () => {
    const row = await t.ctx.db.selectFrom('oidc_providers').selectAll().where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    expect(row.client_secret).not.toContain('a-client-secret');
  });
});
