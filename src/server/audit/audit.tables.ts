import type { Selectable } from 'kysely';

/** One action in the audit trail (migration 0018). */
export interface AuditLogTable {
  organisation_id: string;
  /** 1, 2, 3… per organisation, without gaps. */
  seq: number;
  at: string;
  /** `staff:<id>`, `apikey:<id>`, `system`. */
  actor: string;
  /** What was done, e.g. `document.downloaded`. */
  action: string;
  appointment_id: string | null;
  /** What it was done to besides the appointment, e.g. `document:<id>`. */
  target: string | null;
  /** Where from: the client's address as the server saw it (behind a proxy when TRUST_PROXY). */
  ip: string | null;
  /** JSON: the request's other parameters (ids, filters) — never document contents or personal data. */
  details: string;
  prev_hash: string;
  /** SHA-256 (hex) of `prev_hash` and the canonical JSON of the row's other fields. */
  hash: string;
}

declare module '../db/schema.ts' {
  interface Database {
    audit_log: AuditLogTable;
  }
}

export type AuditRow = Selectable<AuditLogTable>;
