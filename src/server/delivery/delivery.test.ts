import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { TestReceiver } from '../../../test/delivery-receiver.ts';
import { listen, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { freePort, waitFor } from '../../../test/server-process.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import type { Organisation } from '../db/schema.ts';
import { sealEvidencePackage } from '../evidence-package/package.service.ts';
import { createStaff } from '../staff/staff.service.ts';
import { deliveryRepo } from './delivery.repo.ts';
import { DeliveryWorker } from './delivery.worker.ts';

const SECRET = 'a shared secret of the case-management system';
const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/**
 * Delivery of sealed evidence to case management through the outbox, with a
 * real receiver on loopback (node:http): refused connections, 500s and
 * timeouts are retried with backoff until the receiver accepts, exactly once
 * by delivery id; two workers (two contexts, on PostgreSQL two connection
 * pools) never attempt one delivery at once; a drop folder gets atomic files
 * and is acknowledged by the receiver's receipt; a delivery that never
 * succeeds becomes a dead letter and supervisors are emailed once.
 */
describe.each(DIALECTS)('delivery of evidence to case management (%s)', (dialect) => {
  let t: TestApp;
  let org: Organisation;
  let padro = '';
  let receiverPort = 0;
  let appPort = 0;
  let dropDir = '';
  let receiver: TestReceiver;
  let n = 0;

  beforeAll(async () => {
    receiverPort = await freePort();
    dropDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-drop-'));
    t = await createTestApp({
      dialect,
      agents: 4,
      env: {
        DELIVERY_REST_URL: `http://127.0.0.1:${receiverPort}/expedients`,
        DELIVERY_REST_SECRET: SECRET,
        DELIVERY_REST_TIMEOUT_SECONDS: '1',
        DELIVERY_DROP_DIR: dropDir,
        DELIVERY_DEAD_AFTER_HOURS: '72',
      },
    });
    appPort = await listen(t);
    org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    padro = await procedureId(t, t.orgA.id);
    receiver = new TestReceiver(SECRET, () => appPort, () => Math.floor(t.clock.now().getTime() / 1000));
    const created = await createStaff(t.ctx.db, t.orgA.id, { email: 'supervisora@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a supervisor password 1' }, DEFAULT_NOW);
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: created.id, office_id: office.id }).execute();
  }, 60_000);

  afterAll(async () => {
    await receiver.close();
    await t.close();
    fs.rmSync(dropDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    t.clock.set(DEFAULT_NOW);
  });

  /** Books a new appointment (its own citizen) and seals its package with the procedure's connector set to `connector`. */
  async function sealedFor(connector: 'rest' | 'drop_folder' | 'none') {
    n++;
    t.clock.set(DEFAULT_NOW);
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: connector }).where('id', '=', padro).execute();
    const number = 30_000_000 + n;
    const startsAt = new Date(Date.UTC(2026, 2, 3 + Math.floor(n / 5), 8 + (n % 5))).toISOString();
    const res = await book(t, { procedureId: padro, startsAt, citizen: { email: `lliurament${n}@example.org`, idNumber: `${number}${NIF_LETTERS[number % 23] ?? ''}` } });
    expect(res.statusCode, res.body).toBe(201);
    const appointment = await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', res.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow();
    const sealed = await sealEvidencePackage(t.ctx, org, appointment.id, 'system');
    const delivery = await t.ctx.db.selectFrom('deliveries').selectAll().where('package_id', '=', sealed.row.id).executeTakeFirst();
    return { appointmentId: appointment.id, pkg: sealed.row, delivery };
  }

  const deliveryRow = (id: string) => t.ctx.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const eventsOf = async (appointmentId: string): Promise<Record<string, unknown>[]> =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'data']).where('appointment_id', '=', appointmentId).where('type', 'like', 'delivery.%').orderBy('id').execute()).map((e) => ({
      type: e.type,
      ...(JSON.parse(e.data) as Record<string, unknown>),
    }));
  /** Moves the clock to the delivery's next attempt. */
  const untilDue = async (id: string) => t.clock.set(new Date((await deliveryRow(id)).next_attempt_at));

  it('queues a delivery in the sealing transaction only when the procedure has a connector', async () => {
    const none = await sealedFor('none');
    expect(none.delivery).toBeUndefined();
    const rest = await sealedFor('rest');
    expect(rest.delivery).toMatchObject({ organisation_id: t.orgA.id, appointment_id: rest.appointmentId, connector: 'rest', state: 'pending', attempts: 0, reference: null });
    expect(rest.delivery?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await eventsOf(rest.appointmentId)).toEqual([{ type: 'delivery.queued', deliveryId: rest.delivery?.id, packageId: rest.pkg.id, connector: 'rest' }]);
    // Delivered here so that it does not linger into the next tests.
    await receiver.listen(receiverPort);
    try {
      await t.app.deliveries.runDue();
      expect((await deliveryRow(rest.delivery?.id ?? '')).state).toBe('acknowledged');
    } finally {
      await receiver.close();
    }
  });

  it('retries through a refused connection, 500s and a timeout, and the receiver accepts the package exactly once', async () => {
    const { delivery, appointmentId, pkg } = await sealedFor('rest');
    const id = delivery?.id ?? '';
    receiver.requests.length = 0;
    // Retention (issue 7) runs between the attempts with every period at 0 days on a closed appointment: only the acknowledgement stands between the evidence and its purge.
    await t.ctx.db.updateTable('appointments').set({ status: 'completed', updated_at: t.clock.now().toISOString() }).where('id', '=', appointmentId).execute();
    await t.ctx.db
      .insertInto('organisation_settings')
      .values({ organisation_id: t.orgA.id, texts: '{}', retention: JSON.stringify({ documentsDays: 0, recordingsDays: 0, evidenceDays: 0, appointmentsDays: 0 }), logo_type: null, logo_data: null, logo_sha256: null, updated_at: t.clock.now().toISOString() })
      .execute();
    const nothingPurged = async () => {
      await t.app.retention.runDue();
      expect(await t.ctx.blobs.stat(pkg.blob_id)).not.toBeNull();
      expect((await t.ctx.db.selectFrom('appointments').select('citizen_email').where('id', '=', appointmentId).executeTakeFirstOrThrow()).citizen_email).not.toBe('');
    };

    // 1. Nothing listens: the connection is refused.
    expect(await t.app.deliveries.runDue()).toBe(0);
    let row = await deliveryRow(id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lease_owner: null, lease_until: null });
    expect(row.last_error).toContain('ECONNREFUSED');
    expect(Date.parse(row.next_attempt_at)).toBeGreaterThan(t.clock.now().getTime());
    // Not due yet: nothing is attempted.
    await t.app.deliveries.runDue();
    expect((await deliveryRow(id)).attempts).toBe(1);
    await nothingPurged();

    // 2. The receiver is up but failing.
    await receiver.listen(receiverPort);
    receiver.mode = 'fail500';
    await untilDue(id);
    await t.app.deliveries.runDue();
    row = await deliveryRow(id);
    expect(row).toMatchObject({ state: 'pending', attempts: 2, last_error: 'HTTP 500' });
    await nothingPurged();

    // 3. It hangs: the attempt times out.
    receiver.mode = 'hang';
    await untilDue(id);
    await t.app.deliveries.runDue();
    row = await deliveryRow(id);
    expect(row).toMatchObject({ state: 'pending', attempts: 3, last_error: 'timeout' });

    // A retention job would find nothing acknowledged yet.
    expect(await deliveryRepo.acknowledged(t.ctx.db, t.orgA.id, appointmentId)).toBe(false);
    await nothingPurged();

    // 4. It accepts: checks the signature, downloads the package through the link and checks its SHA-256.
    receiver.mode = 'accept';
    await untilDue(id);
    expect(await t.app.deliveries.runDue()).toBe(1);
    row = await deliveryRow(id);
    expect(row).toMatchObject({ state: 'acknowledged', attempts: 4, reference: 'EXP-2', last_error: null, acknowledged_at: t.clock.now().toISOString() });
    expect(receiver.problems).toEqual([]);
    expect(receiver.accepted.get(id)).toBe('EXP-2');
    expect(await deliveryRepo.acknowledged(t.ctx.db, t.orgA.id, appointmentId)).toBe(true);

    // Nothing more is ever sent for it.
    t.clock.advance(7 * 24 * 3_600_000);
    await t.app.deliveries.runDue();
    expect(receiver.requests.filter((r) => r.deliveryId === id).map((r) => r.answered)).toEqual([500, null, 201]);
    expect(receiver.duplicates).toBe(0);

    // Every attempt is in the appointment's history; the handover in the audit trail.
    const events = await eventsOf(appointmentId);
    expect(events.map((e) => [e.type, e.attempt ?? null, e.error ?? e.reference ?? null])).toEqual([
      ['delivery.queued', null, null],
      ['delivery.failed', 1, expect.stringContaining('ECONNREFUSED')],
      ['delivery.failed', 2, 'HTTP 500'],
      ['delivery.failed', 3, 'timeout'],
      ['delivery.downloaded', null, null],
      ['delivery.acknowledged', 4, 'EXP-2'],
    ]);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['actor', 'action', 'target']).where('appointment_id', '=', appointmentId).orderBy('seq').execute();
    expect(audit).toEqual([
      { actor: 'connector:rest', action: 'evidence.downloaded_by_receiver', target: `evidence:${pkg.id}` },
      { actor: 'connector:rest', action: 'evidence.delivered', target: `evidence:${pkg.id}` },
    ]);

    // Acknowledged: the next retention round purges — the package's blob is crypto-shredded, the citizen's data minimised, the acknowledgement kept.
    await t.app.retention.runDue();
    expect(await t.ctx.blobs.stat(pkg.blob_id)).toBeNull();
    expect((await t.ctx.db.selectFrom('appointments').select('citizen_email').where('id', '=', appointmentId).executeTakeFirstOrThrow()).citizen_email).toBe('');
    expect(await deliveryRow(id)).toMatchObject({ state: 'acknowledged', reference: 'EXP-2' });
    expect((await t.ctx.db.selectFrom('appointment_events').select('type').where('appointment_id', '=', appointmentId).where('type', '=', 'retention.purged').execute()).length).toBe(1);
    await t.ctx.db.deleteFrom('organisation_settings').where('organisation_id', '=', t.orgA.id).execute();
    await receiver.close();
  }, 30_000);

  it('serves a package only through an unexpired link it signed', async () => {
    const { delivery } = await sealedFor('rest');
    const id = delivery?.id ?? '';
    const links: string[] = [];
    const worker = new DeliveryWorker(t.ctx, {
      connectors: {
        rest: {
          kind: 'rest',
          attempt: (item) => {
            links.push(item.downloadLink().url);
            return Promise.resolve({ status: 'acknowledged', reference: 'REF-LINK' });
          },
        },
      },
    });
    await worker.runDue();
    const url = new URL(links[0] ?? '');
    expect(url.host).toBe('alfa.test');
    const get = (pathAndQuery: string, host = 'alfa.test') => t.app.http.inject({ method: 'GET', url: pathAndQuery, headers: { host } });
    const ok = await get(`${url.pathname}${url.search}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-content-sha256']).toBe((await t.ctx.db.selectFrom('evidence_packages').select('sha256').where('id', '=', (await deliveryRow(id)).package_id).executeTakeFirstOrThrow()).sha256);
    // Another organisation's host, a changed signature or expiry: not found.
    expect((await get(`${url.pathname}${url.search}`, 'beta.test')).statusCode).toBe(404);
    const tampered = url.search.replace(/signature=([0-9a-f])/, (_m, c: string) => `signature=${c === '0' ? '1' : '0'}`);
    expect((await get(`${url.pathname}${tampered}`)).statusCode).toBe(404);
    const stretched = url.search.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`);
    expect((await get(`${url.pathname}${stretched}`)).statusCode).toBe(404);
    expect((await get(`${url.pathname}?expires=1`)).statusCode).toBe(400);
    // Past its expiry (24 h): gone.
    t.clock.advance(25 * 3_600_000);
    const expired = await get(`${url.pathname}${url.search}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.id).toBe('delivery_link_expired');
  });

  it('keeps a long attempt’s lease alive, so no other worker takes the delivery over meanwhile', async () => {
    const { delivery, appointmentId } = await sealedFor('rest');
    const id = delivery?.id ?? '';
    let release: () => void = () => undefined;
    const slow = new DeliveryWorker(t.ctx, {
      leaseMs: 3000,
      connectors: {
        rest: { kind: 'rest', attempt: () => new Promise((resolve) => (release = () => resolve({ status: 'acknowledged', reference: 'REF-SLOW' }))) },
      },
    });
    let otherAttempts = 0;
    const other = new DeliveryWorker(t.ctx, {
      connectors: { rest: { kind: 'rest', attempt: () => ((otherAttempts += 1), Promise.resolve({ status: 'failed', error: 'HTTP 500' })) } },
    });
    const first = slow.runDue();
    const leaseOf = async () => (await deliveryRow(id)).lease_until;
    await waitFor('the slow attempt to start', 5000, async () => (await leaseOf()) !== null);
    const initial = await leaseOf();
    t.clock.advance(2000);
    // The heartbeat (every lease / 3) moves the lease on from the current time.
    await waitFor('the lease to move on', 5000, async () => (await leaseOf()) !== initial);
    t.clock.advance(2000);
    expect(t.clock.now().getTime()).toBeGreaterThan(Date.parse(initial ?? ''));
    await other.runDue();
    expect(otherAttempts).toBe(0);
    release();
    expect(await first).toBe(1);
    expect(await deliveryRow(id)).toMatchObject({ state: 'acknowledged', reference: 'REF-SLOW', attempts: 1 });
    expect(await deliveryRepo.acknowledged(t.ctx.db, t.orgA.id, appointmentId)).toBe(true);
  }, 20_000);

  it('lets one worker at a time attempt a delivery when two race for them (two contexts on one database)', async () => {
    const sealed = [await sealedFor('rest'), await sealedFor('rest'), await sealedFor('rest')];
    const ids = sealed.map((s) => s.delivery?.id ?? '');
    await receiver.listen(receiverPort);
    receiver.mode = 'accept';
    receiver.failFirst = true;
    receiver.delayMs = 150;
    receiver.requests.length = 0;
    // On PostgreSQL a second context with its own pool (a second node); on SQLite the same connection (see reminders.test.ts).
    const ctx2 = dialect === 'postgres' ? await createContext(t.ctx.config, { clock: t.clock, mail: t.mail, migrate: false }) : t.ctx;
    const other = new DeliveryWorker(ctx2);
    try {
      for (let round = 0; round < 6 && (await t.ctx.db.selectFrom('deliveries').select('id').where('state', '=', 'pending').execute()).length > 0; round++) {
        await Promise.all([t.app.deliveries.runDue(), other.runDue(), t.app.deliveries.runDue(), other.runDue()]);
        t.clock.advance(7 * 3_600_000);
      }
      for (const id of ids) {
        const row = await deliveryRow(id);
        expect(row.state).toBe('acknowledged');
        // One refused (the receiver's first answer), one accepted: no attempt was made twice.
        expect(row.attempts).toBe(2);
        expect(receiver.requests.filter((r) => r.deliveryId === id).map((r) => r.answered)).toEqual([500, 201]);
      }
      expect(receiver.maxInFlightPerDelivery).toBe(1);
      expect(receiver.duplicates).toBe(0);
      expect(receiver.problems).toEqual([]);
    } finally {
      if (ctx2 !== t.ctx) await closeContext(ctx2);
      receiver.failFirst = false;
      receiver.delayMs = 0;
      await receiver.close();
    }
  }, 30_000);

  it('writes package and metadata atomically into the drop folder, and is acknowledged by the receiver’s receipt', async () => {
    const { delivery, pkg, appointmentId } = await sealedFor('drop_folder');
    const id = delivery?.id ?? '';
    await t.app.deliveries.runDue();
    const files = fs.readdirSync(dropDir).filter((f) => f.startsWith(id) || f.endsWith('.tmp'));
    expect(files.sort()).toEqual([`${id}.asice`, `${id}.json`]);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(fs.readFileSync(path.join(dropDir, `${id}.asice`))).digest('hex')).toBe(pkg.sha256);
    const metadata = JSON.parse(fs.readFileSync(path.join(dropDir, `${id}.json`), 'utf8')) as { deliveryId: string; package: { sha256: string; file: string } };
    expect(metadata).toMatchObject({ deliveryId: id, package: { sha256: pkg.sha256, file: `${id}.asice` } });
    expect(await deliveryRow(id)).toMatchObject({ state: 'pending', attempts: 1, last_error: null });

    // Polled again a minute later: still no receipt, nothing rewritten, nothing added to the history.
    t.clock.advance(60_000);
    await t.app.deliveries.runDue();
    expect((await deliveryRow(id)).state).toBe('pending');

    fs.writeFileSync(path.join(dropDir, `${id}.ack.json`), JSON.stringify({ reference: 'GEX/2026/0042' }));
    t.clock.advance(60_000);
    await t.app.deliveries.runDue();
    expect(await deliveryRow(id)).toMatchObject({ state: 'acknowledged', reference: 'GEX/2026/0042' });
    expect((await eventsOf(appointmentId)).map((e) => e.type)).toEqual(['delivery.queued', 'delivery.handed_over', 'delivery.acknowledged']);
  });

  it('lists deliveries for supervisors and administrators only, and retries a dead letter; supervisors are emailed once', async () => {
    const { delivery, appointmentId } = await sealedFor('rest');
    const id = delivery?.id ?? '';
    t.mail.sent.length = 0;
    // The receiver is down for good.
    await t.app.deliveries.runDue();
    t.clock.set(new Date(Date.parse((await deliveryRow(id)).dead_after) - 1000));
    await t.app.deliveries.runDue();
    expect((await deliveryRow(id)).state).toBe('pending');
    t.clock.advance(1000);
    await t.app.deliveries.runDue();
    const dead = await deliveryRow(id);
    expect(dead).toMatchObject({ state: 'dead', dead_at: t.clock.now().toISOString() });
    expect(dead.alerted_at).not.toBeNull();
    const alerts = () => t.mail.sent.filter((m) => m.subject.includes('No s’ha pogut lliurar'));
    expect(alerts().map((m) => m.to).sort()).toEqual(['admin@alfa.finestreta.test', 'supervisora@alfa.test']);
    t.clock.advance(24 * 3_600_000);
    await t.app.deliveries.runDue();
    expect(alerts()).toHaveLength(2);
    expect((await eventsOf(appointmentId)).at(-1)).toMatchObject({ type: 'delivery.dead' });
    expect((await t.app.http.inject({ method: 'GET', url: '/metrics' })).body).toContain('finestreta_deliveries{state="dead"} 1');

    // Signed in now: sessions are counted in server time, which moved on three days.
    const supervisor = await staffSession(t, 'supervisora@alfa.test', 'a supervisor password 1');
    const adminAccount = t.orgA.accounts.find((a) => a.role === 'admin');
    const agentAccount = t.orgA.accounts.find((a) => a.role === 'agent');
    if (!adminAccount || !agentAccount) throw new Error('no seeded admin or agent');
    const admin = await staffSession(t, adminAccount.email, adminAccount.password);
    const agent = await staffSession(t, agentAccount.email, agentAccount.password);
    const as = (s: Session, method: 'GET' | 'POST', url: string, host = 'alfa.test') =>
      t.app.http.inject({ method, url, headers: { host, cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(method === 'POST' ? { payload: {} } : {}) });
    // Agents: 403; unknown or another organisation's id: 404; bad id: 400.
    expect((await as(agent, 'GET', '/api/staff/deliveries')).statusCode).toBe(403);
    expect((await as(agent, 'POST', `/api/staff/deliveries/${id}/retry`)).statusCode).toBe(403);
    expect((await as(supervisor, 'POST', '/api/staff/deliveries/00000000-0000-4000-8000-000000000000/retry')).statusCode).toBe(404);
    expect((await as(supervisor, 'POST', '/api/staff/deliveries/nope/retry')).statusCode).toBe(400);
    expect((await as(supervisor, 'GET', '/api/staff/deliveries?state=lost')).statusCode).toBe(400);

    const list = await as(supervisor, 'GET', '/api/staff/deliveries?state=dead');
    expect(list.statusCode).toBe(200);
    expect(list.json().data.deliveries).toEqual([expect.objectContaining({ id, state: 'dead', attempts: dead.attempts, nextAttemptAt: null, lastError: expect.stringContaining('ECONNREFUSED') })]);
    const all = await as(admin, 'GET', '/api/staff/deliveries');
    expect(all.json().data.deliveries.map((d: { id: string }) => d.id)).toContain(id);

    const retried = await as(supervisor, 'POST', `/api/staff/deliveries/${id}/retry`);
    expect(retried.statusCode).toBe(204);
    expect(await deliveryRow(id)).toMatchObject({ state: 'pending', next_attempt_at: t.clock.now().toISOString(), alerted_at: null, dead_at: null });
    expect((await eventsOf(appointmentId)).at(-1)).toMatchObject({ type: 'delivery.retried', was: 'dead' });
    // The audit entry is written just after the answer has gone.
    await expect.poll(async () => (await t.ctx.db.selectFrom('audit_log').select(['action']).where('action', '=', 'delivery.retried').execute()).length).toBe(1);

    // The receiver is back: delivered, and an acknowledged delivery cannot be retried.
    await receiver.listen(receiverPort);
    receiver.mode = 'accept';
    await t.app.deliveries.runDue();
    await receiver.close();
    expect((await deliveryRow(id)).state).toBe('acknowledged');
    const again = await as(admin, 'POST', `/api/staff/deliveries/${id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.id).toBe('delivery_acknowledged');
  }, 30_000);
});
