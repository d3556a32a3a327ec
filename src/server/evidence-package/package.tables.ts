import type { ColumnType, Selectable } from 'kysely';

/** One sealed evidence package (ASiC-E) of an appointment; never changed once written. */
export interface EvidencePackagesTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  /** The package's encrypted blob. */
  blob_id: string;
  /** Bytes of the package (bigint: PostgreSQL answers a string, see `Number()` where read). */
  size: ColumnType<number | string, number, never>;
  /** SHA-256 (hex) of the package's bytes. */
  sha256: string;
  /** Files in the package besides `mimetype` and META-INF. */
  file_count: number;
  /** Subject of the seal certificate that signed the manifest. */
  seal_subject: string;
  /** 1 when the signature carries an RFC 3161 timestamp (CAdES-T), 0 otherwise (CAdES-B). */
  timestamped: number;
  /** `staff:<id>` or `system`. */
  created_by: string;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    evidence_packages: EvidencePackagesTable;
  }
}

export type EvidencePackageRow = Selectable<EvidencePackagesTable>;
