import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, listen, staffSession, tinyPng, tusClient, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { createStaff } from '../staff/staff.service.ts';
import { greetedSocket, nif, openSocket, type TestSocket } from './realtime.fixture.ts';

const STARTS = '2026-03-02T10:00:00.000Z';
const OPEN = new Date('2026-03-02T09:50:00.000Z');
const JOIN = { type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } } as const;
const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;

describe.each(DIALECTS)('the call (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let agent: Session;
  let farAgent: Session;
  let port: number;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 10, env: { STUN_URLS: 'stun:stun.alfa.test:3478', TURN_URLS: 'turn:turn.alfa.test:3478', TURN_SECRET: 'coturn-static-auth-secret' } });
    padro = await procedureId(t, t.orgA.id);
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
    // An agent of another office of the same town hall.
    const now = t.clock.now();
    const office = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: office, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far@alfa.test', role: 'agent', displayName: 'Agent del barri', password: 'a long password for far' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: office }).execute();
    farAgent = await staffSession(t, 'far@alfa.test', 'a long password for far');
    port = await listen(t);
  });
  afterAll(async () => t.close());

  /** A citizen booked for 11:00, signed in, connected and waiting. */
  async function waitingCitizen() {
    n++;
    t.clock.set(DEFAULT_NOW);
    const session = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `call${n}@example.org`, idNumber: nif(32_000_000 + n) });
    t.clock.set(OPEN);
    const socket = await greetedSocket(t.app.http, 'citizen', session);
    socket.send(JOIN);
    await socket.next('waiting_status', (m) => m.presence === 'waiting');
    return { session, socket, id: session.appointmentId };
  }

  /** Admits a waiting citizen; both sides' `call_started`. */
  async function admitted(tab: TestSocket, citizen: TestSocket, appointmentId: string) {
    tab.send({ type: 'admit', appointmentId });
    const a = await tab.next('call_started');
    const c = await citizen.next('call_started');
    return { a, c };
  }

  const status = async (id: string) => (await t.ctx.db.selectFrom('appointments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('refuses an agent of another office: the appointment does not exist for them', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', farAgent);
    tab.send({ type: 'admit', appointmentId: c.id });
    expect(await tab.next('error')).toMatchObject({ id: 'not_found', replyTo: 'admit' });
    tab.send({ type: 'admit', appointmentId: randomUUID() });
    expect(await tab.next('error')).toMatchObject({ id: 'not_found' });
    expect(await status(c.id)).toBe('waiting');
    tab.close();
    c.socket.close();
  });

  it('gives the citizen the STUN/TURN servers on welcome, so the device check tests the media path the call will use', async () => {
    n++;
    t.clock.set(DEFAULT_NOW);
    const session = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `call${n}@example.org`, idNumber: nif(32_000_000 + n) });
    const socket = await openSocket(t.app.http, { cookie: session.cookie });
    socket.send({ type: 'hello', role: 'citizen', csrf: session.csrf });
    const welcome = await socket.next('welcome');
    expect(welcome.iceServers[0]).toEqual({ urls: ['stun:stun.alfa.test:3478'] });
    expect(welcome.iceServers[1]).toMatchObject({ urls: ['turn:turn.alfa.test:3478'], username: expect.stringMatching(/^\d+:/) as unknown });
    socket.close();
  });

  it('admits the waiting citizen: both get call_started with each other and the ICE servers, and signals pass between them', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    const { a, c: cs } = await admitted(tab, c.socket, c.id);
    expect(a.peers).toEqual([{ peerId: cs.selfPeerId, role: 'citizen' }]);
    expect(cs.peers).toEqual([{ peerId: a.selfPeerId, role: 'agent' }]);
    expect(cs.iceServers[0]).toEqual({ urls: ['stun:stun.alfa.test:3478'] });
    expect(cs.iceServers[1]).toMatchObject({ urls: ['turn:turn.alfa.test:3478'], username: expect.stringMatching(/^\d+:/) as unknown });
    expect(await status(c.id)).toBe('in_call');

    c.socket.send({ type: 'signal', appointmentId: c.id, to: a.selfPeerId, description: OFFER });
    expect(await tab.next('signal')).toEqual({ type: 'signal', appointmentId: c.id, from: cs.selfPeerId, description: OFFER });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    tab.send({ type: 'signal', appointmentId: c.id, to: cs.selfPeerId, candidate });
    expect(await c.socket.next('signal')).toEqual({ type: 'signal', appointmentId: c.id, from: a.selfPeerId, candidate });

    // Microphone off: the other side's screen shows it.
    c.socket.send({ type: 'media_state', appointmentId: c.id, audio: false, video: true, screen: false });
    expect(await tab.next('media_state')).toMatchObject({ peerId: cs.selfPeerId, audio: false, video: true });

    const history = await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor']).where('appointment_id', '=', c.id).where('type', '=', 'call.admitted').execute();
    expect(history).toHaveLength(1);
    expect(history[0]?.actor).toMatch(/^staff:/);
    tab.close();
    c.socket.close();
  });

  it('never lets a citizen receive another appointment’s signalling, nor send into another call', async () => {
    const one = await waitingCitizen();
    const two = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    const first = await admitted(tab, one.socket, one.id);
    const tab2 = await greetedSocket(t.app.http, 'agent', agent);
    const second = await admitted(tab2, two.socket, two.id);

    tab.send({ type: 'signal', appointmentId: one.id, to: first.c.selfPeerId, description: OFFER });
    tab.send({ type: 'chat', appointmentId: one.id, text: 'Only for the first citizen' });
    await one.socket.next('signal');
    await one.socket.next('chat');
    // Addressed to the second citizen's peer id, but sent in the first call: nobody gets it.
    tab.send({ type: 'signal', appointmentId: one.id, to: second.c.selfPeerId, description: OFFER });
    // The second citizen tries to reach into the first call.
    two.socket.send({ type: 'signal', appointmentId: one.id, to: first.a.selfPeerId, description: OFFER });
    expect(await two.socket.next('error')).toMatchObject({ id: 'not_in_call', replyTo: 'signal' });
    two.socket.send({ type: 'chat', appointmentId: one.id, text: 'hello?' });
    expect(await two.socket.next('error')).toMatchObject({ id: 'not_in_call', replyTo: 'chat' });

    // A message of the second call arrives, so anything of the first would have too.
    tab2.send({ type: 'chat', appointmentId: two.id, text: 'For the second citizen' });
    await two.socket.next('chat', (m) => m.text === 'For the second citizen');
    await Promise.all([one.socket.sync(), two.socket.sync(), tab.sync()]);
    expect(two.socket.all('signal')).toEqual([]);
    expect(two.socket.all('chat').map((m) => m.text)).toEqual(['For the second citizen']);
    expect(two.socket.received.every((m) => !('appointmentId' in m) || m.appointmentId === two.id)).toBe(true);
    expect(one.socket.all('signal')).toHaveLength(1);
    expect(tab.all('signal')).toEqual([]);
    for (const s of [tab, tab2, one.socket, two.socket]) s.close();
  });

  it('relays the chat to every peer and keeps it in the history', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    await admitted(tab, c.socket, c.id);
    c.socket.send({ type: 'chat', appointmentId: c.id, text: '  I can hear you  ' });
    const atAgent = await tab.next('chat');
    const echo = await c.socket.next('chat');
    expect(atAgent).toMatchObject({ from: 'citizen', text: 'I can hear you', at: OPEN.toISOString() });
    expect(echo.messageId).toBe(atAgent.messageId);
    const stored = await t.ctx.db.selectFrom('appointment_events').select(['actor', 'data']).where('appointment_id', '=', c.id).where('type', '=', 'call.chat').execute();
    expect(stored.map((s) => [s.actor, JSON.parse(s.data) as unknown])).toEqual([['citizen', { messageId: atAgent.messageId, from: 'citizen', text: 'I can hear you' }]]);
    tab.close();
    c.socket.close();
  });

  it('gives a reconnecting citizen the call back, and the agent renegotiates with the new peer', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    const { c: before } = await admitted(tab, c.socket, c.id);
    c.socket.close();
    await tab.next('peer_left', (m) => m.peerId === before.selfPeerId);
    const again = await greetedSocket(t.app.http, 'citizen', c.session);
    const restarted = await again.next('call_started');
    expect(restarted.peers.map((p) => p.role)).toEqual(['agent']);
    expect(await tab.next('peer_joined')).toMatchObject({ peerId: restarted.selfPeerId, role: 'citizen' });
    expect(await status(c.id)).toBe('in_call');
    tab.close();
    again.close();
  });

  it('puts the citizen back in the waiting room, and ends the call on hang-up', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    const firstAdmission = t.clock.now();
    await admitted(tab, c.socket, c.id);
    tab.send({ type: 'return_to_waiting', appointmentId: c.id });
    await c.socket.next('returned_to_waiting');
    expect(await c.socket.next('waiting_status', (m) => m.presence === 'waiting')).toBeTruthy();
    await tab.next('returned_to_waiting');
    expect(await status(c.id)).toBe('waiting');

    t.clock.set(new Date(firstAdmission.getTime() + 300_000));
    await admitted(tab, c.socket, c.id);
    t.clock.set(new Date(firstAdmission.getTime() + 754_000));
    tab.send({ type: 'hang_up', appointmentId: c.id });
    expect(await c.socket.next('call_ended')).toEqual({ type: 'call_ended', appointmentId: c.id, reason: 'hang_up' });
    await tab.next('call_ended');
    expect(await status(c.id)).toBe('completed');
    // The handling time (an indicator) runs from the first admission to the end, the time back in the waiting room included.
    const times = await t.ctx.db.selectFrom('call_times').selectAll().where('appointment_id', '=', c.id).executeTakeFirstOrThrow();
    expect(times).toMatchObject({ started_at: firstAdmission.toISOString(), ended_at: new Date(firstAdmission.getTime() + 754_000).toISOString(), seconds: 754 });
    // Over: no more signalling in it.
    c.socket.send({ type: 'signal', appointmentId: c.id, to: 'x', description: OFFER });
    expect(await c.socket.next('error')).toMatchObject({ id: 'not_in_call' });
    const types = (await t.ctx.db.selectFrom('appointment_events').select('type').where('appointment_id', '=', c.id).orderBy('id').execute()).map((e) => e.type);
    expect(types.filter((x) => x.startsWith('call.'))).toEqual(['call.admitted', 'call.returned_to_waiting', 'call.admitted', 'call.ended']);
    tab.close();
    c.socket.close();
  });

  it('asks for a document live: uploads re-open, the citizen sees the panel, and the agent sees it arrive', async () => {
    const c = await waitingCitizen();
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'watch_queue' });
    await tab.next('queue');
    await admitted(tab, c.socket, c.id);
    tab.send({ type: 'request_document', appointmentId: c.id, slot: 'nope' });
    expect(await tab.next('error')).toMatchObject({ id: 'not_found', replyTo: 'request_document' });
    tab.send({ type: 'request_document', appointmentId: c.id, slot: 'other', note: 'The back of your ID card' });
    expect(await c.socket.next('document_requested')).toEqual({ type: 'document_requested', appointmentId: c.id, slot: 'other', name: '', note: 'The back of your ID card' });
    const row = await t.ctx.db.selectFrom('appointments').select('uploads_reopened_until').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.uploads_reopened_until ?? '').toBe('2026-03-02T11:15:00.000Z');

    const upload = await tusClient(port, c.session).upload({ slot: 'other', filename: 'dni.png', filetype: 'image/png' }, tinyPng(), 1);
    expect(upload.last.status).toBe(204);
    const arrived = await tab.next('document_uploaded');
    expect(arrived).toMatchObject({ appointmentId: c.id, slot: 'other' });
    // The tab that shows the queue and is in the call hears of it once.
    await tab.sync();
    expect(tab.all('document_uploaded')).toHaveLength(1);
    tab.close();
    c.socket.close();
  });
});
