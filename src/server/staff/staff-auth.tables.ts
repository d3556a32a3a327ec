import type { ColumnType, Selectable } from 'kysely';

/** Tables and columns added by migration 0004 (staff sign-in), merged into the Database type. */
export interface StaffSessionsTable {
  id_hash: string;
  organisation_id: string;
  staff_id: string;
  csrf_token: string;
  /** How the session was opened: "password", "password+totp" or "oidc". */
  method: string;
  created_at: string;
  expires_at: string;
}

export interface OfficesTable {
  id: string;
  organisation_id: string;
  name: string;
  created_at: string;
}

export interface StaffOfficesTable {
  staff_id: string;
  office_id: string;
}

declare module '../db/schema.ts' {
  interface StaffTable {
    failed_logins: ColumnType<number, number | undefined, number>;
    locked_until: string | null;
    totp_secret: string | null;
    totp_enabled: ColumnType<number, number | undefined, number>;
    totp_last_step: number | null;
  }
  interface Database {
    staff_sessions: StaffSessionsTable;
    offices: OfficesTable;
    staff_offices: StaffOfficesTable;
  }
}

export type StaffSession = Selectable<StaffSessionsTable>;
