import type { Selectable } from 'kysely';

/** The last registry number given, per organisation and year (migration 0011). */
export interface RegistryCountersTable {
  organisation_id: string;
  /** The year in the organisation's time zone. */
  year: number;
  last_number: number;
}

/** One document of an entry (an annex): its name and the digest that binds it to the entry. */
export interface RegistryAnnex {
  name: string;
  /** SHA-256 of the document's bytes, lowercase hex. */
  sha256: string;
  size: number;
}

/** One entry of the built-in registry book (migration 0011). */
export interface RegistryEntriesTable {
  id: string;
  organisation_id: string;
  year: number;
  /** 1, 2, 3 … within the organisation and year, without gaps. */
  sequence: number;
  /** `REGE-<year>-<6 digits>`. */
  number: string;
  /** The secure verification code printed on the receipt (public look-up key). */
  csv: string;
  appointment_id: string | null;
  procedure_id: string;
  /** JSON { ca, es, en, … }: the procedure's names when registered. */
  procedure_name: string;
  interested_name: string;
  interested_id_type: 'nif' | 'nie' | 'passport';
  interested_id_number: string;
  summary: string;
  /** JSON object of the procedure form's fields. */
  form_data: string;
  /** JSON array of `RegistryAnnex`. */
  annexes: string;
  language: string;
  /** Who registered it (`staff:<id>`, `system`). */
  created_by: string;
  /** Server time of registration (UTC ISO): the entry's legal time. */
  created_at: string;
  /** Blob id of the sealed receipt PDF (fixed at creation, written once sealed). */
  receipt_blob_id: string;
  receipt_sha256: string | null;
  receipt_size: number | null;
  receipt_sealed_at: string | null;
  /** Subject of the seal certificate that signed the receipt. */
  receipt_seal_subject: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    registry_counters: RegistryCountersTable;
    registry_entries: RegistryEntriesTable;
  }
}

/** A stored registry entry. */
export type RegistryEntryRow = Selectable<RegistryEntriesTable>;
