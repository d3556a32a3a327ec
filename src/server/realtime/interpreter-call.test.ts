import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { consent, invite, revoke } from '../../../test/interpreter-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { lookupFailures } from '../interpreters/interpreters.policy.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import { greetedSocket, nif, openSocket, type TestSocket } from './realtime.fixture.ts';

const STARTS = '2026-03-02T10:00:00.000Z';
const OPEN = new Date('2026-03-02T09:50:00.000Z');
const JOIN = { type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } } as const;
const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

describe.each(DIALECTS)('an interpreter in the call (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let agent: Session;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10, env: { STUN_URLS: 'stun:stun.alfa.test:3478' } });
    padro = await procedureId(t, t.orgA.id);
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
  });
  afterAll(async () => t.close());

  /** A citizen booked for 11:00 Madrid, signed in, connected and waiting. */
  async function waitingCitizen() {
    n++;
    t.clock.set(DEFAULT_NOW);
    const session = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `icall${n}@example.org`, idNumber: nif(37_000_000 + n) });
    t.clock.set(OPEN);
    const socket = await greetedSocket(t.app.http, 'citizen', session);
    socket.send(JOIN);
    await socket.next('waiting_status', (m) => m.presence === 'waiting');
    return { session, socket, id: session.appointmentId };
  }

  /** An invitation for the appointment, consented to by its holder. */
  async function invited(appointmentId: string) {
    const invitation = await invite(t, agent, appointmentId);
    expect((await consent(t, invitation.token)).statusCode).toBe(200);
    return invitation;
  }

  /** The interpreter's socket, welcomed. */
  async function interpreterSocket(token: string): Promise<TestSocket> {
    const socket = await openSocket(t.app.http);
    socket.send({ type: 'hello', role: 'interpreter', invitation: token });
    expect(await socket.next('welcome')).toMatchObject({ role: 'interpreter' });
    return socket;
  }

  /** Admits the waiting citizen: the agent's and the citizen's `call_started`. */
  async function admitted(tab: TestSocket, citizen: TestSocket, appointmentId: string) {
    tab.send({ type: 'admit', appointmentId });
    return { a: await tab.next('call_started'), c: await citizen.next('call_started') };
  }

  const history = async (appointmentId: string) =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'data']).where('appointment_id', '=', appointmentId).orderBy('id').execute()).filter((e) =>
      e.type.startsWith('interpreter.'),
    );
  const status = async (id: string) => (await t.ctx.db.selectFrom('appointments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('closes an interpreter’s socket with a code that says why: unknown, foreign, not consented, revoked, expired', async () => {
    const c = await waitingCitizen();
    const hello = async (invitation: string | undefined, host?: string) => {
      const socket = await openSocket(t.app.http, host ? { host } : {});
      socket.send({ type: 'hello', role: 'interpreter', ...(invitation === undefined ? {} : { invitation }) });
      const closed = await socket.closed;
      expect(socket.received).toEqual([]);
      return closed;
    };
    expect((await hello(undefined)).code).toBe(CLOSE_CODES.invitationInvalid);
    expect(await hello('B'.repeat(32))).toEqual({ code: CLOSE_CODES.invitationInvalid, reason: 'invitation not found' });
    const pending = await invite(t, agent, c.id);
    // The page asks for the recording consent first; a socket without it stays out.
    expect((await hello(pending.token)).code).toBe(CLOSE_CODES.forbidden);
    await consent(t, pending.token);
    expect((await hello(pending.token, 'beta.test')).code).toBe(CLOSE_CODES.invitationInvalid);
    // A citizen's or staff cookie does not make a wrong link right.
    const withCookie = await openSocket(t.app.http, { cookie: agent.cookie });
    withCookie.send({ type: 'hello', role: 'interpreter', invitation: 'C'.repeat(32), csrf: agent.csrf });
    expect((await withCookie.closed).code).toBe(CLOSE_CODES.invitationInvalid);
    const ends = await t.ctx.db.selectFrom('appointments').select('ends_at').where('id', '=', c.id).executeTakeFirstOrThrow();
    t.clock.set(new Date(Date.parse(ends.ends_at) + 60 * 60_000));
    expect(await hello(pending.token)).toEqual({ code: CLOSE_CODES.invitationExpired, reason: 'invitation expired' });
    t.clock.set(OPEN);
    await revoke(t, agent, c.id, pending.invitationId);
    expect(await hello(pending.token)).toEqual({ code: CLOSE_CODES.invitationRevoked, reason: 'invitation revoked' });
    c.socket.close();
  });

  it('joins a running call as a third peer: everyone connects to everyone, and the call’s events reach them', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    const { a, c: cs } = await admitted(tab, c.socket, c.id);
    const { token, invitationId } = await invited(c.id);
    const interpreter = await interpreterSocket(token);
    const is = await interpreter.next('call_started');
    expect(is.peers).toHaveLength(2);
    expect(is.peers).toEqual(
      expect.arrayContaining([
        { peerId: a.selfPeerId, role: 'agent' },
        { peerId: cs.selfPeerId, role: 'citizen' },
      ]),
    );
    expect(is.iceServers).toEqual([{ urls: ['stun:stun.alfa.test:3478'] }]);
    expect(await tab.next('peer_joined')).toEqual({ type: 'peer_joined', appointmentId: c.id, peerId: is.selfPeerId, role: 'interpreter' });
    expect(await c.socket.next('peer_joined')).toEqual({ type: 'peer_joined', appointmentId: c.id, peerId: is.selfPeerId, role: 'interpreter' });

    // Offers and candidates pass between the interpreter and each of the others, only to the peer named.
    interpreter.send({ type: 'signal', appointmentId: c.id, to: a.selfPeerId, description: OFFER });
    expect(await tab.next('signal')).toEqual({ type: 'signal', appointmentId: c.id, from: is.selfPeerId, description: OFFER });
    c.socket.send({ type: 'signal', appointmentId: c.id, to: is.selfPeerId, description: OFFER });
    expect(await interpreter.next('signal')).toEqual({ type: 'signal', appointmentId: c.id, from: cs.selfPeerId, description: OFFER });
    c.socket.send({ type: 'media_state', appointmentId: c.id, audio: true, video: false, screen: false });
    expect(await interpreter.next('media_state')).toMatchObject({ peerId: cs.selfPeerId, video: false });

    // The chat stays between the citizen and the agent: the interpreter neither reads nor writes it.
    tab.send({ type: 'chat', appointmentId: c.id, text: 'El vostre DNI, si us plau' });
    await c.socket.next('chat');
    interpreter.send({ type: 'chat', appointmentId: c.id, text: 'Hola' });
    expect(await interpreter.next('error')).toMatchObject({ id: 'wrong_role', replyTo: 'chat' });
    // Nor may they act as the agent.
    interpreter.send({ type: 'admit', appointmentId: c.id });
    expect(await interpreter.next('error')).toMatchObject({ id: 'wrong_role', replyTo: 'admit' });
    // Nor hear of documents: they are the agent's business.
    const { agent_id: agentId } = await t.ctx.db.selectFrom('appointments').select('agent_id').where('id', '=', c.id).executeTakeFirstOrThrow();
    await t.app.realtime.hub.publishUpload(agentId, c.id, 'document-1', 'other');
    expect(await tab.next('document_uploaded')).toMatchObject({ documentId: 'document-1' });
    await Promise.all([interpreter.sync(), tab.sync(), c.socket.sync()]);
    expect(interpreter.all('document_uploaded')).toEqual([]);
    expect(interpreter.all('chat')).toEqual([]);
    expect(tab.all('chat').map((m) => m.text)).toEqual(['El vostre DNI, si us plau']);
    expect(interpreter.all('signal')).toHaveLength(1);
    expect(tab.all('signal')).toHaveLength(1);

    const joined = await history(c.id);
    expect(joined.map((e) => [e.type, e.actor])).toEqual([
      ['interpreter.invited', expect.stringMatching(/^staff:/) as unknown],
      ['interpreter.consented', `interpreter:${invitationId}`],
      ['interpreter.joined', `interpreter:${invitationId}`],
    ]);
    for (const s of [interpreter, tab, c.socket]) s.close();
  });

  it('waits for a call that has not started, and is brought in when the agent admits the citizen', async () => {
    const c = await waitingCitizen();
    const { token } = await invited(c.id);
    const interpreter = await interpreterSocket(token);
    await interpreter.sync();
    expect(interpreter.all('call_started')).toEqual([]);
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    const { a, c: cs } = await admitted(tab, c.socket, c.id);
    const is = await interpreter.next('call_started');
    expect(new Set(is.peers.map((p) => p.peerId))).toEqual(new Set([a.selfPeerId, cs.selfPeerId]));
    // Whoever did not list the interpreter at the start hears of them.
    for (const [socket, start] of [
      [tab, a],
      [c.socket, cs],
    ] as const) {
      if (!start.peers.some((p) => p.peerId === is.selfPeerId)) await socket.next('peer_joined', (m) => m.peerId === is.selfPeerId && m.role === 'interpreter');
    }

    // Back to the waiting room: the interpreter waits too, and comes back in with the citizen.
    tab.send({ type: 'return_to_waiting', appointmentId: c.id });
    await interpreter.next('returned_to_waiting');
    await c.socket.next('returned_to_waiting');
    await admitted(tab, c.socket, c.id);
    const again = await interpreter.next('call_started');
    expect(again.peers.map((p) => p.role).sort()).toEqual(['agent', 'citizen']);

    // The agent hangs up: the interpreter hears the call is over.
    tab.send({ type: 'hang_up', appointmentId: c.id });
    expect(await interpreter.next('call_ended')).toEqual({ type: 'call_ended', appointmentId: c.id, reason: 'hang_up' });
    for (const s of [interpreter, tab, c.socket]) s.close();
  });

  it('never lets an interpreter receive another appointment’s signalling, nor send into another call', async () => {
    const one = await waitingCitizen();
    const two = await waitingCitizen();
    const tab1 = await greetedSocket(t.app.http, 'agent', agent);
    const first = await admitted(tab1, one.socket, one.id);
    const tab2 = await greetedSocket(t.app.http, 'agent', agent);
    const second = await admitted(tab2, two.socket, two.id);
    const interpreter = await interpreterSocket((await invited(one.id)).token);
    await interpreter.next('call_started');

    interpreter.send({ type: 'signal', appointmentId: two.id, to: second.a.selfPeerId, description: OFFER });
    expect(await interpreter.next('error')).toMatchObject({ id: 'not_in_call', replyTo: 'signal' });
    interpreter.send({ type: 'media_state', appointmentId: two.id, audio: true, video: true, screen: false });
    expect(await interpreter.next('error')).toMatchObject({ id: 'not_in_call', replyTo: 'media_state' });
    // Addressed to the second call's peers from within the first: nobody gets it.
    interpreter.send({ type: 'signal', appointmentId: one.id, to: second.c.selfPeerId, description: OFFER });
    tab2.send({ type: 'signal', appointmentId: two.id, to: second.c.selfPeerId, description: OFFER });
    tab2.send({ type: 'media_state', appointmentId: two.id, audio: false, video: true, screen: false });
    await two.socket.next('signal');
    await Promise.all([interpreter.sync(), two.socket.sync(), tab2.sync(), tab1.sync()]);
    expect(interpreter.received.every((m) => !('appointmentId' in m) || m.appointmentId === one.id)).toBe(true);
    expect(two.socket.all('signal')).toHaveLength(1);
    expect(tab2.all('peer_joined')).toEqual([]);
    expect(first.a.peers).toHaveLength(1);
    for (const s of [interpreter, tab1, tab2, one.socket, two.socket]) s.close();
  });

  it('leaves the call of their own accord, and the call goes on for the others', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    await admitted(tab, c.socket, c.id);
    const { token, invitationId } = await invited(c.id);
    const interpreter = await interpreterSocket(token);
    const is = await interpreter.next('call_started');
    interpreter.send({ type: 'hang_up', appointmentId: c.id });
    expect(await interpreter.next('call_ended')).toMatchObject({ reason: 'hang_up' });
    expect(await tab.next('peer_left')).toEqual({ type: 'peer_left', appointmentId: c.id, peerId: is.selfPeerId });
    await c.socket.next('peer_left', (m) => m.peerId === is.selfPeerId);
    expect(await status(c.id)).toBe('in_call');
    await Promise.all([tab.sync(), c.socket.sync()]);
    expect(tab.all('call_ended')).toEqual([]);
    expect(c.socket.all('call_ended')).toEqual([]);
    const left = (await history(c.id)).at(-1);
    expect(left).toMatchObject({ type: 'interpreter.left', actor: `interpreter:${invitationId}` });
    expect(JSON.parse(left?.data ?? '{}')).toEqual({ invitationId, reason: 'left' });
    for (const s of [interpreter, tab, c.socket]) s.close();
  });

  it('is removed by the agent: the link is revoked and their socket closed wherever it is', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    await admitted(tab, c.socket, c.id);
    const { token, invitationId } = await invited(c.id);
    const interpreter = await interpreterSocket(token);
    const is = await interpreter.next('call_started');
    expect((await revoke(t, agent, c.id, invitationId)).statusCode).toBe(200);
    expect(await interpreter.closed).toEqual({ code: CLOSE_CODES.invitationRevoked, reason: 'invitation revoked' });
    await tab.next('peer_left', (m) => m.peerId === is.selfPeerId);
    await c.socket.next('peer_left', (m) => m.peerId === is.selfPeerId);
    expect((await history(c.id)).map((e) => e.type)).toEqual(['interpreter.invited', 'interpreter.consented', 'interpreter.joined', 'interpreter.removed']);
    for (const s of [tab, c.socket]) s.close();
  });

  it('keeps one socket per invitation: a new tab replaces the old one, and a dropped connection is recorded', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    await admitted(tab, c.socket, c.id);
    const { token, invitationId } = await invited(c.id);
    const first = await interpreterSocket(token);
    const before = await first.next('call_started');
    const second = await interpreterSocket(token);
    expect((await first.closed).code).toBe(CLOSE_CODES.replaced);
    const after = await second.next('call_started');
    await tab.next('peer_left', (m) => m.peerId === before.selfPeerId);
    await tab.next('peer_joined', (m) => m.peerId === after.selfPeerId);
    second.close();
    await tab.next('peer_left', (m) => m.peerId === after.selfPeerId);
    // Written after the socket closed, without anyone waiting on it: looked for until it is there.
    let types: string[] = [];
    for (let i = 0; i < 50 && !types.includes('interpreter.left'); i++) {
      types = (await history(c.id)).map((e) => e.type);
      if (!types.includes('interpreter.left')) await tab.sync();
    }
    expect(types).toEqual(['interpreter.invited', 'interpreter.consented', 'interpreter.joined', 'interpreter.joined', 'interpreter.left']);
    expect(JSON.parse((await history(c.id)).at(-1)?.data ?? '{}')).toEqual({ invitationId, reason: 'disconnected' });
    for (const s of [tab, c.socket]) s.close();
  });

  it('closes with 4429 an address that tried ten unknown links', async () => {
    const c = await waitingCitizen();
    const { token } = await invited(c.id);
    // The earlier tests' unknown links came from this address too.
    lookupFailures(t.ctx).reset();
    for (let i = 0; i < 10; i++) {
      const socket = await openSocket(t.app.http);
      socket.send({ type: 'hello', role: 'interpreter', invitation: `guess-${i}`.padEnd(32, 'z') });
      expect((await socket.closed).code).toBe(CLOSE_CODES.invitationInvalid);
    }
    const blocked = await openSocket(t.app.http);
    blocked.send({ type: 'hello', role: 'interpreter', invitation: token });
    expect(await blocked.closed).toEqual({ code: CLOSE_CODES.tooManyAttempts, reason: 'too many attempts' });
    c.socket.close();
  });
});
