import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/** An order that nothing of an appointment be purged while it is active (migration 0024). */
export interface LegalHoldsTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  /** Why (a case number, a court's order…): written by staff, shown to staff, never in logs or the audit trail. */
  reason: string;
  /** `staff:<id>`. */
  placed_by: string;
  placed_at: string;
  released_by: string | null;
  /** Null while the hold is active. */
  released_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    legal_holds: LegalHoldsTable;
  }
}

/** A stored legal hold. */
export type LegalHoldRow = Selectable<LegalHoldsTable>;

/** What a purge decided and when the blob went (see migration 0024). */
type PurgeMarks = {
  /** When retention decided to purge it; the blobs follow. */
  purged_at: string | null;
  /** When its blobs were destroyed (a snapshot's or package's `blob_id` then names nothing). */
  shredded_at: string | null;
};

/**
 * The columns migration 0024 added to other domains' tables. They are known
 * to retention's queries only (`withRetentionColumns`), not added to those
 * tables' row types: every writer of a recording, snapshot, package or
 * appointment would otherwise have to spell out columns it never sets.
 */
export type RetentionColumns = {
  recordings: PurgeMarks;
  identification_snapshots: PurgeMarks;
  evidence_packages: PurgeMarks;
  appointments: {
    /** When the citizen's personal data were removed at the end of the retention period (or on erasure). */
    minimised_at: string | null;
  };
};

/** The tables as retention's queries see them. */
export type RetentionDatabase = Database & RetentionColumns;

/** The database (or a transaction) with the columns of migration 0024 known to the query builder. */
export function withRetentionColumns(db: Db): Kysely<RetentionDatabase>;
export function withRetentionColumns(db: Transaction<Database>): Transaction<RetentionDatabase>;
export function withRetentionColumns(db: Db | Transaction<Database>): Kysely<RetentionDatabase> | Transaction<RetentionDatabase> {
  return db.withTables<RetentionColumns>();
}
