import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { greetedSocket } from '../realtime/realtime.fixture.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import { createStaff } from '../staff/staff.service.ts';
import type { StaffListView } from '../../shared/admin-people.ts';
import { disableStaff } from './staff-admin.service.ts';

/**
 * The Staff section: invitation to a signed-in colleague (their own
 * password, a single-use link of which only the hash is stored), role and
 * offices, disabling (sessions and sockets end at once), re-enabling,
 * resetting the second factor, and the refusals that keep an organisation
 * from locking itself out. Route × role authorisation is in
 * route-policy.test.ts.
 */
describe.each(DIALECTS)('staff administration (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let adminId = '';
  let officeId = '';
  const host = { host: 'alfa.test' };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    if (!a) throw new Error('no admin');
    admin = await staffSession(t, a.email, a.password);
    adminId = (await t.ctx.db.selectFrom('staff').select('id').where('email', '=', a.email).executeTakeFirstOrThrow()).id;
    officeId = (await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, who: Session = admin) =>
    t.app.http.inject({ method, url, headers: { ...host, cookie: who.cookie, 'x-csrf-token': who.csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const list = async () => (await call('GET', '/api/admin/staff')).json<{ data: StaffListView }>().data;
  const tokenOf = (email: string) => {
    const mail = t.mail.lastTo(email);
    const m = /\/staff\/invitation\/([A-Za-z0-9_-]+)/.exec(mail?.text ?? '');
    if (!m?.[1]) throw new Error(`no invitation link for ${email}`);
    return m[1];
  };
  const auditActions = async () => (await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('organisation_id', '=', t.orgA.id).orderBy('seq').execute());

  it('lists the team with roles, offices, second factor and last sign-in', async () => {
    const view = await list();
    const me = view.staff.find((s) => s.id === adminId);
    expect(me).toMatchObject({ role: 'admin', active: true, totpEnabled: false, offices: [{ id: officeId }] });
    expect(me?.lastSignInAt).toBeTruthy();
    expect(view.offices.map((o) => o.id)).toContain(officeId);
    // Never a hash or a seed.
    expect(JSON.stringify(view)).not.toMatch(/argon2|password|totp_secret/);
  });

  it('invites a colleague who chooses a password, is signed in, and the link works once', async () => {
    const res = await call('POST', '/api/admin/staff/invitations', { email: ' Nova.Agent@Alfa.test ', displayName: 'Nova Agent', role: 'agent', officeIds: [officeId] });
    expect(res.statusCode).toBe(201);
    const invitation = res.json<{ data: { id: string; email: string } }>().data;
    expect(invitation.email).toBe('nova.agent@alfa.test');
    const token = tokenOf('nova.agent@alfa.test');
    // Only the hash is stored.
    const row = await t.ctx.db.selectFrom('staff_invitations').selectAll().where('id', '=', invitation.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
    expect(JSON.stringify(await auditActions())).not.toContain(token);
    expect((await list()).invitations.map((i) => i.email)).toContain('nova.agent@alfa.test');

    const lookup = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/lookup', headers: host, payload: { token } });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json().data).toMatchObject({ email: 'nova.agent@alfa.test', displayName: 'Nova Agent', role: 'agent' });
    // Another organisation does not know the link.
    expect((await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/lookup', headers: { host: 'beta.test' }, payload: { token } })).json().error.id).toBe('staff_invitation_not_found');

    const short = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/accept', headers: host, payload: { token, password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details.issues).toEqual([{ path: 'password', code: 'password_too_short' }]);

    const accepted = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/accept', headers: host, payload: { token, password: 'a brand new password 42' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().data.staff).toMatchObject({ email: 'nova.agent@alfa.test', role: 'agent' });
    const cookie = accepted.cookies.find((c) => c.name === 'fin_staff');
    const me = await t.app.http.inject({ method: 'GET', url: '/api/staff/me', headers: { ...host, cookie: `fin_staff=${cookie?.value ?? ''}` } });
    expect(me.statusCode).toBe(200);
    // The password works for signing in, and the account is in the office.
    await staffSession(t, 'nova.agent@alfa.test', 'a brand new password 42');
    const member = (await list()).staff.find((s) => s.email === 'nova.agent@alfa.test');
    expect(member?.offices.map((o) => o.id)).toEqual([officeId]);
    expect((await list()).invitations.map((i) => i.email)).not.toContain('nova.agent@alfa.test');

    const again = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/accept', headers: host, payload: { token, password: 'another password 4242' } });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.id).toBe('staff_invitation_used');
    expect((await auditActions()).map((a) => a.action)).toEqual(expect.arrayContaining(['admin.staff.invited', 'admin.staff.invitation_accepted']));
  });

  it('lets only one of two simultaneous acceptances of a link create the account', async () => {
    expect((await call('POST', '/api/admin/staff/invitations', { email: 'race@alfa.test', displayName: 'Race', role: 'agent', officeIds: [] })).statusCode).toBe(201);
    const token = tokenOf('race@alfa.test');
    const accept = () => t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/accept', headers: host, payload: { token, password: 'a long enough password' } });
    const codes = (await Promise.all([accept(), accept()])).map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 410]);
    expect(await t.ctx.db.selectFrom('staff').select('id').where('email', '=', 'race@alfa.test').execute()).toHaveLength(1);
  });

  it('refuses an address in use, a second invitation, an unknown office and bad input, changing nothing', async () => {
    const before = await t.ctx.db.selectFrom('staff_invitations').select('id').execute();
    const inUse = await call('POST', '/api/admin/staff/invitations', { email: t.orgA.accounts[0]?.email, displayName: 'X', role: 'agent', officeIds: [] });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.id).toBe('email_in_use');
    expect(inUse.json().error.message).toContain('ja té un compte');
    const unknownOffice = await call('POST', '/api/admin/staff/invitations', { email: 'x@alfa.test', displayName: 'X', role: 'agent', officeIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknownOffice.json().error.id).toBe('office_unknown');
    const bad = await call('POST', '/api/admin/staff/invitations', { email: 'not an email', displayName: '', role: 'boss', officeIds: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['displayName', 'email', 'role']);
    expect(await t.ctx.db.selectFrom('staff_invitations').select('id').execute()).toHaveLength(before.length);

    expect((await call('POST', '/api/admin/staff/invitations', { email: 'twice@alfa.test', displayName: 'Twice', role: 'supervisor', officeIds: [] })).statusCode).toBe(201);
    const twice = await call('POST', '/api/admin/staff/invitations', { email: 'twice@alfa.test', displayName: 'Twice', role: 'supervisor', officeIds: [] });
    expect(twice.json().error.id).toBe('invitation_pending');
  });

  it('re-sends (the old link stops working), revokes, and refuses an expired link', async () => {
    const created = await call('POST', '/api/admin/staff/invitations', { email: 'resend@alfa.test', displayName: 'Re Send', role: 'agent', officeIds: [] });
    const id = created.json<{ data: { id: string } }>().data.id;
    const first = tokenOf('resend@alfa.test');
    expect((await call('POST', `/api/admin/staff/invitations/${id}/resend`, {})).statusCode).toBe(200);
    const second = tokenOf('resend@alfa.test');
    expect(second).not.toBe(first);
    const old = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/lookup', headers: host, payload: { token: first } });
    expect(old.json().error.id).toBe('staff_invitation_not_found');
    expect((await call('DELETE', `/api/admin/staff/invitations/${id}`)).statusCode).toBe(204);
    const revoked = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/accept', headers: host, payload: { token: second, password: 'a long enough password' } });
    expect(revoked.json().error.id).toBe('staff_invitation_revoked');
    expect((await call('DELETE', `/api/admin/staff/invitations/${id}`)).statusCode).toBe(404);

    await call('POST', '/api/admin/staff/invitations', { email: 'late@alfa.test', displayName: 'Late', role: 'agent', officeIds: [] });
    const late = tokenOf('late@alfa.test');
    t.clock.advance(73 * 3_600_000);
    try {
      const expired = await t.app.http.inject({ method: 'POST', url: '/api/staff/invitation/accept', headers: host, payload: { token: late, password: 'a long enough password' } });
      expect(expired.statusCode).toBe(410);
      expect(expired.json().error.id).toBe('staff_invitation_expired');
      const a = t.orgA.accounts.find((x) => x.role === 'admin');
      const fresh = await staffSession(t, a?.email ?? '', a?.password ?? '');
      const view = (await call('GET', '/api/admin/staff', undefined, fresh)).json<{ data: StaffListView }>().data;
      expect(view.invitations.find((i) => i.email === 'late@alfa.test')?.expired).toBe(true);
    } finally {
      t.clock.advance(-73 * 3_600_000);
    }
  });

  it('undoes an invitation whose email could not be sent', async () => {
    t.mail.failNext = 1;
    const res = await call('POST', '/api/admin/staff/invitations', { email: 'unsent@alfa.test', displayName: 'Unsent', role: 'agent', officeIds: [] });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.id).toBe('invitation_not_sent');
    expect(await t.ctx.db.selectFrom('staff_invitations').select('id').where('email', '=', 'unsent@alfa.test').execute()).toEqual([]);
  });

  it('changes role and offices, disables (sessions and sockets end at once), re-enables', async () => {
    await createStaff(t.ctx.db, t.orgA.id, { email: 'target@alfa.test', role: 'agent', displayName: 'Target', password: 'target password 1234' }, t.clock.now());
    const target = (await list()).staff.find((s) => s.email === 'target@alfa.test');
    if (!target) throw new Error('no target');
    expect(target.offices).toEqual([]);
    expect((await call('PUT', `/api/admin/staff/${target.id}`, { role: 'supervisor', officeIds: [officeId] })).statusCode).toBe(204);
    expect((await list()).staff.find((s) => s.id === target.id)).toMatchObject({ role: 'supervisor', offices: [{ id: officeId }] });

    const session = await staffSession(t, 'target@alfa.test', 'target password 1234');
    const socket = await greetedSocket(t.app.http, 'agent', session);
    const res = await call('POST', `/api/admin/staff/${target.id}/disable`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json().data.endedSessions).toBe(1);
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
    expect((await t.app.http.inject({ method: 'GET', url: '/api/staff/me', headers: { ...host, cookie: session.cookie } })).statusCode).toBe(401);
    const signIn = await t.app.http.inject({ method: 'POST', url: '/api/staff/session', headers: host, payload: { email: 'target@alfa.test', password: 'target password 1234' } });
    expect(signIn.statusCode).toBe(401);
    expect((await list()).staff.find((s) => s.id === target.id)?.active).toBe(false);

    expect((await call('POST', `/api/admin/staff/${target.id}/enable`, {})).statusCode).toBe(204);
    await staffSession(t, 'target@alfa.test', 'target password 1234');

    const audit = await auditActions();
    const disabled = audit.find((a) => a.action === 'admin.staff.disabled');
    expect(JSON.parse(disabled?.details ?? '{}')).toEqual({ changes: { active: { before: true, after: false } } });
    const changed = audit.find((a) => a.action === 'admin.staff.changed');
    expect(Object.keys(JSON.parse(changed?.details ?? '{}').changes as object).sort()).toEqual(['offices', 'role']);
  });

  it('resets a second factor', async () => {
    const target = (await list()).staff.find((s) => s.email === 'target@alfa.test');
    if (!target) throw new Error('no target');
    await t.ctx.db.updateTable('staff').set({ totp_enabled: 1, totp_secret: 'sealed' }).where('id', '=', target.id).execute();
    expect((await list()).staff.find((s) => s.id === target.id)?.totpEnabled).toBe(true);
    expect((await call('POST', `/api/admin/staff/${target.id}/reset-totp`, {})).statusCode).toBe(204);
    const row = await t.ctx.db.selectFrom('staff').select(['totp_enabled', 'totp_secret']).where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_enabled: 0, totp_secret: null });
  });

  it('refuses disabling or demoting oneself and the last active administrator, and another organisation’s account', async () => {
    const self = await call('POST', `/api/admin/staff/${adminId}/disable`, {});
    expect(self.statusCode).toBe(409);
    expect(self.json().error.id).toBe('cannot_disable_self');
    expect(self.json().error.message).toContain('un altre administrador');
    // Say why, in the caller's language.
    expect((await t.app.http.inject({ method: 'POST', url: `/api/admin/staff/${adminId}/disable`, headers: { ...host, cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'accept-language': 'en' }, payload: {} })).json().error.message).toContain('another administrator');
    const demote = await call('PUT', `/api/admin/staff/${adminId}`, { role: 'agent', officeIds: [] });
    expect(demote.json().error.id).toBe('cannot_demote_self');
    expect((await list()).staff.find((s) => s.id === adminId)?.role).toBe('admin');

    // A second administrator: with two active ones, either may demote the other, never themselves.
    await createStaff(t.ctx.db, t.orgA.id, { email: 'second.admin@alfa.test', role: 'admin', displayName: 'Second', password: 'second admin password' }, t.clock.now());
    const second = (await list()).staff.find((s) => s.email === 'second.admin@alfa.test');
    if (!second) throw new Error('no second admin');
    // The last active administrator (here the caller's row was disabled meanwhile, as by a concurrent request) is kept.
    const me = await t.ctx.db.selectFrom('staff').selectAll().where('id', '=', adminId).executeTakeFirstOrThrow();
    const org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('staff').set({ active: 0 }).where('id', '=', adminId).execute();
    try {
      await expect(disableStaff(t.ctx, org, me, second.id)).rejects.toMatchObject({ id: 'last_admin', status: 409 });
    } finally {
      await t.ctx.db.updateTable('staff').set({ active: 1 }).where('id', '=', adminId).execute();
    }
    // With two active administrators, one may demote the other.
    expect((await call('PUT', `/api/admin/staff/${second.id}`, { role: 'agent', officeIds: [] })).statusCode).toBe(204);

    const betaStaff = await t.ctx.db.selectFrom('staff').select('id').where('organisation_id', '=', t.orgB.id).executeTakeFirstOrThrow();
    expect((await call('POST', `/api/admin/staff/${betaStaff.id}/disable`, {})).statusCode).toBe(404);
    expect((await t.ctx.db.selectFrom('staff').select('active').where('id', '=', betaStaff.id).executeTakeFirstOrThrow()).active).toBe(1);
  });
});
