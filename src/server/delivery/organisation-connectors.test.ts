import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { TestReceiver } from '../../../test/delivery-receiver.ts';
import { listen, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { freePort } from '../../../test/server-process.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { sealEvidencePackage } from '../evidence-package/package.service.ts';

const INSTALLATION_SECRET = 'the installation-wide secret of the shared receiver';
const ALFA_SECRET = 'Alfa town hall’s own receiver secret';
const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/**
 * Deliveries go to the organisation's own receiver when its administrator
 * set one in the console, and to the installation's otherwise: two real
 * receivers on loopback (node:http), each checking the HMAC with its own
 * secret and downloading the package through the signed link. A change in
 * the console takes effect on the next attempt (the worker's connector
 * cache follows the setting), and removing it falls back to the
 * installation's receiver.
 */
describe.each(DIALECTS)('organisation-level case-management receivers (%s)', (dialect) => {
  let t: TestApp;
  let appPort = 0;
  let installationPort = 0;
  let alfaPort = 0;
  let installation: TestReceiver;
  let alfa: TestReceiver;
  let admin: Session;
  let n = 0;

  beforeAll(async () => {
    installationPort = await freePort();
    alfaPort = await freePort();
    t = await createTestApp({
      dialect,
      env: { DELIVERY_REST_URL: `http://127.0.0.1:${installationPort}/expedients`, DELIVERY_REST_SECRET: INSTALLATION_SECRET, DELIVERY_REST_TIMEOUT_SECONDS: '5' },
    });
    appPort = await listen(t);
    const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);
    installation = new TestReceiver(INSTALLATION_SECRET, () => appPort, nowSeconds);
    alfa = new TestReceiver(ALFA_SECRET, () => appPort, nowSeconds);
    await installation.listen(installationPort);
    await alfa.listen(alfaPort);
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    if (!a) throw new Error('seed without an administrator');
    admin = await staffSession(t, a.email, a.password);
    for (const org of [t.orgA.id, t.orgB.id]) await t.ctx.db.updateTable('procedures').set({ delivery_connector: 'rest' }).where('id', '=', await procedureId(t, org)).execute();
  }, 60_000);

  afterAll(async () => {
    await installation.close();
    await alfa.close();
    await t.close();
  });

  /** Books an appointment at `host`'s organisation and seals its package: a pending REST delivery. */
  async function sealedDelivery(organisationId: string, host: string): Promise<string> {
    n++;
    t.clock.set(DEFAULT_NOW);
    const number = 40_000_000 + n;
    const startsAt = new Date(Date.UTC(2026, 2, 3 + Math.floor(n / 5), 8 + (n % 5))).toISOString();
    const res = await book(t, { procedureId: await procedureId(t, organisationId), startsAt, citizen: { email: `receptor${n}@example.org`, idNumber: `${number}${NIF_LETTERS[number % 23] ?? ''}` } }, host);
    expect(res.statusCode, res.body).toBe(201);
    const appointment = await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', res.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow();
    const org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', organisationId).executeTakeFirstOrThrow();
    const sealed = await sealEvidencePackage(t.ctx, org, appointment.id, 'system');
    const delivery = await t.ctx.db.selectFrom('deliveries').select('id').where('package_id', '=', sealed.row.id).executeTakeFirstOrThrow();
    return delivery.id;
  }

  const deliveryRow = (id: string) => t.ctx.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const setAlfaReceiver = async (secret?: string) => {
    const res = await t.app.http.inject({
      method: 'PUT',
      url: '/api/admin/case-management/rest',
      headers: { host: 'alfa.test', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { url: `http://127.0.0.1:${alfaPort}/gestor/expedients`, timeoutSeconds: 5, ...(secret === undefined ? {} : { secret }) },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const delivered = (r: TestReceiver) => r.requests.map((q) => q.deliveryId);

  it('delivers to the organisation’s own receiver, signed with its secret, while another organisation keeps the installation’s', async () => {
    await setAlfaReceiver(ALFA_SECRET);
    const alfaDelivery = await sealedDelivery(t.orgA.id, 'alfa.test');
    const betaDelivery = await sealedDelivery(t.orgB.id, 'beta.test');

    expect(await t.app.deliveries.runDue()).toBe(2);

    expect(await deliveryRow(alfaDelivery)).toMatchObject({ state: 'acknowledged', reference: alfa.accepted.get(alfaDelivery) });
    expect(alfa.accepted.get(alfaDelivery)).toBe('EXP-1');
    expect(await deliveryRow(betaDelivery)).toMatchObject({ state: 'acknowledged', reference: installation.accepted.get(betaDelivery) });
    expect(delivered(alfa)).toEqual([alfaDelivery]);
    expect(delivered(installation)).toEqual([betaDelivery]);
    expect([...alfa.problems, ...installation.problems]).toEqual([]);
  });

  it('uses a changed secret on the next attempt, and the installation’s receiver again once the setting is removed', async () => {
    // A secret the receiver does not know: refused (401), retried later.
    await setAlfaReceiver('a secret the receiver was never told');
    const id = await sealedDelivery(t.orgA.id, 'alfa.test');
    await t.app.deliveries.runDue();
    expect(await deliveryRow(id)).toMatchObject({ state: 'pending', attempts: 1, last_error: 'HTTP 401' });
    expect(alfa.problems).toEqual([`bad signature for ${id}`]);
    alfa.problems.length = 0;

    // The administrator enters the right one (same clock tick as before): the next attempt is signed with it.
    await setAlfaReceiver(ALFA_SECRET);
    t.clock.set(new Date((await deliveryRow(id)).next_attempt_at));
    await t.app.deliveries.runDue();
    expect(await deliveryRow(id)).toMatchObject({ state: 'acknowledged', attempts: 2, reference: alfa.accepted.get(id) });
    expect(alfa.problems).toEqual([]);

    // Back to the installation's default.
    const removed = await t.app.http.inject({ method: 'DELETE', url: '/api/admin/case-management/rest', headers: { host: 'alfa.test', cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    expect(removed.statusCode).toBe(204);
    const next = await sealedDelivery(t.orgA.id, 'alfa.test');
    await t.app.deliveries.runDue();
    expect(await deliveryRow(next)).toMatchObject({ state: 'acknowledged', reference: installation.accepted.get(next) });
    expect(delivered(alfa)).not.toContain(next);
    expect(delivered(installation)).toContain(next);
  });

  it('never writes the organisation’s secret in clear to the database', async () => {
    await setAlfaReceiver(ALFA_SECRET);
    const row = await t.ctx.db.selectFrom('organisation_connectors').selectAll().where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(ALFA_SECRET);
    expect(row.secret_sealed).toMatch(/^v1\./);
  });
});
