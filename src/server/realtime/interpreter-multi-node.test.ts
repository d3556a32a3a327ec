import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { consent, invite, revoke } from '../../../test/interpreter-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { TEST_REDIS_URL, redisAvailable } from '../adapters/bus/bus.fixture.ts';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import { redisBus } from '../adapters/bus/redis-bus.ts';
import { buildApp, type App } from '../app.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import type { AppContext } from '../context.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import { greetedSocket, nif, openSocket } from './realtime.fixture.ts';

const withRedis = await redisAvailable();
const OFFER = { type: 'offer', sdp: 'v=0\r\n' } as const;

/**
 * The interpreter on one node, the citizen and the agent on another, sharing
 * a database and a Redis (as in multi-node.test.ts): the interpreter waiting
 * on node A is brought into the call started on node B, signals cross
 * between the nodes, and a revocation made anywhere closes their socket.
 */
describe.skipIf(!withRedis).each(DIALECTS)('an interpreter on another node (%s)', (dialect) => {
  let t: TestApp;
  let nodeA: App;
  let nodeB: App;
  let ctxB: AppContext;
  const buses: EventBus[] = [];
  let agent: Session;
  let citizen: Session & { appointmentId: string };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const padro = await procedureId(t, t.orgA.id);
    citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-02T10:00:00.000Z', email: 'inode@example.org', idNumber: nif(38_000_001) });
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
    t.clock.set(new Date('2026-03-02T09:50:00.000Z'));
    ctxB = dialect === 'postgres' ? await createContext(t.ctx.config, { clock: t.clock, mail: t.mail, migrate: false }) : t.ctx;
    for (let i = 0; i < 2; i++) buses.push(redisBus(TEST_REDIS_URL, t.ctx.log));
    const [busA, busB] = buses;
    if (!busA || !busB) throw new Error('no buses');
    nodeA = await buildApp(t.ctx, { bus: busA });
    nodeB = await buildApp(ctxB, { bus: busB });
  });
  afterAll(async () => {
    await nodeA.http.close();
    await nodeB.http.close();
    await Promise.all(buses.map((b) => b.close()));
    if (ctxB !== t.ctx) await closeContext(ctxB);
    t.clock.set(DEFAULT_NOW);
    await t.close();
  });

  it('brings a waiting interpreter in when the call starts elsewhere, and takes them out when revoked', async () => {
    const { token, invitationId } = await invite(t, agent, citizen.appointmentId);
    await consent(t, token);
    const interpreter = await openSocket(nodeA.http);
    interpreter.send({ type: 'hello', role: 'interpreter', invitation: token });
    await interpreter.next('welcome');

    const page = await greetedSocket(nodeB.http, 'citizen', citizen);
    page.send({ type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } });
    await page.next('waiting_status', (m) => m.presence === 'waiting');
    const tab = await greetedSocket(nodeB.http, 'agent', agent);
    tab.send({ type: 'admit', appointmentId: citizen.appointmentId });
    const atAgent = await tab.next('call_started');

    const atInterpreter = await interpreter.next('call_started');
    // Node A learns the others' peers from node B: in call_started, or right after as peer_joined.
    const known = new Set(atInterpreter.peers.map((p) => p.peerId));
    while (!known.has(atAgent.selfPeerId)) known.add((await interpreter.next('peer_joined')).peerId);
    await tab.next('peer_joined', (m) => m.peerId === atInterpreter.selfPeerId && m.role === 'interpreter');

    interpreter.send({ type: 'signal', appointmentId: citizen.appointmentId, to: atAgent.selfPeerId, description: OFFER });
    expect(await tab.next('signal')).toMatchObject({ from: atInterpreter.selfPeerId, description: OFFER });

    // Revoked through node B's HTTP API: node A closes the socket.
    const res = await revoke({ ...t, app: nodeB }, agent, citizen.appointmentId, invitationId);
    expect(res.statusCode).toBe(200);
    expect((await interpreter.closed).code).toBe(CLOSE_CODES.invitationRevoked);
    await tab.next('peer_left', (m) => m.peerId === atInterpreter.selfPeerId);

    tab.send({ type: 'hang_up', appointmentId: citizen.appointmentId });
    await page.next('call_ended');
    tab.close();
    page.close();
  });
});
