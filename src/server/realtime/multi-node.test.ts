import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { TEST_REDIS_URL, redisAvailable } from '../adapters/bus/bus.fixture.ts';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import { redisBus } from '../adapters/bus/redis-bus.ts';
import { buildApp, type App } from '../app.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import type { AppContext } from '../context.ts';
import { greetedSocket, nif } from './realtime.fixture.ts';

const withRedis = await redisAvailable();
const OFFER = { type: 'offer', sdp: 'v=0\r\n' } as const;

/**
 * Two application instances (two nodes) sharing a database and a Redis:
 * sockets on one node reach sockets on the other only through Redis, since
 * each instance has its own hub and its own Redis connections.
 */
describe.skipIf(!withRedis).each(DIALECTS)('two nodes sharing Redis (%s)', (dialect) => {
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
    citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-02T10:00:00.000Z', email: 'node@example.org', idNumber: nif(34_000_001) });
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
    t.clock.set(new Date('2026-03-02T09:50:00.000Z'));
    // On PostgreSQL the second node has its own pool; on SQLite it shares the connection (one file, one process).
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

  it('alerts the agent on node B when the citizen joins on node A, and connects the call across them', async () => {
    const tab = await greetedSocket(nodeB.http, 'agent', agent);
    tab.send({ type: 'watch_queue' });
    expect((await tab.next('queue')).entries.map((e) => e.appointmentId)).toContain(citizen.appointmentId);

    const page = await greetedSocket(nodeA.http, 'citizen', citizen);
    page.send({ type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } });
    expect(await tab.next('citizen_waiting')).toMatchObject({ entry: { appointmentId: citizen.appointmentId, presence: 'waiting' } });
    // Node A learns from node B that an agent sees the citizen.
    await page.next('waiting_status', (m) => m.presence === 'waiting' && m.agentKnows);

    tab.send({ type: 'admit', appointmentId: citizen.appointmentId });
    const atCitizen = await page.next('call_started');
    const atAgent = await tab.next('call_started');
    expect(atCitizen.peers).toEqual([{ peerId: atAgent.selfPeerId, role: 'agent' }]);
    // The agent's node learns the citizen's peer from node A: in call_started, or right after as peer_joined.
    const citizenPeer = atAgent.peers[0]?.peerId ?? (await tab.next('peer_joined')).peerId;
    expect(citizenPeer).toBe(atCitizen.selfPeerId);

    page.send({ type: 'signal', appointmentId: citizen.appointmentId, to: atAgent.selfPeerId, description: OFFER });
    expect(await tab.next('signal')).toMatchObject({ from: atCitizen.selfPeerId, description: OFFER });
    tab.send({ type: 'signal', appointmentId: citizen.appointmentId, to: atCitizen.selfPeerId, description: { type: 'answer', sdp: 'v=0\r\n' } });
    expect(await page.next('signal')).toMatchObject({ from: atAgent.selfPeerId, description: { type: 'answer' } });

    tab.send({ type: 'hang_up', appointmentId: citizen.appointmentId });
    await page.next('call_ended');
    tab.close();
    page.close();
  });
});
