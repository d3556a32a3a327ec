import type { ExpressionBuilder, Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AppointmentStatus, Database } from '../db/schema.ts';
import { CLOSED_STATUSES } from '../documents/documents.repo.ts';
import { withRetentionColumns, type LegalHoldRow, type RetentionDatabase } from './retention.tables.ts';

type Trx = Transaction<Database>;

/** Statuses after which nothing more happens to an appointment: its data wait only for their retention periods. */
export const FINISHED_STATUSES = [...CLOSED_STATUSES, 'cancelled'] as const;

type AppointmentScope = ExpressionBuilder<RetentionDatabase, 'appointments' | 'procedures'>;

/**
 * The rule every purge obeys, as SQL over `appointments` joined with its
 * procedure: no active legal hold; no delivery to case management pending
 * or dead; and, when the procedure names a connector, one acknowledged by
 * the receiver (issue 7: nothing is purged before the acknowledgement). A
 * cancelled appointment never had evidence to deliver: without deliveries
 * it is not held back by its procedure's connector.
 */
function purgeable(eb: AppointmentScope) {
  const deliveries = () => eb.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.appointment_id', '=', 'appointments.id');
  return eb.and([
    eb.not(eb.exists(eb.selectFrom('legal_holds').select('legal_holds.id').whereRef('legal_holds.appointment_id', '=', 'appointments.id').where('legal_holds.released_at', 'is', null))),
    eb.not(eb.exists(deliveries().where('deliveries.state', '!=', 'acknowledged'))),
    eb.or([
      eb('procedures.delivery_connector', '=', 'none'),
      eb.exists(deliveries().where('deliveries.state', '=', 'acknowledged')),
      eb.and([eb('appointments.status', '=', 'cancelled'), eb.not(eb.exists(deliveries()))]),
    ]),
  ]);
}

/**
 * An organisation's appointments in `statuses` that the purge rule allows
 * (see {@link purgeable}), as ids; each retention query adds what it is due for.
 */
function purgeableAppointments(db: Db, organisationId: string, statuses: readonly AppointmentStatus[]) {
  return withRetentionColumns(db)
    .selectFrom('appointments')
    .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
    .select(['appointments.id', 'appointments.organisation_id'])
    .where('appointments.organisation_id', '=', organisationId)
    .where('appointments.status', 'in', [...statuses])
    .where(purgeable);
}

/** An appointment id and its organisation: what a purge needs to find the rest. */
export interface DueAppointment {
  id: string;
  organisation_id: string;
}

/** All SQL of retention and legal holds. Every query is scoped to an organisation or to ids that already are. */
export const retentionRepo = {
  /** Whether retention took anything a package is sealed from: the recording, a snapshot, a document, or the personal data. */
  async anythingPurged(db: Db, appointmentId: string): Promise<boolean> {
    const r = withRetentionColumns(db);
    const [minimised, recording, snapshot, document] = await Promise.all([
      r.selectFrom('appointments').select('id').where('id', '=', appointmentId).where('minimised_at', 'is not', null).executeTakeFirst(),
      r.selectFrom('recordings').select('id').where('appointment_id', '=', appointmentId).where('purged_at', 'is not', null).executeTakeFirst(),
      r.selectFrom('identification_snapshots').select('id').where('appointment_id', '=', appointmentId).where('purged_at', 'is not', null).executeTakeFirst(),
      db.selectFrom('documents').select('id').where('appointment_id', '=', appointmentId).where('purged_at', 'is not', null).executeTakeFirst(),
    ]);
    return Boolean(minimised ?? recording ?? snapshot ?? document);
  },

  /** Every organisation's id (the job applies each one's own periods). */
  async organisationIds(db: Db): Promise<string[]> {
    return (await db.selectFrom('organisations').select('id').orderBy('id').execute()).map((o) => o.id);
  },

  /** Closed before `beforeIso`, purgeable, still holding documents. */
  documentsDue(db: Db, organisationId: string, beforeIso: string, limit: number): Promise<DueAppointment[]> {
    return purgeableAppointments(db, organisationId, CLOSED_STATUSES)
      .where('appointments.updated_at', '<=', beforeIso)
      .where((eb) => eb.exists(eb.selectFrom('documents').select('documents.id').whereRef('documents.appointment_id', '=', 'appointments.id').where('documents.purged_at', 'is', null)))
      .limit(limit)
      .execute();
  },

  /** Closed before `beforeIso`, purgeable, still holding a recording or identification snapshots. */
  mediaDue(db: Db, organisationId: string, beforeIso: string, limit: number): Promise<DueAppointment[]> {
    return purgeableAppointments(db, organisationId, FINISHED_STATUSES)
      .where('appointments.updated_at', '<=', beforeIso)
      .where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('recordings').select('recordings.id').whereRef('recordings.appointment_id', '=', 'appointments.id').where('recordings.purged_at', 'is', null)),
          eb.exists(
            eb
              .selectFrom('identification_snapshots')
              .select('identification_snapshots.id')
              .whereRef('identification_snapshots.appointment_id', '=', 'appointments.id')
              .where('identification_snapshots.purged_at', 'is', null),
          ),
        ]),
      )
      .limit(limit)
      .execute();
  },

  /**
   * Purgeable, still holding sealed packages, and `evidenceDays` past the
   * receiver's acknowledgement (the last one, when the appointment was
   * delivered more than once); without a connector, past the close.
   */
  packagesDue(db: Db, organisationId: string, beforeIso: string, limit: number): Promise<DueAppointment[]> {
    return purgeableAppointments(db, organisationId, FINISHED_STATUSES)
      .where((eb) => eb.exists(eb.selectFrom('evidence_packages').select('evidence_packages.id').whereRef('evidence_packages.appointment_id', '=', 'appointments.id').where('evidence_packages.purged_at', 'is', null)))
      .where((eb) => {
        const deliveries = () => eb.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.appointment_id', '=', 'appointments.id');
        return eb.or([
          eb.and([eb.exists(deliveries()), eb.not(eb.exists(deliveries().where((d) => d.or([d('deliveries.acknowledged_at', 'is', null), d('deliveries.acknowledged_at', '>', beforeIso)]))))]),
          eb.and([eb.not(eb.exists(deliveries())), eb('appointments.updated_at', '<=', beforeIso)]),
        ]);
      })
      .limit(limit)
      .execute();
  },

  /** Finished before `beforeIso`, purgeable, personal data not yet minimised. */
  personalDataDue(db: Db, organisationId: string, beforeIso: string, limit: number): Promise<DueAppointment[]> {
    return purgeableAppointments(db, organisationId, FINISHED_STATUSES)
      .where('appointments.updated_at', '<=', beforeIso)
      .where('appointments.minimised_at', 'is', null)
      .limit(limit)
      .execute();
  },

  /** The appointment with what the purge rule looks at, or undefined when it is not the organisation's. */
  appointmentForPurge(db: Db | Trx, organisationId: string, appointmentId: string) {
    return db
      .selectFrom('appointments')
      .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
      .select(['appointments.id', 'appointments.organisation_id', 'appointments.status', 'procedures.delivery_connector'])
      .where('appointments.organisation_id', '=', organisationId)
      .where('appointments.id', '=', appointmentId)
      .executeTakeFirst();
  },

  /**
   * Takes the appointment's row lock for the rest of the transaction (an
   * update that changes nothing): a purge and a hold being placed on the
   * same appointment then run one after the other, so a purge never misses
   * a hold committed while it ran (PostgreSQL's read committed would let it).
   * SQLite serialises writing transactions anyway.
   */
  async lockAppointment(trx: Trx, organisationId: string, appointmentId: string): Promise<void> {
    await trx
      .updateTable('appointments')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('organisation_id', '=', organisationId)
      .where('id', '=', appointmentId)
      .execute();
  },

  /** Whether an active hold stands on the appointment. */
  async held(db: Db | Trx, appointmentId: string): Promise<boolean> {
    return (await db.selectFrom('legal_holds').select('id').where('appointment_id', '=', appointmentId).where('released_at', 'is', null).executeTakeFirst()) !== undefined;
  },

  /** The states of the appointment's deliveries to case management. */
  async deliveryStates(db: Db | Trx, appointmentId: string): Promise<string[]> {
    return (await db.selectFrom('deliveries').select('state').where('appointment_id', '=', appointmentId).execute()).map((d) => d.state);
  },

  /** Marks rows of `table` for the appointment as purged, only those not yet (a second process marks none). */
  async markPurged(trx: Trx, table: 'recordings' | 'identification_snapshots' | 'evidence_packages', appointmentId: string, atIso: string): Promise<number> {
    const res = await withRetentionColumns(trx).updateTable(table).set({ purged_at: atIso }).where('appointment_id', '=', appointmentId).where('purged_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows);
  },

  /** Purged documents of an appointment (or of any, when null) whose blob still exists. */
  documentsToShred(db: Db, appointmentId: string | null, limit: number) {
    let q = db.selectFrom('documents').select(['id', 'blob_id']).where('purged_at', 'is not', null).where('blob_id', 'is not', null);
    if (appointmentId) q = q.where('appointment_id', '=', appointmentId);
    return q.limit(limit).execute();
  },

  /** Forgets a destroyed document blob (only the one destroyed: a conditional update). */
  async documentShredded(db: Db, id: string, blobId: string): Promise<void> {
    await db.updateTable('documents').set({ blob_id: null }).where('id', '=', id).where('blob_id', '=', blobId).execute();
  },

  /** Purged recordings not yet shredded, with every blob they hold (the file and each chunk). */
  async recordingsToShred(db: Db, appointmentId: string | null, limit: number): Promise<{ id: string; blobIds: string[] }[]> {
    let q = withRetentionColumns(db).selectFrom('recordings').select(['id', 'file_blob_id']).where('purged_at', 'is not', null).where('shredded_at', 'is', null);
    if (appointmentId) q = q.where('appointment_id', '=', appointmentId);
    const rows = await q.limit(limit).execute();
    const out: { id: string; blobIds: string[] }[] = [];
    for (const r of rows) {
      const chunks = await db
        .selectFrom('recording_chunks')
        .innerJoin('recording_segments', 'recording_segments.id', 'recording_chunks.segment_id')
        .select('recording_chunks.blob_id')
        .where('recording_segments.recording_id', '=', r.id)
        .execute();
      out.push({ id: r.id, blobIds: [...(r.file_blob_id ? [r.file_blob_id] : []), ...chunks.map((c) => c.blob_id)] });
    }
    return out;
  },

  async recordingShredded(db: Db, id: string, atIso: string): Promise<void> {
    await withRetentionColumns(db).updateTable('recordings').set({ file_blob_id: null, shredded_at: atIso }).where('id', '=', id).where('shredded_at', 'is', null).execute();
  },

  /** Purged snapshots or packages not yet shredded. */
  toShred(db: Db, table: 'identification_snapshots' | 'evidence_packages', appointmentId: string | null, limit: number): Promise<{ id: string; blob_id: string }[]> {
    let q = withRetentionColumns(db).selectFrom(table).select(['id', 'blob_id']).where('purged_at', 'is not', null).where('shredded_at', 'is', null);
    if (appointmentId) q = q.where('appointment_id', '=', appointmentId);
    return q.limit(limit).execute();
  },

  async shredded(db: Db, table: 'identification_snapshots' | 'evidence_packages', id: string, atIso: string): Promise<void> {
    await withRetentionColumns(db).updateTable(table).set({ shredded_at: atIso }).where('id', '=', id).where('shredded_at', 'is', null).execute();
  },

  // Legal holds.

  insertHold(db: Db | Trx, row: LegalHoldRow) {
    return db.insertInto('legal_holds').values(row).execute();
  },

  hold(db: Db, organisationId: string, id: string): Promise<LegalHoldRow | undefined> {
    return db.selectFrom('legal_holds').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  /** Releases an active hold; false when it was not active any more (released meanwhile). */
  async releaseHold(db: Db | Trx, organisationId: string, id: string, by: string, atIso: string): Promise<boolean> {
    const res = await db
      .updateTable('legal_holds')
      .set({ released_by: by, released_at: atIso })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** An appointment's holds, newest first (the active one, if any, and those released). */
  holdsOf(db: Db, organisationId: string, appointmentId: string): Promise<LegalHoldRow[]> {
    return db
      .selectFrom('legal_holds')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .orderBy('placed_at', 'desc')
      .orderBy('id')
      .execute();
  },

  /** Active holds of the organisation with their appointment's reference and agent, oldest first; optionally of some appointments only. */
  activeHolds(db: Db, organisationId: string, opts: { agents?: string[] | null; appointmentIds?: readonly string[]; limit: number }) {
    let q = db
      .selectFrom('legal_holds')
      .innerJoin('appointments', 'appointments.id', 'legal_holds.appointment_id')
      .selectAll('legal_holds')
      .select(['appointments.reference as appointment_reference', 'appointments.agent_id as appointment_agent_id'])
      .where('legal_holds.organisation_id', '=', organisationId)
      .where('legal_holds.released_at', 'is', null);
    if (opts.agents) {
      if (opts.agents.length === 0) return Promise.resolve([]);
      q = q.where('appointments.agent_id', 'in', opts.agents);
    }
    if (opts.appointmentIds) {
      if (opts.appointmentIds.length === 0) return Promise.resolve([]);
      q = q.where('legal_holds.appointment_id', 'in', [...opts.appointmentIds]);
    }
    return q.orderBy('legal_holds.placed_at').orderBy('legal_holds.id').limit(opts.limit).execute();
  },

  /** Display names of staff members of the organisation. */
  async staffNames(db: Db, organisationId: string, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db.selectFrom('staff').select(['id', 'display_name']).where('organisation_id', '=', organisationId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.display_name]));
  },
};
