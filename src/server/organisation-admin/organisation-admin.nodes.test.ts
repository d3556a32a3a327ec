import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { inProcessBus } from '../adapters/bus/in-process-bus.ts';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import { buildApp, type App } from '../app.ts';
import type { OrganisationSettingsView } from '../../shared/admin-people.ts';
import { greetedSocket } from '../realtime/realtime.fixture.ts';
import { createStaff } from '../staff/staff.service.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';

/**
 * Two nodes sharing a database and an event bus: an administrator's change
 * on one node is seen at once on the other (its tenant cache is forgotten
 * through the bus, not after its 10 s lifetime), and a member of staff
 * disabled on one node loses their socket held by the other.
 */
describe('administration changes across nodes', () => {
  let t: TestApp;
  let bus: EventBus;
  let nodeA: App;
  let nodeB: App;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp();
    bus = inProcessBus(t.ctx.log);
    nodeA = await buildApp(t.ctx, { bus });
    nodeB = await buildApp(t.ctx, { bus });
    await nodeA.http.ready();
    await nodeB.http.ready();
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    if (!a) throw new Error('no admin');
    admin = await staffSession(t, a.email, a.password);
  });
  afterAll(async () => {
    await nodeA.http.close();
    await nodeB.http.close();
    await bus.close();
    await t.close();
  });

  it('node B shows the new name as soon as node A saved it', async () => {
    const nameOnB = async () => (await nodeB.http.inject({ method: 'GET', url: '/api/public/organisation', headers: { host: 'alfa.test' } })).json<{ data: { name: string } }>().data.name;
    expect(await nameOnB()).toBe('Ajuntament d’Alfa');
    const headers = { host: 'alfa.test', cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const current = (await nodeA.http.inject({ method: 'GET', url: '/api/admin/organisation', headers })).json<{ data: OrganisationSettingsView }>().data;
    const { logo: _logo, defaults: _defaults, ...body } = current;
    expect((await nodeA.http.inject({ method: 'PUT', url: '/api/admin/organisation', headers, payload: { ...body, name: 'Ajuntament Nou' } })).statusCode).toBe(200);
    await expect.poll(nameOnB, { timeout: 2_000 }).toBe('Ajuntament Nou');
  });

  it('closes the socket node B holds for an account disabled on node A', async () => {
    const staff = await createStaff(t.ctx.db, t.orgA.id, { email: 'far@alfa.test', role: 'agent', displayName: 'Far', password: 'far away password 1' }, t.clock.now());
    const session = await staffSession(t, 'far@alfa.test', 'far away password 1');
    const socket = await greetedSocket(nodeB.http, 'agent', session);
    const res = await nodeA.http.inject({ method: 'POST', url: `/api/admin/staff/${staff.id}/disable`, headers: { host: 'alfa.test', cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: {} });
    expect(res.statusCode).toBe(200);
    expect((await socket.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });
});
