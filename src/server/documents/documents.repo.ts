import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { DocumentRow, DocumentsTable, DocumentUploadsTable, UploadRow, UploadStatus } from './documents.tables.ts';
import type { ScanStatus } from '../../shared/documents.ts';

type Trx = Transaction<Database>;

/** Statuses after which an appointment is over (its documents wait only for the retention period). */
export const CLOSED_STATUSES = ['completed', 'not_conclusive', 'desisted'] as const;

/** All SQL of the document space. Every query is scoped to an organisation or to ids that already are. */
export const documentsRepo = {
  insertUpload(db: Db | Trx, row: DocumentUploadsTable) {
    return db.insertInto('document_uploads').values(row).execute();
  },

  /** An upload of the organisation, whatever its appointment (the caller checks it is the caller's). */
  upload(db: Db | Trx, organisationId: string, id: string): Promise<UploadRow | undefined> {
    return db.selectFrom('document_uploads').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  /** Moves an upload on, only from `from` (so two finishing requests cannot both complete it). */
  async setUploadStatus(db: Db | Trx, id: string, from: UploadStatus, to: UploadStatus, extra: { size?: number } = {}): Promise<boolean> {
    const res = await db
      .updateTable('document_uploads')
      .set({ status: to, ...(extra.size !== undefined ? { size: extra.size } : {}) })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Uploads still receiving bytes whose time ran out. */
  expiredUploads(db: Db, nowIso: string, limit: number): Promise<UploadRow[]> {
    return db
      .selectFrom('document_uploads')
      .selectAll()
      .where('status', '=', 'receiving')
      .where('expires_at', '<=', nowIso)
      .limit(limit)
      .execute();
  },

  /** Refused or abandoned uploads whose blob has not been destroyed yet. */
  uploadsToDestroy(db: Db, limit: number): Promise<UploadRow[]> {
    return db
      .selectFrom('document_uploads')
      .selectAll()
      .where('status', 'in', ['refused', 'abandoned'])
      .where('blob_destroyed_at', 'is', null)
      .limit(limit)
      .execute();
  },

  markUploadBlobDestroyed(db: Db, id: string, atIso: string) {
    return db.updateTable('document_uploads').set({ blob_destroyed_at: atIso }).where('id', '=', id).execute();
  },

  /** Uploads of an appointment still receiving bytes (they are abandoned when it is cancelled). */
  abandonReceiving(trx: Trx, appointmentId: string) {
    return trx
      .updateTable('document_uploads')
      .set({ status: 'abandoned' })
      .where('appointment_id', '=', appointmentId)
      .where('status', '=', 'receiving')
      .execute();
  },

  /** Receiving uploads of an appointment's "other" slot (they count against its limit). */
  async countReceivingOther(db: Db | Trx, appointmentId: string, nowIso: string): Promise<number> {
    const row = await db
      .selectFrom('document_uploads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('appointment_id', '=', appointmentId)
      .where('requirement_id', 'is', null)
      .where('status', '=', 'receiving')
      .where('expires_at', '>', nowIso)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  insertDocument(trx: Trx, row: Omit<DocumentsTable, 'scan_attempts' | 'scan_lease_until'>) {
    return trx.insertInto('documents').values({ ...row, scan_attempts: 0, scan_lease_until: null }).execute();
  },

  /** The documents an appointment currently holds (not replaced, withdrawn or purged), oldest first. */
  current(db: Db | Trx, organisationId: string, appointmentId: string): Promise<DocumentRow[]> {
    return db
      .selectFrom('documents')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('superseded_at', 'is', null)
      .orderBy('uploaded_at')
      .orderBy('id')
      .execute();
  },

  /** One current document of an appointment. */
  currentOne(db: Db | Trx, organisationId: string, appointmentId: string, id: string): Promise<DocumentRow | undefined> {
    return db
      .selectFrom('documents')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('id', '=', id)
      .where('superseded_at', 'is', null)
      .executeTakeFirst();
  },

  /** A document by id alone, for the scanner (ids come from a scoped row). */
  byId(db: Db | Trx, id: string): Promise<DocumentRow | undefined> {
    return db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /**
   * Takes documents out of the appointment and marks them for shredding:
   * `superseded_at` ends their life in the space, `purged_at` tells the
   * shredder to destroy the blob. Returns how many.
   */
  async retire(trx: Trx, ids: string[], atIso: string): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await trx
      .updateTable('documents')
      .set({ superseded_at: atIso, purged_at: atIso, scan_lease_until: null })
      .where('id', 'in', ids)
      .where('purged_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  },

  /** Every not-yet-purged document of an appointment. */
  unpurged(trx: Trx | Db, appointmentId: string): Promise<Pick<DocumentRow, 'id'>[]> {
    return trx.selectFrom('documents').select('id').where('appointment_id', '=', appointmentId).where('purged_at', 'is', null).execute();
  },

  review(trx: Trx, id: string, set: Pick<DocumentsTable, 'review_status' | 'rejection_reason' | 'reviewed_by' | 'reviewed_at'>) {
    return trx.updateTable('documents').set(set).where('id', '=', id).execute();
  },

  setReopenedUntil(trx: Trx, organisationId: string, appointmentId: string, untilIso: string | null, nowIso: string) {
    return trx
      .updateTable('appointments')
      .set({ uploads_reopened_until: untilIso, updated_at: nowIso })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', appointmentId)
      .execute();
  },

  /** Documents waiting for a scan whose lease (if any) ran out. */
  scanDue(db: Db, nowIso: string, limit: number): Promise<Pick<DocumentRow, 'id' | 'scan_lease_until'>[]> {
    return db
      .selectFrom('documents')
      .select(['id', 'scan_lease_until'])
      .where('scan_status', '=', 'pending')
      .where('purged_at', 'is', null)
      .where((eb) => eb.or([eb('scan_lease_until', 'is', null), eb('scan_lease_until', '<=', nowIso)]))
      .orderBy('uploaded_at')
      .limit(limit)
      .execute();
  },

  /** Claims a scan with a conditional update; false when another node has it. */
  async claimScan(db: Db, id: string, seenLease: string | null, leaseUntilIso: string): Promise<boolean> {
    const res = await db
      .updateTable('documents')
      .set((eb) => ({ scan_lease_until: leaseUntilIso, scan_attempts: eb('scan_attempts', '+', 1) }))
      .where('id', '=', id)
      .where('scan_status', '=', 'pending')
      .where('purged_at', 'is', null)
      .where('scan_lease_until', seenLease === null ? 'is' : '=', seenLease)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Records a scan's verdict, only while the document still waits for it. */
  async finishScan(trx: Trx, id: string, status: Exclude<ScanStatus, 'pending'>, signature: string | null, sha256: string | null): Promise<boolean> {
    const res = await trx
      .updateTable('documents')
      .set({ scan_status: status, scan_signature: signature, scan_lease_until: null, ...(sha256 ? { sha256 } : {}) })
      .where('id', '=', id)
      .where('scan_status', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Lets a failed scan be retried after `retryAtIso`. */
  deferScan(db: Db, id: string, retryAtIso: string) {
    return db.updateTable('documents').set({ scan_lease_until: retryAtIso }).where('id', '=', id).execute();
  },

  /** Purged documents whose blob still exists. */
  toShred(db: Db, limit: number): Promise<Pick<DocumentRow, 'id' | 'blob_id'>[]> {
    return db
      .selectFrom('documents')
      .select(['id', 'blob_id'])
      .where('purged_at', 'is not', null)
      .where('blob_id', 'is not', null)
      .limit(limit)
      .execute();
  },

  markShredded(db: Db, id: string) {
    return db.updateTable('documents').set({ blob_id: null }).where('id', '=', id).execute();
  },
};

