import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';

describe.each(DIALECTS)('staff sign-in (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 4 });
  });
  afterAll(async () => t.close());

  const account = (n: number) => {
    const a = t.orgA.accounts.filter((x) => x.role === 'agent')[n];
    if (!a) throw new Error('no such seeded agent');
    return a;
  };
  const login = (payload: Record<string, unknown>, host = 'alfa.test') =>
    t.app.http.inject({ method: 'POST', url: '/api/staff/session', headers: { host }, payload });
  const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
    `fin_staff=${res.cookies.find((c) => c.name === 'fin_staff')?.value ?? ''}`;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, session: { cookie: string; csrf?: string }, payload?: unknown) =>
    t.app.http.inject({
      method,
      url,
      headers: { host: 'alfa.test', cookie: session.cookie, ...(session.csrf ? { 'x-csrf-token': session.csrf } : {}) },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  async function signedIn(n: number, extra: Record<string, unknown> = {}) {
    const a = account(n);
    const res = await login({ email: a.email, password: a.password, ...extra });
    expect(res.statusCode).toBe(200);
    return { cookie: cookieOf(res), csrf: res.json().data.csrfToken as string };
  }

  it('signs in with email and password into an HttpOnly, SameSite=Strict session', async () => {
    const a = account(0);
    const res = await login({ email: a.email.toUpperCase(), password: a.password });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/i);
    expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Strict/i);
    const me = await call('GET', '/api/staff/me', { cookie: cookieOf(res) });
    expect(me.json().data.staff).toMatchObject({ email: a.email, role: 'agent', totpEnabled: false, sessionMethod: 'password' });
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const unknown = await login({ email: 'nobody@alfa.test', password: 'whatever-long' });
    const wrong = await login({ email: account(3).email, password: 'whatever-long' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.id).toBe(wrong.json().error.id);
  });

  it('locks an account after five wrong passwords, then opens it after 15 minutes', async () => {
    const a = account(1);
    for (let remaining = 4; remaining >= 1; remaining--) {
      expect((await login({ email: a.email, password: 'not-the-password' })).json().error.details.remaining).toBe(remaining);
    }
    const locked = await login({ email: a.email, password: 'not-the-password' });
    expect(locked.statusCode).toBe(423);
    expect((await login({ email: a.email, password: a.password })).statusCode).toBe(423);
    t.clock.advance(16 * 60_000);
    expect((await login({ email: a.email, password: a.password })).statusCode).toBe(200);
    t.clock.advance(-16 * 60_000);
  });

  it('keeps organisations apart: no sign-in, no session, on another organisation’s host', async () => {
    const a = account(0);
    expect((await login({ email: a.email, password: a.password }, 'beta.test')).statusCode).toBe(401);
    const { cookie } = await signedIn(0);
    const cross = await t.app.http.inject({ method: 'GET', url: '/api/staff/me', headers: { host: 'beta.test', cookie } });
    expect(cross.statusCode).toBe(401);
  });

  it('requires a session (401) and its CSRF token (403) for every change', async () => {
    expect((await t.app.http.inject({ method: 'GET', url: '/api/staff/me', headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    const { cookie } = await signedIn(0);
    const res = await call('DELETE', '/api/staff/session', { cookie });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.id).toBe('csrf_failed');
  });

  it('refuses malformed sign-in input with field paths', async () => {
    const res = await login({ email: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues.map((i: { path: string }) => i.path)).toContain('password');
  });

  it('enrols a TOTP second factor, then asks for it, accepts a code once and never twice', async () => {
    const a = account(2);
    const session = await signedIn(2);
    const begin = await call('POST', '/api/staff/totp', session, {});
    const { secret, uri } = begin.json().data as { secret: string; uri: string };
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const row = await t.ctx.db.selectFrom('staff').select(['totp_secret']).where('email', '=', a.email).executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(secret);
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    const code = () => totp.generate({ timestamp: t.clock.now().getTime() });
    expect((await call('POST', '/api/staff/totp/confirm', session, { code: '000000' === code() ? '111111' : '000000' })).statusCode).toBe(422);
    expect((await call('POST', '/api/staff/totp/confirm', session, { code: code() })).statusCode).toBe(204);

    t.clock.advance(30_000);
    const noCode = await login({ email: a.email, password: a.password });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.id).toBe('totp_required');
    const current = code();
    const ok = await login({ email: a.email, password: a.password, totp: current });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.staff.sessionMethod).toBe('password+totp');
    const replay = await login({ email: a.email, password: a.password, totp: current });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.id).toBe('invalid_credentials');
  });

  it('signs out everywhere and ends the other sessions on a password change', async () => {
    const a = account(3);
    const first = await signedIn(3);
    const second = await signedIn(3);
    const wrong = await call('POST', '/api/staff/password', second, { currentPassword: 'nope', newPassword: 'a brand new password' });
    expect(wrong.statusCode).toBe(422);
    const short = await call('POST', '/api/staff/password', second, { currentPassword: a.password, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    const changed = await call('POST', '/api/staff/password', second, { currentPassword: a.password, newPassword: 'a brand new password' });
    expect(changed.statusCode).toBe(204);
    expect((await call('GET', '/api/staff/me', first)).statusCode).toBe(401);
    expect((await call('GET', '/api/staff/me', second)).statusCode).toBe(200);
    expect((await login({ email: a.email, password: a.password })).statusCode).toBe(401);
    const third = await signedIn(3, { password: 'a brand new password' });
    const all = await call('POST', '/api/staff/sessions/revoke-all', third, {});
    expect(all.json().data.ended).toBe(2);
    expect((await call('GET', '/api/staff/me', second)).statusCode).toBe(401);
    expect((await call('GET', '/api/staff/me', third)).statusCode).toBe(401);
  });

  it('ends a disabled account’s sessions at once', async () => {
    const session = await signedIn(0);
    await t.ctx.db.updateTable('staff').set({ active: 0 }).where('email', '=', account(0).email).execute();
    expect((await call('GET', '/api/staff/me', session)).statusCode).toBe(401);
    expect((await login({ email: account(0).email, password: account(0).password })).statusCode).toBe(401);
    await t.ctx.db.updateTable('staff').set({ active: 1 }).where('email', '=', account(0).email).execute();
  });
});
