/**
 * Phone links on both databases: who may make one (401 / 403 / 404), what a
 * link is (a 192-bit token whose digest alone is stored, ten minutes to
 * open it, once), the phone's session (its own narrow cookie, what it may
 * read), the limit of live links, revocation, expiry on the test clock, and
 * the history of every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { issueLink, openLink, phoneSession } from '../../../test/uploader-helpers.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { UPLOADER_LIMITS, type UploaderView } from '../../shared/uploader.ts';

/** Thursday 12 March 2026 in Madrid: uploads are open until Tuesday. */
const THU = (hhmm: string) => new Date(Date.parse(`2026-03-12T${hhmm}:00+01:00`)).toISOString();

describe.each(DIALECTS)('phone links (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let idSlot: string;
  let alice: Session & { appointmentId: string };
  let bob: Session & { appointmentId: string; signInAgain(): Promise<Session> };
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    padro = await procedureId(t, t.orgA.id);
    idSlot = (await t.ctx.db.selectFrom('required_documents').select('id').where('procedure_id', '=', padro).executeTakeFirstOrThrow()).id;
    alice = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:00'), email: 'alice@example.org', idNumber: '30000000L' });
    bob = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:30'), email: 'bob@example.org', idNumber: '30000001C' });
  });
  afterAll(async () => t.close());

  /** A citizen of their own, so limits and revocations of one test do not reach another. */
  const freshCitizen = () => {
    n++;
    t.clock.set(DEFAULT_NOW);
    const startsAt = THU(['10:00', '10:30', '11:00', '11:30', '12:00', '12:30'][n - 1] ?? '13:00');
    return citizenWithAppointment(t, { procedureId: padro, startsAt, email: `phone${n}@example.org`, idNumber: nif(41_000_000 + n) });
  };
  const events = async (appointmentId: string) =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'data']).where('appointment_id', '=', appointmentId).orderBy('at').execute()).filter((e) =>
      e.type.startsWith('uploader.'),
    );
  const getView = (phone: Session) => t.app.http.inject({ method: 'GET', url: '/api/uploader/session', headers: { host: 'alfa.test', cookie: phone.cookie } });

  it('makes a link only for a signed-in citizen, with the CSRF token, for a slot of their own', async () => {
    const url = '/api/citizen/appointment/uploaders';
    expect((await t.app.http.inject({ method: 'POST', url, headers: { host: 'alfa.test' }, payload: {} })).statusCode).toBe(401);
    const noCsrf = await t.app.http.inject({ method: 'POST', url, headers: { host: 'alfa.test', cookie: alice.cookie }, payload: {} });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.id).toBe('csrf_failed');
    // Another organisation does not know the session.
    const otherOrg = await t.app.http.inject({ method: 'POST', url, headers: { host: 'beta.test', cookie: alice.cookie, 'x-csrf-token': alice.csrf }, payload: {} });
    expect(otherOrg.statusCode).toBe(401);
    // A slot of another procedure does not exist for Alice.
    const { res: unknown } = await issueLink(t, alice, '00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.http.inject({ method: 'POST', url, headers: { host: 'alfa.test', cookie: alice.cookie, 'x-csrf-token': alice.csrf }, payload: { slot: 5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.id).toBe('validation_failed');
    expect(bad.json().error.message).toContain('no són vàlides');
  });

  it('gives a 192-bit token in the URL once, stores only its SHA-256, and the phone opens it once', async () => {
    const { res, link } = await issueLink(t, alice, idSlot);
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    if (!link) throw new Error('no link');
    expect(link.url).toMatch(/^http:\/\/alfa\.test\/u\/[a-z2-7]{39}$/);
    expect(link.slot).toBe(idSlot);
    expect(Date.parse(link.expiresAt) - t.clock.now().getTime()).toBe(UPLOADER_LIMITS.linkMinutes * 60_000);
    const row = await t.ctx.db.selectFrom('uploader_links').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(link.token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);

    // Upper case works too (some scanners shout); malformed tokens are refused by the schema.
    const { res: opened, session, cookie } = await openLink(t, link.token.toUpperCase());
    expect(opened.statusCode).toBe(200);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/uploader', maxAge: UPLOADER_LIMITS.sessionMinutes * 60 });
    if (!session) throw new Error('no session');
    expect(JSON.stringify(await t.ctx.db.selectFrom('uploader_links').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow())).not.toContain(
      session.cookie.split('=')[1] ?? '-',
    );

    // What the phone learns: the procedure and the slot it may fill, nothing personal.
    const view = opened.json<{ data: UploaderView }>().data;
    expect(view.procedureName).not.toBe('');
    expect(view.slot).toBe(idSlot);
    expect(view.slots.map((s) => s.slot)).toEqual([idSlot]);
    expect(view.slots[0]).toMatchObject({ open: true, status: 'missing', count: 0 });
    const body = opened.body;
    for (const personal of ['Núria', 'Puig', 'alice@example.org', '30000000L', alice.appointmentId]) expect(body).not.toContain(personal);
    expect((await getView(session)).json<{ data: UploaderView }>().data.csrfToken).toBe(session.csrf);

    // A second opening, on any device, is refused and recorded.
    const again = await openLink(t, link.token);
    expect(again.res.statusCode).toBe(410);
    expect(again.res.json().error.id).toBe('uploader_link_used');
    expect(again.cookie).toBeUndefined();
    expect((await openLink(t, 'a'.repeat(39))).res.statusCode).toBe(404);
    const malformed = await openLink(t, 'not-a-token');
    expect(malformed.res.statusCode).toBe(400);
    // The link belongs to Alfa: Beta does not know it.
    const { link: other } = await issueLink(t, alice);
    expect((await openLink(t, other?.token ?? '', 'beta.test')).res.statusCode).toBe(404);

    const history = await events(alice.appointmentId);
    expect(history.map((e) => `${e.type}:${e.actor.split(':')[0]}`)).toEqual(
      expect.arrayContaining(['uploader.issued:citizen', 'uploader.opened:uploader', 'uploader.refused:system']),
    );
    expect(history.find((e) => e.type === 'uploader.refused')?.data).toContain('uploader_link_used');
    expect(JSON.stringify(history)).not.toContain(link.token);
  });

  it('lets a link be opened for ten minutes, and a phone upload for its session only', async () => {
    const carol = await freshCitizen();
    const { link } = await issueLink(t, carol);
    if (!link) throw new Error('no link');
    t.clock.advance(UPLOADER_LIMITS.linkMinutes * 60_000);
    const late = await openLink(t, link.token);
    expect(late.res.statusCode).toBe(410);
    expect(late.res.json().error.id).toBe('uploader_link_expired');
    expect(late.res.json().error.message).toBe('Aquest enllaç per al mòbil ha caducat. Creeu-ne un de nou des de l’ordinador.');
    const english = await t.app.http.inject({
      method: 'POST',
      url: '/api/uploader/session',
      headers: { host: 'alfa.test', 'accept-language': 'en' },
      payload: { token: link.token },
      remoteAddress: '10.8.0.1',
    });
    expect(english.json().error.message).toBe('This phone link has expired. Make a new one on your computer.');

    const phone = await phoneSession(t, carol);
    expect((await getView(phone)).statusCode).toBe(200);
    t.clock.advance(UPLOADER_LIMITS.sessionMinutes * 60_000 - 1_000);
    expect((await getView(phone)).statusCode).toBe(200);
    t.clock.advance(1_000);
    const expired = await getView(phone);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.id).toBe('unauthenticated');
  });

  it('keeps at most three links alive, and stops them when asked', async () => {
    const dave = await freshCitizen();
    const links = [];
    for (let i = 0; i < UPLOADER_LIMITS.activePerAppointment; i++) links.push((await issueLink(t, dave)).link);
    const refused = await issueLink(t, dave);
    expect(refused.res.statusCode).toBe(409);
    expect(refused.res.json().error).toMatchObject({ id: 'uploader_links_limit', details: { max: 3 } });

    // One stopped: its token no longer opens, and another can be made.
    const [first, second] = links;
    const revoke = (id: string, who: Session = dave) =>
      t.app.http.inject({ method: 'DELETE', url: `/api/citizen/appointment/uploaders/${id}`, headers: { host: 'alfa.test', cookie: who.cookie, 'x-csrf-token': who.csrf } });
    expect((await revoke(first?.id ?? '')).statusCode).toBe(204);
    expect((await openLink(t, first?.token ?? '')).res.json().error.id).toBe('uploader_link_revoked');
    // Stopping it again (the phone ended it meanwhile, a second click) changes nothing.
    expect((await revoke(first?.id ?? '')).statusCode).toBe(204);
    // Another citizen cannot stop Dave's links: they do not exist for her.
    expect((await revoke(second?.id ?? '', alice)).statusCode).toBe(404);
    expect((await issueLink(t, dave)).res.statusCode).toBe(201);

    // An opened link counts until its session ends; stopping all of them ends the phone's session too.
    const phone = await openLink(t, second?.token ?? '');
    expect(phone.session).not.toBeNull();
    expect((await issueLink(t, dave)).res.statusCode).toBe(409);
    const all = await t.app.http.inject({ method: 'DELETE', url: '/api/citizen/appointment/uploaders', headers: { host: 'alfa.test', cookie: dave.cookie, 'x-csrf-token': dave.csrf } });
    expect(all.statusCode).toBe(204);
    expect((await getView(phone.session ?? { cookie: '', csrf: '' })).statusCode).toBe(401);
    expect((await issueLink(t, dave)).res.statusCode).toBe(201);
    expect((await events(dave.appointmentId)).filter((e) => e.type === 'uploader.revoked')).toHaveLength(4);
  });

  it('lets the phone end its own session, and only with its CSRF token', async () => {
    const erin = await freshCitizen();
    const phone = await phoneSession(t, erin);
    const end = (headers: Record<string, string>) => t.app.http.inject({ method: 'DELETE', url: '/api/uploader/session', headers: { host: 'alfa.test', cookie: phone.cookie, ...headers } });
    expect((await end({})).statusCode).toBe(403);
    const ended = await end({ 'x-csrf-token': phone.csrf });
    expect(ended.statusCode).toBe(204);
    expect(ended.cookies.find((c) => c.name === 'fin_uploader')).toMatchObject({ value: '', path: '/api/uploader' });
    expect((await getView(phone)).statusCode).toBe(401);
    expect((await events(erin.appointmentId)).map((e) => e.type)).toEqual(['uploader.issued', 'uploader.opened', 'uploader.revoked']);
  });

  it('stops working when the appointment is cancelled or its uploads are closed', async () => {
    const fred = await freshCitizen();
    const phone = await phoneSession(t, fred);
    const { link } = await issueLink(t, fred);
    await t.ctx.db.updateTable('appointments').set({ status: 'cancelled' }).where('id', '=', fred.appointmentId).execute();
    expect((await getView(phone)).statusCode).toBe(401);
    expect((await openLink(t, link?.token ?? '')).res.json().error.id).toBe('uploader_link_expired');
    // Bob's uploads of required documents close at the deadline: no link for them then.
    t.clock.set(new Date(Date.parse(THU('09:30')) - 47 * 3_600_000));
    const bobLater = await bob.signInAgain();
    const closed = await issueLink(t, bobLater, idSlot);
    expect(closed.res.statusCode).toBe(409);
    expect(closed.res.json().error.id).toBe('uploads_closed');
    // "Other documents" stay open until the appointment starts.
    expect((await issueLink(t, bobLater, 'other')).res.statusCode).toBe(201);
    t.clock.set(DEFAULT_NOW);
  });

  it('answers a guessing phone with 429 after ten tries a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await openLink(t, 'b'.repeat(39), 'alfa.test', '10.7.0.1')).res.statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
    const limited = await openLink(t, 'b'.repeat(39), 'alfa.test', '10.7.0.1');
    expect(limited.res.statusCode).toBe(429);
    expect(limited.res.json().error.id).toBe('too_many_requests');
  });
});
