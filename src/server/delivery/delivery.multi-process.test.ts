import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { TestReceiver } from '../../../test/delivery-receiver.ts';
import { freePort, ServerProcess, waitFor } from '../../../test/server-process.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import type { Organisation } from '../db/schema.ts';
import { sealEvidencePackage } from '../evidence-package/package.service.ts';

const SECRET = 'a shared secret of the case-management system';
const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/**
 * Two real server processes (`node src/server/main.ts`) on one PostgreSQL
 * database and one storage folder, each polling for due deliveries every
 * second, and a slow receiver on loopback: each delivery is attempted by one
 * process at a time (the receiver never has two requests in flight for one
 * delivery id) and accepted exactly once. PostgreSQL only: two processes on
 * one SQLite file is not a supported installation.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('delivery by two server processes on one PostgreSQL', () => {
  let t: TestApp;
  let org: Organisation;
  let receiver: TestReceiver;
  let receiverPort = 0;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    receiverPort = await freePort();
    const env = { DELIVERY_REST_URL: `http://127.0.0.1:${receiverPort}/expedients`, DELIVERY_REST_SECRET: SECRET, DELIVERY_REST_TIMEOUT_SECONDS: '10' };
    t = await createTestApp({ dialect: 'postgres', agents: 4, env });
    org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    // Processes run on real time: the receiver checks signatures against it too.
    receiver = new TestReceiver(SECRET, () => 0, () => Math.floor(Date.now() / 1000));
    receiver.delayMs = 400;
    await receiver.listen(receiverPort);
    const database = t.ctx.config.database;
    if (database.kind !== 'postgres') throw new Error('not PostgreSQL');
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const server = new ServerProcess({
        ...env,
        NODE_ENV: 'development',
        // The same database, storage folder and master key (in DATA_DIR) as the test's own context.
        DATA_DIR: t.ctx.config.dataDir,
        DATABASE_URL: database.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        DELIVERY_POLL_SECONDS: '1',
      });
      servers.push(server);
      await server.ready(`http://127.0.0.1:${port}`);
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) await s.kill9();
    await receiver.close();
    await t.close();
  });

  it('attempts each delivery from one process at a time, and the receiver accepts each exactly once', async () => {
    const padro = await procedureId(t, t.orgA.id);
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: 'rest' }).where('id', '=', padro).execute();
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) {
      const number = 40_000_000 + n;
      const res = await book(t, { procedureId: padro, startsAt: new Date(Date.UTC(2026, 2, 3, 8 + n)).toISOString(), citizen: { email: `multi${n}@example.org`, idNumber: `${number}${NIF_LETTERS[number % 23] ?? ''}` } });
      expect(res.statusCode, res.body).toBe(201);
      const appointment = await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', res.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow();
      const sealed = await sealEvidencePackage(t.ctx, org, appointment.id, 'system');
      const delivery = await t.ctx.db.selectFrom('deliveries').select('id').where('package_id', '=', sealed.row.id).executeTakeFirstOrThrow();
      ids.push(delivery.id);
    }
    // Sealed on the test clock (March 2026): give the real-time processes a dead-letter deadline ahead of them.
    await t.ctx.db.updateTable('deliveries').set({ dead_after: '2100-01-01T00:00:00.000Z' }).execute();

    await waitFor('every delivery acknowledged', 60_000, async () => {
      const rows = await t.ctx.db.selectFrom('deliveries').select('state').where('id', 'in', ids).execute();
      return rows.every((r) => r.state === 'acknowledged');
    });
    const rows = await t.ctx.db.selectFrom('deliveries').selectAll().where('id', 'in', ids).execute();
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.reference).toBe(receiver.accepted.get(row.id));
      expect(receiver.requests.filter((r) => r.deliveryId === row.id)).toHaveLength(1);
    }
    expect(receiver.accepted.size).toBe(ids.length);
    expect(receiver.maxInFlightPerDelivery).toBe(1);
    expect(receiver.duplicates).toBe(0);
    expect(receiver.problems).toEqual([]);
  }, 90_000);
});
