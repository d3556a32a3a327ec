import type { ColumnType, Selectable } from 'kysely';

/** Invitations of new staff (migration 0020), merged into the Database type. */
export interface StaffInvitationsTable {
  id: string;
  organisation_id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  role: 'agent' | 'supervisor' | 'admin';
  /** JSON array of office ids the account joins. */
  office_ids: string;
  /** SHA-256 of the link's token; the token itself is only ever in the email. */
  token_hash: string;
  /** `staff:<id>` of the administrator who invited (or last re-sent). */
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  /** The account created on acceptance. */
  staff_id: string | null;
}

declare module '../db/schema.ts' {
  interface StaffTable {
    /** When the account last opened a session (any method); null before its first. */
    last_sign_in_at: ColumnType<string | null, string | null | undefined, string | null>;
  }
  interface Database {
    staff_invitations: StaffInvitationsTable;
  }
}

export type StaffInvitation = Selectable<StaffInvitationsTable>;
