import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { buildApp, type App } from '../app.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import { greetedSocket, nif, openSocket } from './realtime.fixture.ts';

describe.each(DIALECTS)('real-time channel: authentication and messages (%s)', (dialect) => {
  let t: TestApp;
  let quick: App;
  let citizen: Session & { appointmentId: string };
  let agent: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const padro = await procedureId(t, t.orgA.id);
    citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-02T10:00:00.000Z', email: 'ws1@example.org', idNumber: nif(30_000_001) });
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
    // The same application with deadlines short enough to wait for.
    quick = await buildApp(t.ctx, { realtime: { helloTimeoutMs: 200, heartbeatMs: 100 } });
    await quick.http.ready();
  });
  afterAll(async () => {
    await quick.http.close();
    await t.close();
  });

  it('closes a socket whose hello has no session (no cookie) with 4401', async () => {
    const socket = await openSocket(t.app.http);
    socket.send({ type: 'hello', role: 'citizen', csrf: 'x' });
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });

  it('closes a socket that does not say hello in time with 4408', async () => {
    const socket = await openSocket(quick.http, { cookie: citizen.cookie });
    expect((await socket.closed).code).toBe(CLOSE_CODES.helloTimeout);
    expect(socket.received).toEqual([]);
  });

  it('closes a socket whose hello carries the wrong CSRF token, or none, with 4401', async () => {
    for (const csrf of ['wrong', undefined]) {
      const socket = await openSocket(t.app.http, { cookie: citizen.cookie });
      socket.send({ type: 'hello', role: 'citizen', ...(csrf ? { csrf } : {}) });
      expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
    }
  });

  it('refuses a role the cookie does not prove: a citizen is no agent, an agent no citizen', async () => {
    const asAgent = await openSocket(t.app.http, { cookie: citizen.cookie });
    asAgent.send({ type: 'hello', role: 'agent', csrf: citizen.csrf });
    expect((await asAgent.closed).code).toBe(CLOSE_CODES.unauthenticated);
    const asCitizen = await openSocket(t.app.http, { cookie: agent.cookie });
    asCitizen.send({ type: 'hello', role: 'citizen', csrf: agent.csrf });
    expect((await asCitizen.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });

  it('refuses a session of another organisation', async () => {
    const socket = await openSocket(t.app.http, { cookie: citizen.cookie, host: 'beta.test' });
    socket.send({ type: 'hello', role: 'citizen', csrf: citizen.csrf });
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });

  it('closes a socket opened from another origin with 4400, and one without an Origin', async () => {
    for (const origin of ['http://evil.example', 'https://alfa.test', null]) {
      const socket = await openSocket(t.app.http, { cookie: citizen.cookie, origin });
      expect((await socket.closed).code, String(origin)).toBe(CLOSE_CODES.badOrigin);
    }
    // The public URL's origin is the organisation's too.
    const viaPublic = await openSocket(t.app.http, { cookie: citizen.cookie, origin: 'http://finestreta.test' });
    viaPublic.send({ type: 'hello', role: 'citizen', csrf: citizen.csrf });
    await viaPublic.next('welcome');
    viaPublic.close();
  });

  it('admits an interpreter only with a valid invitation: a session cookie is no invitation (4404; more in interpreter-call.test.ts)', async () => {
    for (const hello of [{ invitation: 'abc' }, {}, { csrf: agent.csrf }]) {
      const socket = await openSocket(t.app.http, { cookie: agent.cookie });
      socket.send({ type: 'hello', role: 'interpreter', ...hello });
      expect((await socket.closed).code, JSON.stringify(hello)).toBe(CLOSE_CODES.invitationInvalid);
    }
  });

  it('welcomes a citizen with their appointment and tells them where they are', async () => {
    const socket = await greetedSocket(t.app.http, 'citizen', citizen);
    expect(socket.received[0]).toMatchObject({ type: 'welcome', role: 'citizen', appointmentId: citizen.appointmentId, serverTime: t.clock.now().toISOString() });
    // 08:00 in Madrid, appointment at 11:00: the waiting room opens at 10:45.
    expect(await socket.next('waiting_status')).toEqual({
      type: 'waiting_status',
      presence: 'not_arrived',
      agentKnows: false,
      message: null,
      opensAt: '2026-03-02T09:45:00.000Z',
    });
    socket.close();
  });

  it('answers malformed messages with an error and keeps the socket open', async () => {
    const socket = await greetedSocket(t.app.http, 'agent', agent);
    socket.send('{not json');
    expect(await socket.next('error')).toMatchObject({ id: 'invalid_message' });
    socket.send({ type: 'admit' });
    expect(await socket.next('error')).toMatchObject({ id: 'invalid_message', replyTo: 'admit' });
    socket.send({ type: 'no_such_message', appointmentId: 'x' });
    expect(await socket.next('error')).toMatchObject({ id: 'invalid_message', replyTo: 'no_such_message' });
    socket.send({ type: 'chat', appointmentId: 'x', text: 'y'.repeat(2_001) });
    expect(await socket.next('error')).toMatchObject({ id: 'invalid_message', replyTo: 'chat' });
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await socket.next('error')).toMatchObject({ id: 'invalid_message' });
    // Still open and answering.
    socket.send({ type: 'ping' });
    expect(await socket.next('pong')).toMatchObject({ serverTime: t.clock.now().toISOString() });
    socket.close();
  });

  it('refuses anything but ping before the hello, and a second hello', async () => {
    const socket = await openSocket(t.app.http, { cookie: agent.cookie });
    socket.send({ type: 'watch_queue' });
    expect(await socket.next('error')).toMatchObject({ id: 'not_greeted', replyTo: 'watch_queue' });
    socket.send({ type: 'ping' });
    await socket.next('pong');
    socket.send({ type: 'hello', role: 'agent', csrf: agent.csrf });
    await socket.next('welcome');
    socket.send({ type: 'hello', role: 'agent', csrf: agent.csrf });
    expect(await socket.next('error')).toMatchObject({ id: 'already_greeted' });
    socket.close();
  });

  it('refuses the other side’s messages: a citizen cannot admit, an agent cannot enter the waiting room', async () => {
    const c = await greetedSocket(t.app.http, 'citizen', citizen);
    c.send({ type: 'admit', appointmentId: citizen.appointmentId });
    expect(await c.next('error')).toMatchObject({ id: 'wrong_role', replyTo: 'admit' });
    const a = await greetedSocket(t.app.http, 'agent', agent);
    a.send({ type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } });
    expect(await a.next('error')).toMatchObject({ id: 'wrong_role' });
    c.close();
    a.close();
  });

  it('closes a socket whose session ended (signed out elsewhere) at its next action', async () => {
    const other = await staffSession(t, t.orgA.accounts.find((a) => a.role === 'admin')?.email ?? '', t.orgA.accounts.find((a) => a.role === 'admin')?.password ?? '');
    const socket = await greetedSocket(t.app.http, 'agent', other);
    const out = await t.app.http.inject({ method: 'DELETE', url: '/api/staff/session', headers: { host: 'alfa.test', cookie: other.cookie, 'x-csrf-token': other.csrf } });
    expect(out.statusCode).toBeLessThan(300);
    socket.send({ type: 'watch_queue' });
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });

  it('closes a socket that stays silent for three heartbeat intervals (4409), and keeps one that pings', async () => {
    const silent = await greetedSocket(quick.http, 'agent', agent);
    const chatty = await greetedSocket(quick.http, 'agent', agent);
    const pinging = setInterval(() => chatty.send({ type: 'ping' }), 50);
    try {
      expect((await silent.closed).code).toBe(CLOSE_CODES.heartbeatTimeout);
      expect(chatty.ws.readyState).toBe(1);
    } finally {
      clearInterval(pinging);
      chatty.close();
    }
  });
});
