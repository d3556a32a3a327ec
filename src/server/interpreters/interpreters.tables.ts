import type { Selectable } from 'kysely';
import type { InterpreterKind } from '../../shared/interpreters.ts';

/** An invitation link for an interpreter (migration 0010). */
export interface InterpreterInvitationsTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  kind: InterpreterKind;
  language: string | null;
  name: string | null;
  email: string | null;
  /** Staff id of who created it. */
  created_by: string;
  created_at: string;
  /** When the interpreter first opened the link and consented to the recording. */
  consented_at: string | null;
  revoked_at: string | null;
  /** Staff id of who revoked it. */
  revoked_by: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    interpreter_invitations: InterpreterInvitationsTable;
  }
}

/** A stored invitation. */
export type InvitationRow = Selectable<InterpreterInvitationsTable>;
