import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book, credentialsFrom } from '../../../test/booking-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import type { ApiScope } from '../integration/integration.auth.ts';
import { apiKeyFor } from '../integration/integration.fixture.ts';
import { openSocket } from '../realtime/realtime.fixture.ts';
import { phoneSession } from '../../../test/uploader-helpers.ts';
import { staffSession } from '../../../test/documents-helpers.ts';
import { createStaff } from '../staff/staff.service.ts';
import { API_SCOPES } from '../staff/api-keys.service.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';

/**
 * Who may call each route. Deny by default: a route missing here fails the
 * test, so nobody adds an endpoint without deciding its audience.
 * - public: anyone, for the organisation of the request
 * - citizen: a citizen session of the same organisation
 * - staff: a staff session of the same organisation (any role; role-specific routes list their roles)
 * - ops: operational probes, no organisation
 * - dev: development-only tools, absent in production
 * - apikey:<scope>: an API key of the same organisation holding that scope (`Authorization: Bearer fin_…`)
 * - websocket: the upgrade is open; the socket proves its session in its first message or is closed
 * - uploader: a phone session opened from a phone link (its own cookie), of the same organisation
 * - admin: a staff session of an administrator of the same organisation (agents and supervisors: 403)
 * - supervisor: a staff session of a supervisor or an administrator of the same organisation (agents: 403)
 */
const POLICY: Record<string, 'public' | 'citizen' | 'staff' | 'supervisor' | 'admin' | 'ops' | 'dev' | 'websocket' | 'uploader' | `apikey:${ApiScope}`> = {
  'GET /healthz': 'ops',
  'GET /readyz': 'ops',
  'GET /metrics': 'ops',
  'GET /api/public/organisation': 'public',
  'GET /api/public/procedures': 'public',
  'GET /api/public/procedures/:id': 'public',
  'GET /api/public/procedures/:id/availability': 'public',
  'GET /api/public/captcha': 'public',
  'POST /api/public/appointments': 'public',
  'POST /api/citizen/session': 'public',
  'GET /api/citizen/appointment': 'citizen',
  'POST /api/citizen/appointment/cancel': 'citizen',
  'POST /api/citizen/appointment/reschedule': 'citizen',
  'DELETE /api/citizen/session': 'citizen',
  'GET /api/citizen/appointment/documents': 'citizen',
  'DELETE /api/citizen/appointment/documents/:documentId': 'citizen',
  'POST /api/uploads': 'citizen',
  'PATCH /api/uploads/:uploadId': 'citizen',
  'DELETE /api/uploads/:uploadId': 'citizen',
  'POST /api/citizen/appointment/uploaders': 'citizen',
  'DELETE /api/citizen/appointment/uploaders': 'citizen',
  'DELETE /api/citizen/appointment/uploaders/:id': 'citizen',
  'POST /api/uploader/session': 'public',
  'GET /api/uploader/session': 'uploader',
  'DELETE /api/uploader/session': 'uploader',
  'POST /api/uploader/uploads': 'uploader',
  'PATCH /api/uploader/uploads/:uploadId': 'uploader',
  'DELETE /api/uploader/uploads/:uploadId': 'uploader',
  'POST /api/staff/session': 'public',
  'GET /api/staff/oidc': 'public',
  'GET /api/staff/oidc/start': 'public',
  'GET /api/staff/oidc/callback': 'public',
  'GET /api/staff/me': 'staff',
  'DELETE /api/staff/session': 'staff',
  'POST /api/staff/sessions/revoke-all': 'staff',
  'POST /api/staff/password': 'staff',
  'POST /api/staff/totp': 'staff',
  'POST /api/staff/totp/confirm': 'staff',
  'DELETE /api/staff/totp': 'staff',
  'GET /api/staff/agenda': 'staff',
  'GET /api/staff/appointments/:id': 'staff',
  'POST /api/staff/appointments': 'staff',
  'POST /api/staff/appointments/:id/offer-video': 'staff',
  'POST /api/staff/appointments/:id/reassign': 'staff',
  'POST /api/staff/appointments/:id/cancel': 'staff',
  'GET /api/staff/appointments/:id/documents': 'staff',
  'GET /api/staff/appointments/:id/documents/:documentId/content': 'staff',
  'POST /api/staff/appointments/:id/documents/:documentId/review': 'staff',
  'POST /api/staff/appointments/:id/documents/reopen': 'staff',
  'GET /api/staff/appointments/:id/interpreters': 'staff',
  'POST /api/staff/appointments/:id/interpreters': 'staff',
  'POST /api/staff/appointments/:id/interpreters/:invitationId/revoke': 'staff',
  'GET /api/staff/appointments/:id/evidence': 'staff',
  'POST /api/staff/appointments/:id/evidence': 'staff',
  'GET /api/staff/appointments/:id/evidence/:packageId': 'staff',
  'GET /api/public/deliveries/:id/package': 'public',
  'GET /api/staff/deliveries': 'staff',
  'POST /api/staff/deliveries/:id/retry': 'staff',
  'GET /api/staff/legal-holds': 'supervisor',
  'GET /api/staff/appointments/:id/legal-holds': 'supervisor',
  'POST /api/staff/appointments/:id/legal-holds': 'supervisor',
  'POST /api/staff/appointments/:id/legal-holds/:holdId/release': 'supervisor',
  'POST /api/staff/appointments/:id/snapshots/:kind': 'staff',
  'GET /api/staff/appointments/:id/snapshots': 'staff',
  'GET /api/staff/appointments/:id/snapshots/:snapshotId/content': 'staff',
  'GET /api/staff/appointments/:id/recording': 'staff',
  'POST /api/staff/appointments/:id/recording/segments': 'staff',
  'PUT /api/staff/appointments/:id/recording/segments/:segment/chunks/:seq': 'staff',
  'POST /api/staff/appointments/:id/recording/stop': 'staff',
  'GET /api/staff/appointments/:id/recording/content': 'staff',
  'GET /api/staff/appointments/:id/protocol': 'staff',
  'POST /api/staff/appointments/:id/protocol/steps/:step/complete': 'staff',
  'POST /api/staff/appointments/:id/protocol/steps/:step/skip': 'staff',
  'PUT /api/staff/appointments/:id/protocol/form': 'staff',
  'POST /api/staff/appointments/:id/protocol/form/read-aloud': 'staff',
  'POST /api/staff/appointments/:id/protocol/consent/otp': 'staff',
  'GET /api/citizen/appointment/protocol': 'citizen',
  'POST /api/citizen/appointment/protocol/consent': 'citizen',
  'POST /api/citizen/appointment/protocol/otp': 'citizen',
  'GET /api/staff/indicators': 'staff',
  'GET /api/staff/indicators.csv': 'staff',
  'GET /api/staff/indicators/comments': 'staff',
  'GET /api/staff/indicators/report.pdf': 'staff',
  'GET /api/staff/indicators/by-procedure': 'staff',
  'GET /api/staff/indicators/baselines': 'staff',
  'PUT /api/staff/indicators/baselines': 'staff',
  'GET /api/staff/appointments/:id/wrapup': 'staff',
  'PUT /api/staff/appointments/:id/wrapup': 'staff',
  'GET /api/citizen/appointment/survey': 'citizen',
  'POST /api/citizen/appointment/survey': 'citizen',
  'GET /api/public/survey/:token': 'public',
  'POST /api/public/survey/:token': 'public',
  'POST /api/interpreter/invitation': 'public',
  'POST /api/interpreter/invitation/consent': 'public',
  'GET /api/verify/:csv': 'public',
  'GET /api/verify/:csv/document': 'public',
  'POST /api/staff/appointments/:id/registry': 'staff',
  'GET /api/citizen/appointment/receipt': 'citizen',
  'GET /api/v1/procedures': 'apikey:catalogue:read',
  'GET /api/v1/procedures/:id/slots': 'apikey:catalogue:read',
  'POST /api/v1/appointments': 'apikey:appointments:write',
  'GET /api/v1/appointments/:id': 'apikey:appointments:read',
  'POST /api/v1/appointments/:id/cancel': 'apikey:appointments:write',
  'POST /api/v1/appointments/:id/reschedule': 'apikey:appointments:write',
  'POST /api/v1/webhooks': 'apikey:appointments:read',
  'GET /api/v1/webhooks': 'apikey:appointments:read',
  'DELETE /api/v1/webhooks/:id': 'apikey:appointments:read',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/docs': 'public',
  'GET /api/v1/docs.css': 'public',
  'GET /api/admin/offices': 'admin',
  'POST /api/admin/offices': 'admin',
  'PUT /api/admin/offices/:officeId': 'admin',
  'DELETE /api/admin/offices/:officeId': 'admin',
  'GET /api/admin/schedules/agents': 'admin',
  'GET /api/admin/schedules/agents/:staffId': 'admin',
  'POST /api/admin/schedules/agents/:staffId/windows': 'admin',
  'PUT /api/admin/schedules/agents/:staffId/windows/:windowId': 'admin',
  'DELETE /api/admin/schedules/agents/:staffId/windows/:windowId': 'admin',
  'GET /api/admin/closures': 'admin',
  'POST /api/admin/closures': 'admin',
  'DELETE /api/admin/closures/:closureId': 'admin',
  'POST /api/admin/closures/import': 'admin',
  'GET /api/admin/calendar': 'admin',
  'GET /api/admin/audit': 'admin',
  'POST /api/admin/audit/verify': 'admin',
  'GET /api/admin/procedures': 'admin',
  'POST /api/admin/procedures': 'admin',
  'GET /api/admin/procedures/:id': 'admin',
  'PUT /api/admin/procedures/:id': 'admin',
  'POST /api/admin/procedures/:id/archive': 'admin',
  'POST /api/admin/procedures/:id/restore': 'admin',
  'PUT /api/admin/procedures/:id/documents': 'admin',
  'PUT /api/admin/procedures/:id/form': 'admin',
  'GET /api/admin/staff': 'admin',
  'POST /api/admin/staff/invitations': 'admin',
  'POST /api/admin/staff/invitations/:id/resend': 'admin',
  'DELETE /api/admin/staff/invitations/:id': 'admin',
  'PUT /api/admin/staff/:id': 'admin',
  'POST /api/admin/staff/:id/disable': 'admin',
  'POST /api/admin/staff/:id/enable': 'admin',
  'POST /api/admin/staff/:id/reset-totp': 'admin',
  'POST /api/staff/invitation/lookup': 'public',
  'POST /api/staff/invitation/accept': 'public',
  'GET /api/admin/organisation': 'admin',
  'PUT /api/admin/organisation': 'admin',
  'PUT /api/admin/organisation/logo': 'admin',
  'DELETE /api/admin/organisation/logo': 'admin',
  'POST /api/admin/organisation/email-preview': 'admin',
  'GET /api/admin/seal': 'admin',
  'POST /api/admin/seal': 'admin',
  'GET /api/staff/seal-expiry': 'staff',
  'GET /api/admin/integrations': 'admin',
  'POST /api/admin/api-keys': 'admin',
  'POST /api/admin/api-keys/:id/revoke': 'admin',
  'POST /api/admin/webhooks': 'admin',
  'DELETE /api/admin/webhooks/:id': 'admin',
  'POST /api/admin/webhooks/:id/test': 'admin',
  'GET /api/admin/case-management': 'admin',
  'PUT /api/admin/case-management/:kind': 'admin',
  'DELETE /api/admin/case-management/:kind': 'admin',
  'POST /api/admin/case-management/:kind/test': 'admin',
  'POST /api/admin/data-protection/search': 'admin',
  'GET /api/admin/data-protection/export': 'admin',
  'POST /api/admin/data-protection/erase': 'admin',
  'GET /api/public/organisation/logo': 'public',
  'GET /api/ws': 'websocket',
  'GET /dev/mail': 'dev',
  'GET /dev/mail/:name': 'dev',
  'GET /dev/mail/:name/raw': 'dev',
  'GET /dev/mail/:name/html': 'dev',
};

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
