import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { closeContext, createContext } from '../bootstrap.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { sealEvidencePackage } from '../evidence-package/package.service.ts';
import { takeSnapshot } from '../snapshots/snapshots.service.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { createStaff } from '../staff/staff.service.ts';
import { purgeAppointment, RETENTION_ACTOR } from './retention.service.ts';
import { withRetentionColumns } from './retention.tables.ts';
import { RetentionJob } from './retention.worker.ts';

const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const DAY = 86_400_000;

/** Reads a blob to the end; rejects when it cannot be read (it was crypto-shredded). */
async function readAll(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

/**
 * Retention with crypto-shredding (issue 7), on both engines: what an
 * appointment held — a document, the recording (file and chunks), an ID
 * snapshot, the sealed package — stays while case management has not
 * acknowledged the evidence, however long; after the acknowledgement each
 * kind goes at the end of its period (packages counted from the
 * acknowledgement), the citizen's personal data are minimised, and the
 * appointment keeps its reference, hashes and the acknowledgement. A legal
 * hold stops everything until released. Every purge is in the history and
 * the audit trail.
 */
describe.each(DIALECTS)('retention (%s)', (dialect) => {
  let t: TestApp;
  let org: Organisation;
  let admin: Staff;
  let padro = '';
  let n = 0;
  let supervisor: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 4 });
    org = await t.ctx.db.selectFrom('organisations').selectAll().where('id', '=', t.orgA.id).executeTakeFirstOrThrow();
    padro = await procedureId(t, t.orgA.id);
    const adminAccount = t.orgA.accounts.find((a) => a.role === 'admin');
    admin = await t.ctx.db.selectFrom('staff').selectAll().where('email', '=', adminAccount?.email ?? '').executeTakeFirstOrThrow();
    const created = await createStaff(t.ctx.db, t.orgA.id, { email: 'supervisora@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a supervisor password 1' }, DEFAULT_NOW);
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: created.id, office_id: office.id }).execute();
    supervisor = await staffSession(t, 'supervisora@alfa.test', 'a supervisor password 1');
    // The organisation's own periods: documents 30 days, recordings 60, evidence 100 (after the acknowledgement), personal data 90.
    await t.ctx.db
      .insertInto('organisation_settings')
      .values({ organisation_id: t.orgA.id, texts: '{}', retention: JSON.stringify({ documentsDays: 30, recordingsDays: 60, evidenceDays: 100, appointmentsDays: 90 }), logo_type: null, logo_data: null, logo_sha256: null, updated_at: DEFAULT_NOW.toISOString() })
      .execute();
  }, 60_000);

  afterAll(async () => t.close());

  beforeEach(() => {
    t.clock.set(DEFAULT_NOW);
  });

  async function blob(bytes: Buffer): Promise<{ id: string; sha256: string; size: number }> {
    const id = randomUUID();
    await t.ctx.blobs.create(id);
    await t.ctx.blobs.append(id, 0, Readable.from([bytes]));
    return { id, ...(await t.ctx.blobs.finish(id)) };
  }

  /**
   * A finished video appointment holding everything retention purges: a
   * document, an ID snapshot, a recording (one chunk and the file), a chat
   * line, the form's answers, and a sealed package (queued for delivery when
   * the procedure has a connector). Closed at DEFAULT_NOW + 1 hour.
   */
  async function finishedAppointment(connector: 'rest' | 'none') {
    n++;
    t.clock.set(DEFAULT_NOW);
    await t.ctx.db.updateTable('procedures').set({ delivery_connector: connector }).where('id', '=', padro).execute();
    const number = 40_000_000 + n;
    const startsAt = new Date(Date.UTC(2026, 2, 3 + Math.floor(n / 5), 8 + (n % 5))).toISOString();
    const res = await book(t, { procedureId: padro, startsAt, citizen: { email: `retencio${n}@example.org`, idNumber: `${number}${NIF_LETTERS[number % 23] ?? ''}` } });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', res.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow();
    const at = t.clock.now().toISOString();

    const doc = await blob(Buffer.from('%PDF-1.4 a citizen document'));
    await t.ctx.db
      .insertInto('documents')
      .values({ id: doc.id, organisation_id: org.id, appointment_id: id, requirement_id: null, blob_id: doc.id, file_name: 'DNI Joan Garcia.pdf', media_type: 'application/pdf', size: doc.size, sha256: doc.sha256, scan_status: 'clean', scan_signature: null, scan_attempts: 0, scan_lease_until: null, review_status: 'accepted', rejection_reason: null, reviewed_by: null, reviewed_at: null, uploaded_by: 'citizen', uploaded_at: at, superseded_at: null, purged_at: null })
      .execute();

    await t.ctx.db.updateTable('appointments').set({ status: 'in_call' }).where('id', '=', id).execute();
    const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(2048, n), Buffer.from('ffd9', 'hex')]);
    await takeSnapshot(t.ctx, org, admin, id, 'id_front', 'image/jpeg', Readable.from([jpeg]));

    const chunk = await blob(Buffer.alloc(4096, 1));
    const file = await blob(Buffer.alloc(8192, 2));
    const recordingId = randomUUID();
    const segmentId = randomUUID();
    await t.ctx.db
      .insertInto('recordings')
      .values({ id: recordingId, organisation_id: org.id, appointment_id: id, status: 'ready', started_by: `staff:${admin.id}`, started_at: at, stopped_at: at, file_blob_id: file.id, file_size: file.size, file_sha256: file.sha256, duration_ms: 1000, finalised_at: at, updated_at: at })
      .execute();
    await t.ctx.db.insertInto('recording_segments').values({ id: segmentId, organisation_id: org.id, recording_id: recordingId, number: 1, started_by: `staff:${admin.id}`, started_at: at, ended_at: at, end_reason: 'stopped' }).execute();
    await t.ctx.db.insertInto('recording_chunks').values({ organisation_id: org.id, segment_id: segmentId, seq: 0, size: chunk.size, sha256: chunk.sha256, blob_id: chunk.id, received_at: at }).execute();
    await bookingRepo.addEvent(t.ctx.db, org.id, id, 'call.chat', 'citizen', at, { messageId: randomUUID(), from: 'citizen', text: 'Em dic Joan Garcia i visc al carrer Major' });

    const sealed = await sealEvidencePackage(t.ctx, org, id, 'system');
    const closedAt = new Date(DEFAULT_NOW.getTime() + 3_600_000).toISOString();
    await t.ctx.db.updateTable('appointments').set({ status: 'completed', updated_at: closedAt }).where('id', '=', id).execute();
    const delivery = await t.ctx.db.selectFrom('deliveries').selectAll().where('package_id', '=', sealed.row.id).executeTakeFirst();
    return { id, closedAt, delivery, blobs: { document: doc.id, snapshot: (await snapshotRow(id)).blob_id, chunk: chunk.id, recording: file.id, package: sealed.row.blob_id } };
  }

  const snapshotRow = (appointmentId: string) => t.ctx.db.selectFrom('identification_snapshots').select(['blob_id', 'sha256']).where('appointment_id', '=', appointmentId).executeTakeFirstOrThrow();
  const acknowledge = (deliveryId: string, atIso: string) =>
    t.ctx.db.updateTable('deliveries').set({ state: 'acknowledged', reference: 'EXP-R', acknowledged_at: atIso, last_error: null }).where('id', '=', deliveryId).execute();
  const present = async (blobs: Record<string, string>) => {
    const out: Record<string, boolean> = {};
    for (const [kind, id] of Object.entries(blobs)) out[kind] = (await t.ctx.blobs.stat(id)) !== null;
    return out;
  };
  const purgeEvents = async (appointmentId: string) =>
    (await t.ctx.db.selectFrom('appointment_events').select(['actor', 'data']).where('appointment_id', '=', appointmentId).where('type', '=', 'retention.purged').orderBy('id').execute()).map(
      (e): Record<string, unknown> => ({ actor: e.actor, ...(JSON.parse(e.data) as Record<string, unknown>) }),
    );
  const purgeAudit = (appointmentId: string) =>
    t.ctx.db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('appointment_id', '=', appointmentId).where('action', '=', 'retention.purged').orderBy('seq').execute();
  const ALL = { document: true, snapshot: true, chunk: true, recording: true, package: true };

  it('purges nothing before case management acknowledged the evidence, however long after the periods, and each kind after its period once it did', async () => {
    const a = await finishedAppointment('rest');
    const deliveryId = a.delivery?.id ?? '';
    expect(a.delivery?.state).toBe('pending');

    // Two years later, the delivery still pending: everything kept.
    t.clock.set(new Date(Date.parse(a.closedAt) + 730 * DAY));
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual(ALL);
    // Nor a dead letter.
    await t.ctx.db.updateTable('deliveries').set({ state: 'dead', dead_at: a.closedAt }).where('id', '=', deliveryId).execute();
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual(ALL);
    expect(await purgeEvents(a.id)).toEqual([]);

    // Acknowledged at day 730: documents, recording and snapshot (past 30 and 60 days after the close) and personal data (90) go; the package waits 100 days from the acknowledgement.
    const ackAt = t.clock.now().toISOString();
    await acknowledge(deliveryId, ackAt);
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual({ document: false, snapshot: false, chunk: false, recording: false, package: true });
    await expect(readAll(t.ctx.blobs.read(a.blobs.document))).rejects.toThrow();
    await expect(readAll(t.ctx.blobs.read(a.blobs.recording))).rejects.toThrow();
    const appointment = await withRetentionColumns(t.ctx.db).selectFrom('appointments').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(appointment).toMatchObject({ citizen_name: '', citizen_surnames: '', citizen_id_number: '', citizen_email: '', citizen_phone: '', status: 'completed', minimised_at: ackAt });
    expect(appointment.reference).toMatch(/\S/);
    // The hashes stay; the chat line keeps its id and sender, not its text; the document's name goes.
    expect((await snapshotRow(a.id)).sha256).toMatch(/^[0-9a-f]{64}$/);
    const docRow = await t.ctx.db.selectFrom('documents').select(['blob_id', 'purged_at', 'sha256', 'file_name']).where('appointment_id', '=', a.id).executeTakeFirstOrThrow();
    expect(docRow).toMatchObject({ blob_id: null, purged_at: ackAt, file_name: '' });
    expect(docRow.sha256).toMatch(/^[0-9a-f]{64}$/);
    const chat = await t.ctx.db.selectFrom('appointment_events').select('data').where('appointment_id', '=', a.id).where('type', '=', 'call.chat').executeTakeFirstOrThrow();
    expect(JSON.parse(chat.data)).toEqual({ messageId: expect.any(String), from: 'citizen' });
    // The staff page still opens, without the citizen's details.
    const admin = t.orgA.accounts.find((s) => s.role === 'admin');
    const session = await staffSession(t, admin?.email ?? '', admin?.password ?? '');
    const page = await t.app.http.inject({ method: 'GET', url: `/api/staff/appointments/${a.id}`, headers: { host: 'alfa.test', cookie: session.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('retencio');
    expect(page.body).not.toContain('Joan Garcia');

    // 99 days after the acknowledgement the package is still there; after 100 it goes.
    t.clock.set(new Date(Date.parse(ackAt) + 99 * DAY));
    await t.app.retention.runDue();
    expect((await present(a.blobs)).package).toBe(true);
    t.clock.set(new Date(Date.parse(ackAt) + 100 * DAY));
    await t.app.retention.runDue();
    expect((await present(a.blobs)).package).toBe(false);
    await expect(readAll(t.ctx.blobs.read(a.blobs.package))).rejects.toThrow();
    // Staff asking for the bytes are told they are gone (410), not a failed download.
    const fresh = await staffSession(t, admin?.email ?? '', admin?.password ?? '');
    const snapshotId = (await t.ctx.db.selectFrom('identification_snapshots').select('id').where('appointment_id', '=', a.id).executeTakeFirstOrThrow()).id;
    const packageId = (await t.ctx.db.selectFrom('evidence_packages').select('id').where('appointment_id', '=', a.id).executeTakeFirstOrThrow()).id;
    for (const url of [`/api/staff/appointments/${a.id}/snapshots/${snapshotId}/content`, `/api/staff/appointments/${a.id}/evidence/${packageId}`, `/api/staff/appointments/${a.id}/recording/content`]) {
      const gone = await t.app.http.inject({ method: 'GET', url, headers: { host: 'alfa.test', cookie: fresh.cookie, 'accept-language': 'en' } });
      expect(gone.statusCode, url).toBe(410);
      expect(gone.json().error).toMatchObject({ id: 'purged_by_retention', message: expect.stringContaining('retention period') });
    }
    // Nor can a new package be sealed from what is gone: a clear refusal, nothing sealed.
    const packages = async () => (await t.ctx.db.selectFrom('evidence_packages').select('id').where('appointment_id', '=', a.id).execute()).length;
    const before = await packages();
    const seal = await t.app.http.inject({ method: 'POST', url: `/api/staff/appointments/${a.id}/evidence`, headers: { host: 'alfa.test', cookie: fresh.cookie, 'x-csrf-token': fresh.csrf, 'accept-language': 'en' }, payload: {} });
    expect(seal.statusCode).toBe(409);
    expect(seal.json().error).toMatchObject({ id: 'evidence_purged', message: expect.stringContaining('retention period') });
    expect(await packages()).toBe(before);

    // The acknowledgement and the package's hash are kept.
    expect(await t.ctx.db.selectFrom('deliveries').select(['state', 'reference', 'acknowledged_at']).where('id', '=', deliveryId).executeTakeFirstOrThrow()).toEqual({ state: 'acknowledged', reference: 'EXP-R', acknowledged_at: ackAt });
    expect((await t.ctx.db.selectFrom('evidence_packages').select('sha256').where('appointment_id', '=', a.id).executeTakeFirstOrThrow()).sha256).toMatch(/^[0-9a-f]{64}$/);

    // Two purges, each in the history (kinds and counts, no personal data) and the audit trail.
    expect(await purgeEvents(a.id)).toEqual([
      { actor: RETENTION_ACTOR, reason: 'retention_period', purged: { documents: 1, recordings: 1, snapshots: 1, packages: 0, personalData: 1 } },
      { actor: RETENTION_ACTOR, reason: 'retention_period', purged: { documents: 0, recordings: 0, snapshots: 0, packages: 1, personalData: 0 } },
    ]);
    const audit = await purgeAudit(a.id);
    expect(audit.map((r) => [r.actor, JSON.parse(r.details) as unknown])).toEqual([
      [RETENTION_ACTOR, { reason: 'retention_period', documents: 1, recordings: 1, snapshots: 1, packages: 0, personalData: 1 }],
      [RETENTION_ACTOR, { reason: 'retention_period', documents: 0, recordings: 0, snapshots: 0, packages: 1, personalData: 0 }],
    ]);

    // Nothing more to do: another round records nothing.
    await t.app.retention.runDue();
    expect(await purgeEvents(a.id)).toHaveLength(2);
  }, 60_000);

  it('follows each period without a connector: documents after 30 days, recordings after 60, personal data after 90, the package after 100', async () => {
    const a = await finishedAppointment('none');
    expect(a.delivery).toBeUndefined();
    const at = (days: number) => t.clock.set(new Date(Date.parse(a.closedAt) + days * DAY + 1000));
    at(29);
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual(ALL);
    at(30);
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual({ ...ALL, document: false });
    at(60);
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual({ document: false, snapshot: false, chunk: false, recording: false, package: true });
    at(90);
    await t.app.retention.runDue();
    expect((await t.ctx.db.selectFrom('appointments').select('citizen_email').where('id', '=', a.id).executeTakeFirstOrThrow()).citizen_email).toBe('');
    at(100);
    await t.app.retention.runDue();
    expect((await present(a.blobs)).package).toBe(false);
    expect((await purgeEvents(a.id)).map((e) => e.purged)).toEqual([
      { documents: 1, recordings: 0, snapshots: 0, packages: 0, personalData: 0 },
      { documents: 0, recordings: 1, snapshots: 1, packages: 0, personalData: 0 },
      { documents: 0, recordings: 0, snapshots: 0, packages: 0, personalData: 1 },
      { documents: 0, recordings: 0, snapshots: 0, packages: 1, personalData: 0 },
    ]);
  }, 60_000);

  it('purges nothing under a legal hold, and the next run after its release purges', async () => {
    const a = await finishedAppointment('rest');
    await acknowledge(a.delivery?.id ?? '', a.closedAt);
    const placed = await t.app.http.inject({
      method: 'POST',
      url: `/api/staff/appointments/${a.id}/legal-holds`,
      headers: { host: 'alfa.test', cookie: supervisor.cookie, 'x-csrf-token': supervisor.csrf },
      payload: { reason: 'Requeriment del jutjat 123/2026' },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const holdId = placed.json<{ data: { hold: { id: string } } }>().data.hold.id;

    t.clock.set(new Date(Date.parse(a.closedAt) + 3650 * DAY));
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual(ALL);
    expect(await purgeAppointment(t.ctx, org.id, a.id, { actor: `staff:${admin.id}`, reason: 'erasure' })).toEqual({ kept: 'legal_hold' });
    expect(await present(a.blobs)).toEqual(ALL);
    expect((await t.ctx.db.selectFrom('appointments').select('citizen_name').where('id', '=', a.id).executeTakeFirstOrThrow()).citizen_name).not.toBe('');

    // Ten years on: a new sign-in.
    const later = await staffSession(t, 'supervisora@alfa.test', 'a supervisor password 1');
    const released = await t.app.http.inject({
      method: 'POST',
      url: `/api/staff/appointments/${a.id}/legal-holds/${holdId}/release`,
      headers: { host: 'alfa.test', cookie: later.cookie, 'x-csrf-token': later.csrf },
      payload: {},
    });
    expect(released.statusCode, released.body).toBe(200);
    await t.app.retention.runDue();
    expect(await present(a.blobs)).toEqual({ document: false, snapshot: false, chunk: false, recording: false, package: false });
    expect(await purgeEvents(a.id)).toHaveLength(1);
  }, 60_000);

  it('purges each appointment once when two jobs run at the same time (two contexts on one database)', async () => {
    const all = [await finishedAppointment('none'), await finishedAppointment('none'), await finishedAppointment('none')];
    t.clock.set(new Date(Date.parse(all[0]?.closedAt ?? '') + 400 * DAY));
    // On PostgreSQL a second context with its own pool (a second node); on SQLite the same connection.
    const ctx2 = dialect === 'postgres' ? await createContext(t.ctx.config, { clock: t.clock, mail: t.mail, migrate: false }) : t.ctx;
    try {
      await Promise.all([t.app.retention.runDue(), new RetentionJob(ctx2).runDue()]);
    } finally {
      if (ctx2 !== t.ctx) await closeContext(ctx2);
    }
    for (const a of all) {
      expect(await present(a.blobs)).toEqual({ document: false, snapshot: false, chunk: false, recording: false, package: false });
      expect((await purgeEvents(a.id)).map((e) => e.purged)).toEqual([{ documents: 1, recordings: 1, snapshots: 1, packages: 1, personalData: 1 }]);
      expect(await purgeAudit(a.id)).toHaveLength(1);
    }
  }, 60_000);

  it('purges one appointment at once on request, still not before the acknowledgement nor while it is not over, and only once when asked twice at the same time', async () => {
    const a = await finishedAppointment('rest');
    const by = { actor: `staff:${admin.id}`, reason: 'data_protection_erasure' };
    expect(await purgeAppointment(t.ctx, org.id, a.id, by)).toEqual({ kept: 'awaiting_delivery' });
    expect(await present(a.blobs)).toEqual(ALL);
    await acknowledge(a.delivery?.id ?? '', a.closedAt);
    const [first, second] = await Promise.all([purgeAppointment(t.ctx, org.id, a.id, by), purgeAppointment(t.ctx, org.id, a.id, by)]);
    const counts = [first, second].map((r) => ('purged' in r ? Object.values(r.purged).reduce((x, y) => x + y, 0) : -1)).sort();
    expect(counts).toEqual([0, 5]);
    expect(await present(a.blobs)).toEqual({ document: false, snapshot: false, chunk: false, recording: false, package: false });
    expect(await purgeEvents(a.id)).toEqual([{ actor: by.actor, reason: by.reason, purged: { documents: 1, recordings: 1, snapshots: 1, packages: 1, personalData: 1 } }]);
    await expect.poll(async () => (await purgeAudit(a.id)).map((r) => r.actor)).toEqual([by.actor]);

    // Not over yet: kept. Another organisation's appointment: not found.
    t.clock.set(DEFAULT_NOW);
    const open = await book(t, { procedureId: padro, startsAt: '2026-03-10T09:00:00.000Z', citizen: { email: 'oberta@example.org', idNumber: `40999999${NIF_LETTERS[40_999_999 % 23] ?? ''}` } });
    expect(open.statusCode, open.body).toBe(201);
    const openId = (await t.ctx.db.selectFrom('appointments').select('id').where('reference', '=', open.json<{ data: { reference: string } }>().data.reference).executeTakeFirstOrThrow()).id;
    expect(await purgeAppointment(t.ctx, org.id, openId, by)).toEqual({ kept: 'not_finished' });
    await expect(purgeAppointment(t.ctx, t.orgB.id, a.id, by)).rejects.toMatchObject({ status: 404 });
  }, 60_000);
});
