import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book, credentialsFrom } from '../../../test/booking-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { apiKeyFor } from '../integration/integration.fixture.ts';
import { openSocket } from '../realtime/realtime.fixture.ts';
import { phoneSession } from '../../../test/uploader-helpers.ts';
import { staffSession } from '../../../test/documents-helpers.ts';
import { createStaff } from '../staff/staff.service.ts';
import { API_SCOPES } from '../staff/api-keys.service.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import type { ApiScope } from '../integration/integration.auth.ts';
import { POLICY } from './route-policy.table.ts';

const isStatic = (url: string) => !url.startsWith('/api/') && !url.startsWith('/dev/') && !['/healthz', '/readyz', '/metrics'].includes(url);

describe('authorisation of every route', () => {
  let t: TestApp;
  let cookieA = '';
  let csrfA = '';
  let phoneA = { cookie: '', csrf: '' };
  let supervisorA = { cookie: '', csrf: '' };
  beforeAll(async () => {
    t = await createTestApp();
    const padro = await procedureId(t, t.orgA.id);
    await book(t, { procedureId: padro, startsAt: '2026-03-03T08:00:00.000Z', citizen: { email: 'policy@example.org' } });
    const { token, password } = credentialsFrom(t.mail.lastTo('policy@example.org'));
    const res = await t.app.http.inject({ method: 'POST', url: '/api/citizen/session', headers: { host: 'alfa.test' }, payload: { token, password } });
    const c = res.cookies.find((k) => k.name === 'fin_citizen');
    cookieA = `fin_citizen=${c?.value ?? ''}`;
    csrfA = res.json().data.csrfToken as string;
    phoneA = await phoneSession(t, { cookie: cookieA, csrf: csrfA });
    await createStaff(t.ctx.db, t.orgA.id, { email: 'supervisor@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a supervisor password 1' }, new Date());
    supervisorA = await staffSession(t, 'supervisor@alfa.test', 'a supervisor password 1');
  });
  afterAll(async () => t.close());

  it('has a declared audience for every registered route', () => {
    const undeclared = t.app.routes
      .filter((r) => !isStatic(r.url))
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !(k in POLICY));
    expect(undeclared).toEqual([]);
  });

  const citizenRoutes = Object.entries(POLICY).filter(([, p]) => p === 'citizen').map(([k]) => k);

  it.each(citizenRoutes)('%s: 401 without a session', async (route) => {
    const [method, url] = route.split(' ') as ['GET' | 'POST', string];
    const res = await t.app.http.inject({ method, url, headers: { host: 'alfa.test' }, ...(method === 'GET' ? {} : { payload: {} }) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.id).toBe('unauthenticated');
  });

  it.each(citizenRoutes)('%s: 401 with a session of another organisation', async (route) => {
    const [method, url] = route.split(' ') as ['GET' | 'POST', string];
    const res = await t.app.http.inject({
      method,
      url,
      headers: { host: 'beta.test', cookie: cookieA, 'x-csrf-token': csrfA },
      ...(method === 'POST' ? { payload: {} } : {}),
    });
    expect(res.statusCode).toBe(401);
  });

  it.each(citizenRoutes.filter((r) => !r.startsWith('GET')))('%s: 403 without the CSRF token', async (route) => {
    const [method, url] = route.split(' ') as ['POST' | 'DELETE', string];
    const res = await t.app.http.inject({ method, url, headers: { host: 'alfa.test', cookie: cookieA }, payload: { startsAt: '2026-03-03T09:00:00.000Z' } });
    expect(res.statusCode).toBe(403);
  });

  const staffRoutes = Object.entries(POLICY).filter(([, p]) => p === 'staff').map(([k]) => k);

  it.each(staffRoutes)('%s: 401 without a staff session, and a citizen session is no staff session', async (route) => {
    const [method, url] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
    const anon = await t.app.http.inject({ method, url, headers: { host: 'alfa.test' }, ...(method === 'GET' ? {} : { payload: {} }) });
    expect(anon.statusCode).toBe(401);
    const asCitizen = await t.app.http.inject({
      method,
      url,
      headers: { host: 'alfa.test', cookie: cookieA, 'x-csrf-token': csrfA },
      ...(method === 'GET' ? {} : { payload: {} }),
    });
    expect(asCitizen.statusCode).toBe(401);
  });

  let csrfAgent: { cookie: string; csrf: string } | undefined;
  it.each(staffRoutes.filter((r) => !r.startsWith('GET')))('%s: 403 without the CSRF token, 401 on another organisation', async (route) => {
    const [method, url] = route.split(' ') as ['POST' | 'DELETE', string];
    // One session for all these routes (none changes anything: no CSRF token, or another organisation); signing in per route would trip the sign-in rate limit.
    const agent = t.orgA.accounts.find((a) => a.role === 'agent');
    if (!agent) throw new Error('the seed has no agent');
    csrfAgent ??= await staffSession(t, agent.email, agent.password);
    const { cookie, csrf } = csrfAgent;
    expect((await t.app.http.inject({ method, url, headers: { host: 'alfa.test', cookie }, payload: {} })).statusCode).toBe(403);
    expect((await t.app.http.inject({ method, url, headers: { host: 'beta.test', cookie, 'x-csrf-token': csrf }, payload: {} })).statusCode).toBe(401);
  });

  const adminRoutes = Object.entries(POLICY).filter(([, p]) => p === 'admin').map(([k]) => k);
  const adminCall = (route: string, headers: Record<string, string>) => {
    const [method, url] = route.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string];
    return t.app.http.inject({ method, url: url.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000'), headers, ...(method === 'GET' ? {} : { payload: {} }) });
  };

  // Sessions made once: signing in for every route would trip the sign-in rate limit.
  const adminSessions = { agent: { cookie: '', csrf: '' }, admin: { cookie: '', csrf: '' } };
  beforeAll(async () => {
    const agent = t.orgA.accounts.find((a) => a.role === 'agent');
    const admin = t.orgA.accounts.find((a) => a.role === 'admin');
    if (!agent || !admin) throw new Error('the seed has no agent or administrator');
    adminSessions.agent = await staffSession(t, agent.email, agent.password);
    adminSessions.admin = await staffSession(t, admin.email, admin.password);
  });

  it.each(adminRoutes)('%s: 401 without a session or on another organisation, 403 for an agent and a supervisor, past the guard for an administrator', async (route) => {
    expect((await adminCall(route, { host: 'alfa.test' })).statusCode).toBe(401);
    expect((await adminCall(route, { host: 'alfa.test', cookie: cookieA, 'x-csrf-token': csrfA })).statusCode).toBe(401);
    for (const who of [adminSessions.agent, supervisorA]) {
      const denied = await adminCall(route, { host: 'alfa.test', cookie: who.cookie, 'x-csrf-token': who.csrf });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.id).toBe('forbidden');
    }
    const asAdmin = adminSessions.admin;
    expect((await adminCall(route, { host: 'beta.test', cookie: asAdmin.cookie, 'x-csrf-token': asAdmin.csrf })).statusCode).toBe(401);
    if (!route.startsWith('GET')) expect((await adminCall(route, { host: 'alfa.test', cookie: asAdmin.cookie })).statusCode).toBe(403);
    expect([401, 403]).not.toContain((await adminCall(route, { host: 'alfa.test', cookie: asAdmin.cookie, 'x-csrf-token': asAdmin.csrf })).statusCode);
  });

  const supervisorRoutes = Object.entries(POLICY).filter(([, p]) => p === 'supervisor').map(([k]) => k);

  it.each(supervisorRoutes)('%s: 401 without a session, with a citizen session or on another organisation, 403 for an agent and without the CSRF token, past the guard for a supervisor and an administrator', async (route) => {
    expect((await adminCall(route, { host: 'alfa.test' })).statusCode).toBe(401);
    expect((await adminCall(route, { host: 'alfa.test', cookie: cookieA, 'x-csrf-token': csrfA })).statusCode).toBe(401);
    const denied = await adminCall(route, { host: 'alfa.test', cookie: adminSessions.agent.cookie, 'x-csrf-token': adminSessions.agent.csrf });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.id).toBe('forbidden');
    for (const who of [supervisorA, adminSessions.admin]) {
      expect((await adminCall(route, { host: 'beta.test', cookie: who.cookie, 'x-csrf-token': who.csrf })).statusCode).toBe(401);
      if (!route.startsWith('GET')) expect((await adminCall(route, { host: 'alfa.test', cookie: who.cookie })).statusCode).toBe(403);
      expect([401, 403]).not.toContain((await adminCall(route, { host: 'alfa.test', cookie: who.cookie, 'x-csrf-token': who.csrf })).statusCode);
    }
  });

  const apiKeyRoutes = Object.entries(POLICY).flatMap(([route, p]) => (p.startsWith('apikey:') ? [[route, p.slice('apikey:'.length) as ApiScope] as const] : []));
  const apiCall = (route: string, authorization?: string, host = 'alfa.test') => {
    const [method, url] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
    return t.app.http.inject({
      method,
      url: url.replace(':id', '00000000-0000-4000-8000-000000000000'),
      headers: { host, ...(authorization ? { authorization } : {}) },
      ...(method === 'POST' ? { payload: {} } : {}),
    });
  };

  it.each(apiKeyRoutes)('%s: 401 without a key, 401 with a key of another organisation, 403 without %s', async (route, scope) => {
    const anon = await apiCall(route);
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.id).toBe('unauthenticated');
    const ofB = await apiKeyFor(t, t.orgB.id);
    expect((await apiCall(route, ofB.authorization)).statusCode).toBe(401);
    const lacking = await apiKeyFor(t, t.orgA.id, API_SCOPES.filter((s) => s !== scope));
    const denied = await apiCall(route, lacking.authorization);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.id).toBe('insufficient_scope');
    // That one scope is enough to get past authorisation (to validation or a 404).
    const only = await apiKeyFor(t, t.orgA.id, [scope]);
    expect([401, 403]).not.toContain((await apiCall(route, only.authorization)).statusCode);
  });

  const uploaderRoutes = Object.entries(POLICY).filter(([, p]) => p === 'uploader').map(([k]) => k);
  const call = (route: string, headers: Record<string, string>) => {
    const [method, url] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'DELETE', string];
    return t.app.http.inject({ method, url: url.replace(':id', '00000000-0000-4000-8000-000000000000'), headers, ...(method === 'GET' ? {} : { payload: {} }) });
  };

  it.each(uploaderRoutes)('%s: 401 without a phone session, with a citizen session, or on another organisation', async (route) => {
    expect((await call(route, { host: 'alfa.test' })).statusCode).toBe(401);
    expect((await call(route, { host: 'alfa.test', cookie: cookieA, 'x-csrf-token': csrfA })).statusCode).toBe(401);
    expect((await call(route, { host: 'beta.test', cookie: phoneA.cookie, 'x-csrf-token': phoneA.csrf })).statusCode).toBe(401);
  });

  it.each(uploaderRoutes.filter((r) => !r.startsWith('GET')))('%s: 403 without the phone session\'s CSRF token', async (route) => {
    expect((await call(route, { host: 'alfa.test', cookie: phoneA.cookie })).statusCode).toBe(403);
    expect((await call(route, { host: 'alfa.test', cookie: phoneA.cookie, 'x-csrf-token': csrfA })).statusCode).toBe(403);
  });

  // A phone session is for uploading and nothing else: every other route that needs a session does not know it.
  const sessionRoutes = Object.entries(POLICY)
    .filter(([, p]) => p === 'citizen' || p === 'staff' || p === 'supervisor' || p === 'admin' || p.startsWith('apikey:'))
    .map(([k]) => k);

  it.each(sessionRoutes)('%s: 401 with a phone session', async (route) => {
    const res = await call(route, { host: 'alfa.test', cookie: phoneA.cookie, 'x-csrf-token': phoneA.csrf });
    expect(res.statusCode).toBe(401);
  });

  it('GET /api/ws: closes a socket without a session (4401), and is no plain HTTP route', async () => {
    const plain = await t.app.http.inject({ method: 'GET', url: '/api/ws', headers: { host: 'alfa.test' } });
    expect(plain.statusCode).toBe(404);
    const socket = await openSocket(t.app.http);
    socket.send({ type: 'hello', role: 'agent', csrf: csrfA });
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
    const withCitizen = await openSocket(t.app.http, { cookie: cookieA });
    withCitizen.send({ type: 'hello', role: 'agent', csrf: csrfA });
    expect((await withCitizen.closed).code).toBe(CLOSE_CODES.unauthenticated);
    const withPhone = await openSocket(t.app.http, { cookie: phoneA.cookie });
    withPhone.send({ type: 'hello', role: 'citizen', csrf: phoneA.csrf });
    expect((await withPhone.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });

  it('ops probes answer without an organisation; public routes need one', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      expect((await t.app.http.inject({ method: 'GET', url, headers: { host: 'nowhere.test' } })).statusCode).toBe(200);
    }
    const pub = await t.app.http.inject({ method: 'GET', url: '/api/public/organisation', headers: { host: 'nowhere.test' } });
    expect(pub.statusCode).toBe(404);
  });

  it('has no development tools in production mode', async () => {
    const prod = await createTestApp({ env: { NODE_ENV: 'production' } });
    try {
      expect(prod.app.routes.some((r) => r.url.startsWith('/dev/'))).toBe(false);
    } finally {
      await prod.close();
    }
  });
});
