import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Database, Organisation } from '../db/schema.ts';
import { CSV_ALPHABET, CSV_RANDOM_LENGTH } from '../../shared/registry.ts';
import type { Language } from '../../shared/limits.ts';
import { registryRepo } from './registry.repo.ts';
import type { RegistryAnnex, RegistryEntriesTable, RegistryEntryRow } from './registry.tables.ts';

/**
 * The built-in registry book: each entry gets the next number of its
 * organisation's year (`REGE-2026-000123`, the year in the organisation's
 * time zone), a secure verification code and a fixed key for its receipt,
 * in one transaction with the counter, so numbers have no gaps and no
 * duplicates whatever runs concurrently, on SQLite and PostgreSQL.
 */

/** What an entry records (SICRES 4 names in brackets, see external-registry.ts). */
export interface NewRegistryEntry {
  appointmentId: string | null;
  /** The procedure and its localised names (JSON) at the time of registration (CodigoSIA, when catalogued). */
  procedure: { id: string; name: string };
  /** The interested party (Interesado): name and identity document. */
  interested: { name: string; idType: 'nif' | 'nie' | 'passport'; idNumber: string };
  /** Resumen. */
  summary: string;
  formData: Record<string, unknown>;
  /** Anexos: names and SHA-256 of the documents handed in. */
  annexes: RegistryAnnex[];
  /** The language of the receipt (the citizen's). */
  language: Language;
  /** `staff:<id>` or `system`. */
  createdBy: string;
}

/** `REGE-<year>-<6 digits>` (more digits after the millionth entry of a year). */
export function formatEntryNumber(year: number, sequence: number): string {
  return `REGE-${year}-${String(sequence).padStart(6, '0')}`;
}

/** The CSV prefix of an organisation: up to four letters or digits of its slug (so a code tells whose it is). */
export function csvPrefix(org: Pick<Organisation, 'slug'>): string {
  return org.slug.replace(/[^a-z0-9]/g, '').slice(0, 4).toUpperCase().padEnd(2, 'X');
}

/** A fresh CSV: the prefix and 100 random bits in base32, in groups of four. */
export function newCsv(org: Pick<Organisation, 'slug'>): string {
  const bytes = randomBytes(CSV_RANDOM_LENGTH);
  // One character per byte, 5 bits each: 256 is a multiple of 32, so no bias.
  const random = [...bytes].map((b) => CSV_ALPHABET[b & 31] ?? '').join('');
  return [csvPrefix(org), ...(random.match(/.{4}/g) ?? [])].join('-');
}

/** The registry year of an instant: the organisation's local calendar year. */
export function registryYear(org: Pick<Organisation, 'time_zone'>, at: Date): number {
  return DateTime.fromJSDate(at, { zone: org.time_zone }).year;
}

/** The blob key of an entry's receipt. */
export function receiptBlobId(entryId: string): string {
  return `receipt-${entryId}`;
}

/**
 * Creates an entry with the next number. `within` runs in the same
 * transaction after the insert (e.g. the appointment's history event), so
 * the entry, its number and what it causes commit or roll back together.
 */
export async function createEntry(
  ctx: AppContext,
  org: Organisation,
  input: NewRegistryEntry,
  within?: (trx: Transaction<Database>, entry: RegistryEntryRow) => Promise<unknown>,
): Promise<RegistryEntryRow> {
  const now = ctx.clock.now();
  const year = registryYear(org, now);
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    const sequence = await registryRepo.nextSequence(trx, org.id, year);
    const row: RegistryEntriesTable = {
      id,
      organisation_id: org.id,
      year,
      sequence,
      number: formatEntryNumber(year, sequence),
      csv: newCsv(org),
      appointment_id: input.appointmentId,
      procedure_id: input.procedure.id,
      procedure_name: input.procedure.name,
      interested_name: input.interested.name,
      interested_id_type: input.interested.idType,
      interested_id_number: input.interested.idNumber,
      summary: input.summary,
      form_data: JSON.stringify(input.formData),
      annexes: JSON.stringify(input.annexes),
      language: input.language,
      created_by: input.createdBy,
      created_at: now.toISOString(),
      receipt_blob_id: receiptBlobId(id),
      receipt_sha256: null,
      receipt_size: null,
      receipt_sealed_at: null,
      receipt_seal_subject: null,
    };
    await registryRepo.insert(trx, row);
    if (within) await within(trx, row);
    return row;
  });
}

/** The annexes of an entry. */
export function entryAnnexes(entry: Pick<RegistryEntryRow, 'annexes'>): RegistryAnnex[] {
  return JSON.parse(entry.annexes) as RegistryAnnex[];
}
