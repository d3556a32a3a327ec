import type { ColumnType, Selectable } from 'kysely';
import type { ProtocolStep } from '../../shared/protocol.ts';

/** A procedure's registry-data form (migration 0014). */
export interface ProcedureFormsTable {
  procedure_id: string;
  organisation_id: string;
  /** JSON `FormDefinition` (src/shared/procedure-forms.ts). */
  definition: string;
  updated_at: string;
}

/** A protocol step done or skipped; a step without a row is pending. */
export interface ProtocolStepsTable {
  organisation_id: string;
  appointment_id: string;
  step: ProtocolStep;
  status: 'done' | 'skipped';
  actor: string;
  at: string;
  reason: string | null;
  /** JSON object: what the step produced. */
  data: string;
}

/** The form data of an appointment's protocol, and the pending one-time code. */
export interface ProtocolFormsTable {
  appointment_id: string;
  organisation_id: string;
  /** JSON `FormData`. */
  data: string;
  /** SHA-256 (hex) of the canonical JSON of `data`. */
  sha256: string;
  saved_by: string;
  saved_at: string;
  read_aloud_at: string | null;
  otp_hash: string | null;
  otp_expires_at: string | null;
  otp_attempts: ColumnType<number, number | undefined, number>;
}

declare module '../db/schema.ts' {
  interface Database {
    procedure_forms: ProcedureFormsTable;
    protocol_steps: ProtocolStepsTable;
    protocol_forms: ProtocolFormsTable;
  }
}

/** A stored step. */
export type StepRow = Selectable<ProtocolStepsTable>;
/** A stored form. */
export type ProtocolFormRow = Selectable<ProtocolFormsTable>;
