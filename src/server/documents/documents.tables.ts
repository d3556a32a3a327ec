import type { ColumnType, Selectable } from 'kysely';
import type { DocumentStatus, ScanStatus } from '../../shared/documents.ts';

/** Where a resumable upload is: receiving bytes, turned into a document, refused at the end, or given up. */
export type UploadStatus = 'receiving' | 'completed' | 'refused' | 'abandoned';

/** One tus upload in progress. Its id is the blob's id in the encrypted store. */
export interface DocumentUploadsTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  /** A required document's id, or null for "other documents". */
  requirement_id: string | null;
  /** Sanitised file name. */
  file_name: string;
  /** The type the browser declared (checked against the bytes at the end). */
  declared_type: string;
  /** Upload-Length, once known. */
  size: number | null;
  status: UploadStatus;
  /** Who uploads (`citizen`, `staff:<id>`). */
  actor: string;
  created_at: string;
  /** An unfinished upload is removed after this instant. */
  expires_at: string;
  /** Set once the blob of a refused or abandoned upload is destroyed. */
  blob_destroyed_at: string | null;
}

/** The office's review of a document. */
export type ReviewStatus = 'pending' | 'accepted' | 'rejected';

/** A document handed over for an appointment. */
export interface DocumentsTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  requirement_id: string | null;
  /** The encrypted blob; null once crypto-shredded. */
  blob_id: string | null;
  file_name: string;
  /** Detected from the bytes. */
  media_type: string;
  size: number;
  /** SHA-256 (hex) of the plaintext; null until computed (after a restart, by the scan job). */
  sha256: string | null;
  scan_status: ScanStatus;
  scan_signature: string | null;
  scan_attempts: number;
  /** While a node scans it: until when that node holds it. */
  scan_lease_until: string | null;
  review_status: ReviewStatus;
  rejection_reason: string | null;
  /** `staff:<id>` of the reviewer. */
  reviewed_by: string | null;
  reviewed_at: string | null;
  uploaded_by: string;
  uploaded_at: string;
  /** When a newer upload replaced it, the citizen withdrew it or it was purged: no longer current. */
  superseded_at: string | null;
  purged_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    document_uploads: DocumentUploadsTable;
    documents: DocumentsTable;
  }
  interface AppointmentsTable {
    /** While set and in the future, uploads are open past the deadline (the office re-opened them). */
    uploads_reopened_until: ColumnType<string | null, string | null | undefined, string | null>;
  }
}

/** A stored document. */
export type DocumentRow = Selectable<DocumentsTable>;
/** A stored upload. */
export type UploadRow = Selectable<DocumentUploadsTable>;

/**
 * The one status people are told, from the scan and the review: the scan
 * decides first (a quarantined file is never "accepted"; a file the scanner
 * could not read is "not scanned", never clean), then the office's review.
 */
export function documentStatusOf(d: Pick<DocumentRow, 'scan_status' | 'review_status'>): DocumentStatus {
  if (d.scan_status === 'pending') return 'scanning';
  if (d.scan_status === 'infected') return 'quarantined';
  if (d.review_status === 'accepted') return 'accepted';
  if (d.review_status === 'rejected') return 'rejected';
  if (d.scan_status === 'too_large') return 'not_scanned';
  return 'uploaded';
}
