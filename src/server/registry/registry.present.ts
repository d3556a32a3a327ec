import type { Organisation } from '../db/schema.ts';
import { TEST_SEAL_MARKER } from '../adapters/seal/seal.ts';
import { pickLocalised } from '../../shared/localised.ts';
import type { RegisteredView, VerificationView } from '../../shared/registry.ts';
import type { RegistryEntryRow } from './registry.tables.ts';

/** "Núria Puig i Ferrer" → "N. P. F.": enough to recognise one's own receipt, too little to identify anyone. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => /^\p{Lu}/u.test(w))
    .map((w) => `${[...w][0] ?? ''}.`)
    .join(' ');
}

/**
 * What the public verification page shows of an entry, for anyone holding
 * its CSV: the document's identity and integrity (number, date, organ,
 * procedure, type, digest), not its personal data (no ID number, no form
 * data, initials only). The document itself carries the rest.
 */
export function presentVerification(org: Organisation, entry: RegistryEntryRow, lang: string): VerificationView {
  return {
    csv: entry.csv,
    entryNumber: entry.number,
    registeredAt: entry.created_at,
    timeZone: org.time_zone,
    organ: { name: org.name, dir3: org.dir3 },
    procedure: pickLocalised(JSON.parse(entry.procedure_name) as Record<string, string>, lang),
    documentType: 'TD09',
    interestedInitials: initials(entry.interested_name),
    document: {
      available: entry.receipt_sha256 !== null,
      mediaType: 'application/pdf',
      size: entry.receipt_size,
      sha256: entry.receipt_sha256,
      testSeal: entry.receipt_seal_subject?.includes(TEST_SEAL_MARKER) ?? false,
    },
  };
}

/** What registering answers staff. */
export function presentRegistered(entry: RegistryEntryRow, verifyUrl: string): RegisteredView {
  return { number: entry.number, csv: entry.csv, registeredAt: entry.created_at, verifyUrl };
}
