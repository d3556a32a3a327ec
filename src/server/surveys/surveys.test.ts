import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, listen, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { greetedSocket, nif } from '../realtime/realtime.fixture.ts';
import { createStaff } from '../staff/staff.service.ts';
import { surveyInvitationKey } from './survey-invitation.service.ts';

const STARTS = '2026-03-02T10:00:00.000Z';
const OPEN = new Date('2026-03-02T09:50:00.000Z');
const JOIN = { type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } } as const;
const ANSWER = { liked: 9, easy: 10, useAgain: true, comment: 'Molt bé, sense desplaçar-me.' };

describe.each(DIALECTS)('call wrap-up and citizen survey (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let n = 0;
  const sessions: Record<'farAgent' | 'supervisor' | 'otherOrgAdmin', Session> = {} as never;

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, opts: { session?: Session | null; host?: string; lang?: string; payload?: unknown; csrf?: boolean } = {}) =>
    t.app.http.inject({
      method,
      url,
      headers: {
        host: opts.host ?? 'alfa.test',
        ...(opts.lang ? { 'accept-language': opts.lang } : {}),
        ...(opts.session ? { cookie: opts.session.cookie, ...(opts.csrf === false ? {} : { 'x-csrf-token': opts.session.csrf }) } : {}),
      },
      ...(method === 'GET' ? {} : { payload: (opts.payload ?? {}) as Record<string, unknown> }),
    });
  const wrapupUrl = (id: string) => `/api/staff/appointments/${id}/wrapup`;
  const SURVEY = '/api/citizen/appointment/survey';
  const status = async (id: string) => (await t.ctx.db.selectFrom('appointments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const setStatus = (id: string, s: 'completed' | 'in_call' | 'booked') => t.ctx.db.updateTable('appointments').set({ status: s }).where('id', '=', id).execute();
  const events = async (id: string) =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'data']).where('appointment_id', '=', id).orderBy('id').execute())
      .filter((e) => e.type.startsWith('call.wrap') || e.type.startsWith('survey.'))
      .map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }));

  /** A video appointment with a signed-in citizen, the sessions of its agent and of another agent of the office. */
  async function booked() {
    n++;
    t.clock.set(DEFAULT_NOW);
    const email = `survey${n}@example.org`;
    const citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email, idNumber: nif(41_000_000 + n) });
    const id = citizen.appointmentId;
    const row = await t.ctx.db.selectFrom('appointments').innerJoin('staff', 'staff.id', 'appointments.agent_id').select('staff.email').where('appointments.id', '=', id).executeTakeFirstOrThrow();
    const own = t.orgA.accounts.find((a) => a.email === row.email);
    const other = t.orgA.accounts.find((a) => a.role === 'agent' && a.email !== row.email);
    if (!own || !other) throw new Error('agents not found');
    return { id, email, citizen, agent: await staffSession(t, own.email, own.password), otherAgent: await staffSession(t, other.email, other.password) };
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10 });
    padro = await procedureId(t, t.orgA.id);
    const now = t.clock.now();
    const admin = t.orgB.accounts.find((a) => a.role === 'admin');
    sessions.otherOrgAdmin = await staffSession(t, admin?.email ?? '', admin?.password ?? '', 'beta.test');
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    const supervisor = await createStaff(t.ctx.db, t.orgA.id, { email: 'sup-survey@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a long password for sup' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: supervisor.id, office_id: office.id }).execute();
    sessions.supervisor = await staffSession(t, 'sup-survey@alfa.test', 'a long password for sup');
    const farOffice = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: farOffice, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far-survey@alfa.test', role: 'agent', displayName: 'Agent del barri', password: 'a long password for far' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: farOffice }).execute();
    sessions.farAgent = await staffSession(t, 'far-survey@alfa.test', 'a long password for far');
    await listen(t);
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.set(DEFAULT_NOW));

  describe('the wrap-up', () => {
    it('is read by staff who may see the appointment and saved only by its agent or a supervisor; others get 401/403/404', async () => {
      const b = await booked();
      await setStatus(b.id, 'completed');
      const body = { outcome: 'completed', rating: 4 };
      for (const method of ['GET', 'PUT'] as const) {
        const url = wrapupUrl(b.id);
        const anonymous = await call(method, url, { session: null, payload: body });
        expect([anonymous.statusCode, anonymous.json().error.id], `${method} anonymous`).toEqual([401, 'unauthenticated']);
        expect((await call(method, url, { session: b.citizen, payload: body })).statusCode, `${method} citizen`).toBe(401);
        const far = await call(method, url, { session: sessions.farAgent, payload: body });
        expect([far.statusCode, far.json().error.id], `${method} other office`).toEqual([404, 'not_found']);
        expect((await call(method, url, { session: sessions.otherOrgAdmin, payload: body })).statusCode, `${method} other organisation here`).toBe(401);
        expect((await call(method, url, { session: sessions.otherOrgAdmin, payload: body, host: 'beta.test' })).statusCode, `${method} other organisation there`).toBe(404);
        const other = await call(method, url, { session: b.otherAgent, payload: body });
        if (method === 'GET') {
          expect(other.statusCode).toBe(200);
          expect(other.json().data).toMatchObject({ open: true, canEdit: false, wrapup: null });
        } else {
          expect([other.statusCode, other.json().error.id], 'another agent').toEqual([403, 'not_your_appointment']);
          const noCsrf = await call(method, url, { session: b.agent, payload: body, csrf: false });
          expect([noCsrf.statusCode, noCsrf.json().error.id], 'without CSRF').toEqual([403, 'csrf_failed']);
        }
      }
      // Nobody changed anything.
      expect(await t.ctx.db.selectFrom('call_wrapups').selectAll().where('appointment_id', '=', b.id).executeTakeFirst()).toBeUndefined();
      expect(await events(b.id)).toEqual([]);
      // A supervisor of the office may save it; it stays the agent's rating.
      const bySupervisor = await call('PUT', wrapupUrl(b.id), { session: sessions.supervisor, payload: body });
      expect(bySupervisor.statusCode, bySupervisor.body).toBe(200);
      const row = await t.ctx.db.selectFrom('call_wrapups').innerJoin('appointments', 'appointments.id', 'call_wrapups.appointment_id').select(['call_wrapups.agent_id', 'appointments.agent_id as own']).where('call_wrapups.appointment_id', '=', b.id).executeTakeFirstOrThrow();
      expect(row.agent_id).toBe(row.own);
    });

    it('is saved after the call, marks a missing-documents call not conclusive, and can be corrected', async () => {
      const b = await booked();
      const early = await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'completed', rating: 5 }, lang: 'en' });
      expect([early.statusCode, early.json().error.id, early.json().error.message]).toEqual([409, 'wrapup_needs_call', "The call's wrap-up can only be saved once the video call has started."]);
      expect((await call('GET', wrapupUrl(b.id), { session: b.agent })).json().data).toMatchObject({ open: false, canEdit: true, wrapup: null });

      await setStatus(b.id, 'completed');
      t.clock.advance(60_000);
      const saved = await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'missing_documents', rating: 2, note: '  Faltava el DNI del titular ' } });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.headers['cache-control']).toBe('no-store');
      const firstAt = t.clock.now().toISOString();
      expect(saved.json().data).toEqual({ appointmentId: b.id, open: true, canEdit: true, wrapup: { outcome: 'missing_documents', rating: 2, note: 'Faltava el DNI del titular', updatedAt: firstAt } });
      expect(await status(b.id)).toBe('not_conclusive');

      // Bad input: 400 translated, nothing changes.
      for (const payload of [{ outcome: 'completed', rating: 11 }, { outcome: 'completed', rating: 0 }, { outcome: 'finished', rating: 3 }, { outcome: 'completed', rating: 3, note: 'x'.repeat(501) }]) {
        const bad = await call('PUT', wrapupUrl(b.id), { session: b.agent, payload, lang: 'es' });
        expect([bad.statusCode, bad.json().error.id], JSON.stringify(payload)).toEqual([400, 'validation_failed']);
        expect(bad.json().error.message).toBe('Algunos datos no son válidos. Revise los campos marcados.');
      }
      const eleven = await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'completed', rating: 11 }, lang: 'en' });
      expect(eleven.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['rating']);
      expect(await status(b.id)).toBe('not_conclusive');
      expect((await call('GET', wrapupUrl(b.id), { session: b.agent })).json().data.wrapup).toMatchObject({ outcome: 'missing_documents', rating: 2 });

      // Corrected: the appointment is completed again, the creation time kept.
      t.clock.advance(60_000);
      const corrected = await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'completed', rating: 4 } });
      expect(corrected.json().data.wrapup).toEqual({ outcome: 'completed', rating: 4, note: null, updatedAt: t.clock.now().toISOString() });
      expect(await status(b.id)).toBe('completed');
      const row = await t.ctx.db.selectFrom('call_wrapups').selectAll().where('appointment_id', '=', b.id).executeTakeFirstOrThrow();
      expect(row.created_at).toBe(firstAt);
      // A technical failure leaves the status as the call left it.
      await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'technical_failure', rating: 1 } });
      expect(await status(b.id)).toBe('completed');
      await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'other_reason', rating: 3 } });
      expect(await status(b.id)).toBe('not_conclusive');

      // The history says what was decided, never the note (free text).
      const log = await events(b.id);
      expect(log.map((e) => e.type)).toEqual(['call.wrapped_up', 'call.wrapup_changed', 'call.wrapup_changed', 'call.wrapup_changed']);
      expect(log[0]?.data).toEqual({ outcome: 'missing_documents', rating: 2, status: 'not_conclusive' });
      expect(JSON.stringify(log)).not.toContain('DNI');
    });
  });

  describe('the survey after the call', () => {
    it('is answered once, only after the call; bad input changes nothing', async () => {
      const b = await booked();
      expect((await call('GET', SURVEY, { session: null })).statusCode).toBe(401);
      expect((await call('GET', SURVEY, { session: b.agent })).statusCode).toBe(401);
      const before = await call('GET', SURVEY, { session: b.citizen });
      expect(before.json().data).toEqual({ open: false, answered: false, organisation: expect.any(String) as unknown, language: 'ca' });
      const early = await call('POST', SURVEY, { session: b.citizen, payload: ANSWER });
      expect([early.statusCode, early.json().error.id]).toEqual([409, 'survey_needs_call']);

      // The citizen hung up (back to booked) after the call began: the call happened.
      await t.ctx.db.insertInto('call_times').values({ appointment_id: b.id, organisation_id: t.orgA.id, started_at: OPEN.toISOString(), ended_at: OPEN.toISOString(), seconds: 0 }).execute();
      expect((await call('GET', SURVEY, { session: b.citizen })).json().data).toMatchObject({ open: true, answered: false });

      const noCsrf = await call('POST', SURVEY, { session: b.citizen, payload: ANSWER, csrf: false });
      expect([noCsrf.statusCode, noCsrf.json().error.id]).toEqual([403, 'csrf_failed']);
      for (const payload of [
        { ...ANSWER, liked: 11 },
        { ...ANSWER, easy: -1 },
        { ...ANSWER, liked: 8.5 },
        { ...ANSWER, useAgain: 'yes' },
        { ...ANSWER, comment: 'x'.repeat(1001) },
        { easy: 3, useAgain: false },
      ]) {
        const bad = await call('POST', SURVEY, { session: b.citizen, payload, lang: 'en' });
        expect([bad.statusCode, bad.json().error.id], JSON.stringify(payload).slice(0, 60)).toEqual([400, 'validation_failed']);
        expect(bad.json().error.message).toBe('Some details are not valid. Check the fields marked.');
      }
      expect(await t.ctx.db.selectFrom('citizen_surveys').selectAll().where('appointment_id', '=', b.id).executeTakeFirst()).toBeUndefined();

      const ok = await call('POST', SURVEY, { session: b.citizen, payload: ANSWER });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().data).toMatchObject({ open: true, answered: true });
      const row = await t.ctx.db.selectFrom('citizen_surveys').selectAll().where('appointment_id', '=', b.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ liked: 9, easy: 10, use_again: 1, comment: ANSWER.comment, language: 'ca', answered_via: 'call', answered_at: DEFAULT_NOW.toISOString() });

      const twice = await call('POST', SURVEY, { session: b.citizen, payload: { ...ANSWER, liked: 0 }, lang: 'es' });
      expect([twice.statusCode, twice.json().error.id, twice.json().error.message]).toEqual([
        409,
        'survey_answered',
        'Ya ha respondido la encuesta de esta cita. Solo se puede responder una vez. ¡Gracias!',
      ]);
      expect((await t.ctx.db.selectFrom('citizen_surveys').select('liked').where('appointment_id', '=', b.id).executeTakeFirstOrThrow()).liked).toBe(9);
      expect((await call('GET', SURVEY, { session: b.citizen })).json().data).toMatchObject({ answered: true });
      expect((await events(b.id)).map((e) => e.type)).toEqual(['survey.answered']);
    });

    it('never shows the answers or the comment in what staff read', async () => {
      const b = await booked();
      await setStatus(b.id, 'completed');
      expect((await call('POST', SURVEY, { session: b.citizen, payload: ANSWER })).statusCode).toBe(200);
      await call('PUT', wrapupUrl(b.id), { session: b.agent, payload: { outcome: 'completed', rating: 5 } });
      for (const url of [wrapupUrl(b.id), `/api/staff/appointments/${b.id}`]) {
        const res = await call('GET', url, { session: sessions.supervisor });
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).not.toContain(ANSWER.comment);
        expect(res.body, url).not.toContain('"liked"');
      }
    });
  });

  describe('the emailed survey link', () => {
    /** A citizen in a call with their agent, the call ended by the agent's hang-up; returns when it ended. */
    async function hungUp(b: Awaited<ReturnType<typeof booked>>) {
      t.clock.set(OPEN);
      const citizenSocket = await greetedSocket(t.app.http, 'citizen', b.citizen);
      citizenSocket.send(JOIN);
      await citizenSocket.next('waiting_status', (m) => m.presence === 'waiting');
      const tab = await greetedSocket(t.app.http, 'agent', b.agent);
      tab.send({ type: 'admit', appointmentId: b.id });
      await tab.next('call_started');
      await citizenSocket.next('call_started');
      t.clock.advance(10 * 60_000);
      const endedAt = t.clock.now();
      tab.send({ type: 'hang_up', appointmentId: b.id });
      await citizenSocket.next('call_ended');
      await tab.next('call_ended');
      tab.close();
      citizenSocket.close();
      return endedAt;
    }
    const linkIn = (text: string) => {
      const match = /\/survey\/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/.exec(text);
      if (!match?.[1]) throw new Error(`no survey link in: ${text}`);
      return match[1];
    };
    const invitations = (email: string) => t.mail.sent.filter((m) => m.to === email && m.subject.startsWith('Com ha anat la videotrucada?'));

    it('is emailed once, 15 minutes after the hang-up, to a citizen who did not answer; it works once and expires', async () => {
      const b = await booked();
      const endedAt = await hungUp(b);
      expect(await status(b.id)).toBe('completed');
      const job = await t.ctx.db.selectFrom('jobs').selectAll().where('key', '=', surveyInvitationKey(b.id)).executeTakeFirstOrThrow();
      expect(job.run_at).toBe(new Date(endedAt.getTime() + 15 * 60_000).toISOString());

      t.clock.advance(14 * 60_000);
      await t.app.jobs.runDue();
      expect(invitations(b.email)).toHaveLength(0);
      t.clock.advance(60_000);
      await t.app.jobs.runDue();
      expect(invitations(b.email)).toHaveLength(1);
      const mail = invitations(b.email)[0];
      if (!mail) throw new Error('no invitation');
      expect(mail.language).toBe('ca');
      expect(mail.text).toContain("Respondre l'enquesta");
      // No personal data in it beyond the link.
      expect(mail.text).not.toContain(b.email);
      const token = linkIn(mail.text);
      const stored = await t.ctx.db.selectFrom('survey_invitations').selectAll().where('appointment_id', '=', b.id).executeTakeFirstOrThrow();
      expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.token_hash).not.toBe(token);

      // Run again, and a second hang-up later: still one email.
      await t.app.jobs.runDue();
      t.clock.advance(60 * 60_000);
      await t.app.jobs.runDue();
      expect(invitations(b.email)).toHaveLength(1);

      const url = `/api/public/survey/${token}`;
      expect((await call('GET', url, { host: 'beta.test' })).statusCode).toBe(404);
      const unknown = await call('GET', `/api/public/survey/${'A'.repeat(32)}`, { lang: 'en' });
      expect([unknown.statusCode, unknown.json().error.id, unknown.json().error.message]).toEqual([404, 'survey_link_unknown', 'This survey link does not exist. Check that you copied all of it.']);
      expect((await call('GET', url)).json().data).toMatchObject({ open: true, answered: false, language: 'ca' });
      const bad = await call('POST', url, { payload: { ...ANSWER, easy: 11 } });
      expect([bad.statusCode, bad.json().error.id]).toEqual([400, 'validation_failed']);
      const ok = await call('POST', url, { payload: { liked: 7, easy: 8, useAgain: false } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(await t.ctx.db.selectFrom('citizen_surveys').selectAll().where('appointment_id', '=', b.id).executeTakeFirstOrThrow()).toMatchObject({
        liked: 7,
        easy: 8,
        use_again: 0,
        comment: null,
        answered_via: 'email',
      });
      expect([(await call('POST', url, { payload: ANSWER })).statusCode]).toEqual([409]);
      // The page after the call knows it was answered too.
      const again = await b.citizen.signInAgain();
      expect((await call('POST', SURVEY, { session: again, payload: ANSWER })).json().error.id).toBe('survey_answered');

      t.clock.set(new Date(Date.parse(stored.expires_at) + 1000));
      const expired = await call('GET', url, { lang: 'es' });
      expect([expired.statusCode, expired.json().error.id, expired.json().error.message]).toEqual([410, 'survey_link_expired', 'Este enlace a la encuesta ha caducado.']);
      expect((await events(b.id)).map((e) => e.type)).toEqual(['survey.invited', 'survey.answered']);
    });

    it('is not emailed when the citizen answered on the page after the call', async () => {
      const b = await booked();
      await hungUp(b);
      expect((await call('POST', SURVEY, { session: b.citizen, payload: ANSWER })).statusCode).toBe(200);
      t.clock.advance(20 * 60_000);
      await t.app.jobs.runDue();
      expect(invitations(b.email)).toHaveLength(0);
      expect((await t.ctx.db.selectFrom('jobs').select('status').where('key', '=', surveyInvitationKey(b.id)).executeTakeFirstOrThrow()).status).toBe('cancelled');
      expect(await t.ctx.db.selectFrom('survey_invitations').selectAll().where('appointment_id', '=', b.id).executeTakeFirst()).toBeUndefined();
    });

    it('is retried when the mail transport fails, and then sent once', async () => {
      const b = await booked();
      await hungUp(b);
      t.clock.advance(15 * 60_000);
      t.mail.failNext = 1;
      await t.app.jobs.runDue();
      expect(invitations(b.email)).toHaveLength(0);
      expect(await t.ctx.db.selectFrom('survey_invitations').selectAll().where('appointment_id', '=', b.id).executeTakeFirst()).toBeUndefined();
      t.clock.advance(2 * 60 * 60_000);
      await t.app.jobs.runDue();
      await t.app.jobs.runDue();
      expect(invitations(b.email)).toHaveLength(1);
      expect((await call('GET', `/api/public/survey/${linkIn(invitations(b.email)[0]?.text ?? '')}`)).statusCode).toBe(200);
    });

    it('is written in the citizen\'s language', async () => {
      const b = await booked();
      await t.ctx.db.updateTable('appointments').set({ language: 'es' }).where('id', '=', b.id).execute();
      await hungUp(b);
      t.clock.advance(15 * 60_000);
      await t.app.jobs.runDue();
      const mail = t.mail.lastTo(b.email);
      expect(mail?.language).toBe('es');
      expect(mail?.subject).toMatch(/^¿Cómo ha ido la videollamada\? /);
      expect(mail?.html).toContain('lang="es"');
      expect(mail?.text).toContain('Responder la encuesta');
    });

    it('answers 429 to an address that keeps trying links', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await call('GET', `/api/public/survey/${'B'.repeat(32)}`)).statusCode);
      expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
      expect(statuses.at(-1)).toBe(429);
    });
  });
});
