import type { Selectable } from 'kysely';
import type { SnapshotKind } from '../../shared/snapshots.ts';

/** A frame captured from the citizen's video during identification. */
export interface IdentificationSnapshotsTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  kind: SnapshotKind;
  /** The encrypted image. */
  blob_id: string;
  /** Detected from the bytes (image/jpeg or image/png). */
  media_type: string;
  size: number;
  /** SHA-256 (hex) of the image. */
  sha256: string;
  /** `staff:<id>`. */
  taken_by: string;
  taken_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    identification_snapshots: IdentificationSnapshotsTable;
  }
}

export type SnapshotRow = Selectable<IdentificationSnapshotsTable>;
