import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { consent, invite, revoke } from '../../../test/interpreter-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { sha256Hex } from '../security/secrets.ts';
import { createStaff } from '../staff/staff.service.ts';

const STARTS = '2026-03-02T10:00:00.000Z';

describe.each(DIALECTS)('interpreter invitations (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let agent: Session;
  let farAgent: Session;
  let otherOrgAdmin: Session;
  let citizen: Session & { appointmentId: string };
  let n = 0;

  const staffCall = (session: Session | null, method: 'GET' | 'POST', url: string, payload?: unknown, opts: { csrf?: boolean; host?: string; lang?: string } = {}) =>
    t.app.http.inject({
      method,
      url,
      headers: {
        host: opts.host ?? 'alfa.test',
        ...(opts.lang ? { 'accept-language': opts.lang } : {}),
        ...(session ? { cookie: session.cookie, ...(opts.csrf === false ? {} : { 'x-csrf-token': session.csrf }) } : {}),
      },
      ...(method === 'POST' ? { payload: payload ?? {} } : {}),
    });
  const lookup = (token: string, opts: { host?: string; address?: string; lang?: string } = {}) =>
    t.app.http.inject({
      method: 'POST',
      url: '/api/interpreter/invitation',
      headers: { host: opts.host ?? 'alfa.test', ...(opts.lang ? { 'accept-language': opts.lang } : {}) },
      ...(opts.address ? { remoteAddress: opts.address } : {}),
      payload: { token },
    });
  const events = async (appointmentId: string, prefix = 'interpreter.') =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'at', 'data']).where('appointment_id', '=', appointmentId).orderBy('id').execute()).filter((e) =>
      e.type.startsWith(prefix),
    );
  const path = (appointmentId: string) => `/api/staff/appointments/${appointmentId}/interpreters`;

  /** Another video appointment at 11:00 Madrid on the same day, signed in. */
  async function booked() {
    n++;
    t.clock.set(DEFAULT_NOW);
    return citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `interp${n}@example.org`, idNumber: nif(36_000_000 + n) });
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10 });
    padro = await procedureId(t, t.orgA.id);
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
    const now = t.clock.now();
    const office = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: office, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far-interp@alfa.test', role: 'agent', displayName: 'Agent del barri', password: 'a long password for far' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: office }).execute();
    farAgent = await staffSession(t, 'far-interp@alfa.test', 'a long password for far');
    const admin = t.orgB.accounts.find((a) => a.role === 'admin');
    otherOrgAdmin = await staffSession(t, admin?.email ?? '', admin?.password ?? '', 'beta.test');
    citizen = await booked();
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.set(DEFAULT_NOW));

  it('lets only staff who may see the appointment list, create and revoke invitations', async () => {
    const id = citizen.appointmentId;
    const { invitationId } = await invite(t, agent, id);
    const routes = [
      ['GET', path(id)],
      ['POST', path(id)],
      ['POST', `${path(id)}/${invitationId}/revoke`],
    ] as const;
    for (const [method, url] of routes) {
      const body = method === 'POST' && !url.endsWith('revoke') ? { kind: 'sign_language' } : {};
      const anonymous = await staffCall(null, method, url, body);
      expect([anonymous.statusCode, anonymous.json().error.id], `${method} ${url} anonymous`).toEqual([401, 'unauthenticated']);
      // A citizen's session (even the appointment's own citizen) is no staff session.
      expect((await staffCall(citizen, method, url, body)).statusCode, `${method} ${url} citizen`).toBe(401);
      const otherOffice = await staffCall(farAgent, method, url, body);
      expect([otherOffice.statusCode, otherOffice.json().error.id], `${method} ${url} other office`).toEqual([404, 'not_found']);
      // A session of another organisation is unknown here; there, the appointment does not exist.
      expect((await staffCall(otherOrgAdmin, method, url, body)).statusCode, `${method} ${url} other organisation here`).toBe(401);
      expect((await staffCall(otherOrgAdmin, method, url, body, { host: 'beta.test' })).statusCode, `${method} ${url} other organisation there`).toBe(404);
      if (method === 'POST') {
        const noCsrf = await staffCall(agent, method, url, body, { csrf: false });
        expect([noCsrf.statusCode, noCsrf.json().error.id], `${method} ${url} without CSRF`).toEqual([403, 'csrf_failed']);
      }
    }
    // Nothing was created or revoked by any of them.
    const list = await staffCall(agent, 'GET', path(id));
    expect(list.json().data.invitations).toHaveLength(1);
    expect(list.json().data.invitations[0]).toMatchObject({ id: invitationId, status: 'pending' });
    await revoke(t, agent, id, invitationId);
  });

  it('creates a link whose token only the answer holds, and records who invited whom and when', async () => {
    const c = await booked();
    const res = await staffCall(agent, 'POST', path(c.appointmentId), { kind: 'spoken_language', language: 'Àrab', name: 'Samira Haddad', email: 'samira@example.org' });
    expect(res.statusCode).toBe(201);
    const { invitation, link } = res.json().data as { invitation: Record<string, unknown>; link: string };
    expect(link).toMatch(/^http:\/\/alfa\.test\/i\/[A-Za-z0-9_-]{32}$/);
    const token = link.slice(link.lastIndexOf('/') + 1);
    const ends = (await t.ctx.db.selectFrom('appointments').select('ends_at').where('id', '=', c.appointmentId).executeTakeFirstOrThrow()).ends_at;
    expect(invitation).toEqual({
      id: expect.any(String) as unknown,
      kind: 'spoken_language',
      language: 'Àrab',
      name: 'Samira Haddad',
      email: 'samira@example.org',
      status: 'pending',
      createdAt: DEFAULT_NOW.toISOString(),
      expiresAt: new Date(Date.parse(ends) + 60 * 60_000).toISOString(),
      openedAt: null,
      revokedAt: null,
    });
    const stored = await t.ctx.db.selectFrom('interpreter_invitations').selectAll().where('appointment_id', '=', c.appointmentId).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const [invited] = await events(c.appointmentId);
    expect(invited).toMatchObject({ type: 'interpreter.invited', actor: expect.stringMatching(/^staff:/) as unknown, at: DEFAULT_NOW.toISOString() });
    expect(JSON.parse(invited?.data ?? '{}')).toEqual({ invitationId: invitation.id, kind: 'spoken_language', language: 'Àrab', name: 'Samira Haddad' });
  });

  it('refuses bad input with 4xx and a translated message, never 500', async () => {
    const c = await booked();
    const bad: [unknown, string][] = [
      [{}, 'kind'],
      [{ kind: 'telepathy' }, 'kind'],
      [{ kind: 'spoken_language' }, 'language'],
      [{ kind: 'sign_language', email: 'not an email' }, 'email'],
      [{ kind: 'sign_language', name: 'x'.repeat(81) }, 'name'],
      [{ kind: 'sign_language', extra: 1 }, ''],
    ];
    for (const [body, field] of bad) {
      const res = await staffCall(agent, 'POST', path(c.appointmentId), body, { lang: 'es' });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error).toMatchObject({ id: 'validation_failed', message: 'Algunos datos no son válidos. Revise los campos marcados.' });
      if (field) expect(res.json().error.details.issues.map((i: { path: string }) => i.path), JSON.stringify(body)).toContain(field);
    }
    const languageMissing = await staffCall(agent, 'POST', path(c.appointmentId), { kind: 'spoken_language' });
    expect(languageMissing.json().error.details.issues).toContainEqual({ path: 'language', code: 'language_required' });
    const malformed = await t.app.http.inject({
      method: 'POST',
      url: path(c.appointmentId),
      headers: { host: 'alfa.test', cookie: agent.cookie, 'x-csrf-token': agent.csrf, 'content-type': 'application/json' },
      payload: '{"kind":',
    });
    expect(malformed.statusCode).toBe(400);
    for (const body of [{}, { token: 'short' }, { token: 'x'.repeat(201) }, { token: 'y'.repeat(30), more: true }]) {
      const res = await t.app.http.inject({ method: 'POST', url: '/api/interpreter/invitation', headers: { host: 'alfa.test' }, payload: body });
      expect([res.statusCode, res.json().error.id], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    // Four open invitations are too many; an in-person appointment has no call to join.
    for (let i = 0; i < 3; i++) await invite(t, agent, c.appointmentId);
    const fourth = await staffCall(agent, 'POST', path(c.appointmentId), { kind: 'sign_language' }, { lang: 'en' });
    expect([fourth.statusCode, fourth.json().error.id, fourth.json().error.message]).toEqual([
      409,
      'too_many_invitations',
      'This appointment already has 3 open interpreter invitations. Withdraw one before creating another.',
    ]);
    expect((await staffCall(agent, 'GET', path(c.appointmentId))).json().data.canInvite).toBe(false);
    const desk = await booked();
    await t.ctx.db.updateTable('appointments').set({ channel: 'in_person' }).where('id', '=', desk.appointmentId).execute();
    const inPerson = await staffCall(agent, 'POST', path(desk.appointmentId), { kind: 'sign_language' });
    expect([inPerson.statusCode, inPerson.json().error.id]).toEqual([422, 'interpreter_needs_video']);
  });

  it('shows the link’s holder only what they need, in their language, and records the consent once', async () => {
    const c = await booked();
    const { token } = await invite(t, agent, c.appointmentId, { kind: 'spoken_language', language: 'Urdu', name: 'Imran' });
    const res = await lookup(token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const view = res.json().data as Record<string, unknown>;
    expect(view).toEqual({
      organisation: 'Ajuntament d’Alfa',
      startsAt: STARTS,
      endsAt: expect.any(String) as unknown,
      timeZone: 'Europe/Madrid',
      citizenFirstName: 'Núria',
      kind: 'spoken_language',
      language: 'Urdu',
      interpreterName: 'Imran',
      consented: false,
    });
    // Personal data minimised: no surnames, ID number, contact details nor procedure.
    for (const secret of ['Puig', nif(36_000_000 + n), `interp${n}@example.org`, '600 000 000', 'padro']) expect(res.body).not.toContain(secret);

    t.clock.set(new Date('2026-03-02T09:40:00.000Z'));
    const consented = await consent(t, token);
    expect(consented.json().data.consented).toBe(true);
    t.clock.set(new Date('2026-03-02T09:45:00.000Z'));
    expect((await consent(t, token)).statusCode).toBe(200);
    const recorded = await events(c.appointmentId);
    expect(recorded.map((e) => [e.type, e.actor.replace(/:.*/, ':…'), e.at])).toEqual([
      ['interpreter.invited', 'staff:…', DEFAULT_NOW.toISOString()],
      ['interpreter.consented', 'interpreter:…', '2026-03-02T09:40:00.000Z'],
    ]);
    const refusal = await t.app.http.inject({
      method: 'POST',
      url: '/api/interpreter/invitation/consent',
      headers: { host: 'alfa.test' },
      payload: { token, consents: { recording: false } },
    });
    expect([refusal.statusCode, refusal.json().error.id]).toEqual([400, 'validation_failed']);
    const list = (await staffCall(agent, 'GET', path(c.appointmentId))).json().data.invitations as { status: string; openedAt: string }[];
    expect(list[0]).toMatchObject({ status: 'opened', openedAt: '2026-03-02T09:40:00.000Z' });
  });

  it('refuses unknown, foreign, revoked and expired links with their own errors', async () => {
    const c = await booked();
    const { token, invitationId } = await invite(t, agent, c.appointmentId);
    const unknown = await lookup('A'.repeat(32), { lang: 'ca' });
    expect([unknown.statusCode, unknown.json().error.id]).toEqual([404, 'invitation_not_found']);
    expect(unknown.json().error.message).toContain('Aquest enllaç d’intèrpret no existeix');
    // Another town hall does not know this link.
    const foreign = await lookup(token, { host: 'beta.test' });
    expect([foreign.statusCode, foreign.json().error.id]).toEqual([404, 'invitation_not_found']);

    // Past the end plus the margin, the link is over; so is creating new ones.
    const ends = Date.parse((await lookup(token)).json().data.endsAt as string);
    t.clock.set(new Date(ends + 59 * 60_000));
    expect((await lookup(token)).statusCode).toBe(200);
    t.clock.set(new Date(ends + 60 * 60_000));
    const expired = await lookup(token, { lang: 'en' });
    expect([expired.statusCode, expired.json().error.id]).toEqual([410, 'invitation_expired']);
    expect((await staffCall(agent, 'GET', path(c.appointmentId))).json().data).toMatchObject({ canInvite: false, invitations: [{ status: 'expired' }] });
    const late = await staffCall(agent, 'POST', path(c.appointmentId), { kind: 'sign_language' });
    expect([late.statusCode, late.json().error.id]).toEqual([409, 'appointment_closed']);

    // A closed appointment's links are over even before the time.
    t.clock.set(DEFAULT_NOW);
    const cancelled = await booked();
    const second = await invite(t, agent, cancelled.appointmentId);
    await t.ctx.db.updateTable('appointments').set({ status: 'cancelled' }).where('id', '=', cancelled.appointmentId).execute();
    expect((await lookup(second.token)).json().error.id).toBe('invitation_expired');

    // Revoked: the link says so; revoking again records nothing new; another appointment's invitation is "not found".
    const revoked = await revoke(t, agent, c.appointmentId, invitationId);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().data.invitations[0]).toMatchObject({ status: 'revoked', revokedAt: DEFAULT_NOW.toISOString() });
    const gone = await lookup(token, { lang: 'es' });
    expect([gone.statusCode, gone.json().error.id]).toEqual([410, 'invitation_revoked']);
    expect(gone.json().error.message).toContain('ha retirado este enlace');
    expect((await revoke(t, agent, c.appointmentId, invitationId)).statusCode).toBe(200);
    expect((await events(c.appointmentId)).map((e) => e.type)).toEqual(['interpreter.invited', 'interpreter.revoked']);
    const crossed = await revoke(t, agent, cancelled.appointmentId, invitationId);
    expect([crossed.statusCode, crossed.json().error.id]).toEqual([404, 'not_found']);

    // Removing an interpreter who had opened the link is recorded as a removal.
    const third = await booked();
    const used = await invite(t, agent, third.appointmentId);
    await consent(t, used.token);
    await revoke(t, agent, third.appointmentId, used.invitationId);
    expect((await events(third.appointmentId)).map((e) => e.type)).toEqual(['interpreter.invited', 'interpreter.consented', 'interpreter.removed']);
  });

  it('answers 429 to an address after ten unknown links, whatever it asks next', async () => {
    const c = await booked();
    const { token } = await invite(t, agent, c.appointmentId);
    for (let i = 0; i < 10; i++) expect((await lookup(`guess-${i}`.padEnd(32, 'x'), { address: '203.0.113.9' })).statusCode).toBe(404);
    const blocked = await lookup(token, { address: '203.0.113.9', lang: 'en' });
    expect([blocked.statusCode, blocked.json().error.id]).toEqual([429, 'too_many_requests']);
    expect(blocked.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Other addresses are not affected.
    expect((await lookup(token, { address: '203.0.113.10' })).statusCode).toBe(200);
  });
});
