/**
 * Words for a document's state on the staff pages: its status as a tag (the
 * word carries the meaning, the colour only supports it), the malware scan's
 * answer (a file the scanner did not read is never called clean), sizes and
 * short hashes.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { OTHER_SLOT, type DocumentStatus, type ScanStatus } from '../../../../shared/documents.ts';
import { Tag } from '../../../components/content.tsx';
import { intlLocale } from '../../../i18n/format.ts';

/** A slot's status: a document's, or `missing` when nothing is uploaded. */
export type SlotStatus = DocumentStatus | 'missing';

/** Every slot status, for the catalogue test. */
export const SLOT_STATUSES: readonly SlotStatus[] = [
  'missing',
  'scanning',
  'uploaded',
  'not_scanned',
  'quarantined',
  'accepted',
  'rejected',
];

/** Every scan answer, for the catalogue test. */
export const SCAN_STATUSES: readonly ScanStatus[] = ['pending', 'clean', 'infected', 'too_large', 'not_configured'];

const STATUS_COLOURS: Record<SlotStatus, 'blue' | 'green' | 'grey' | 'red' | 'yellow'> = {
  missing: 'grey',
  scanning: 'blue',
  uploaded: 'blue',
  not_scanned: 'yellow',
  quarantined: 'red',
  accepted: 'green',
  rejected: 'red',
};

/** The status in words; an unknown one (a newer server) shows its id rather than nothing. */
export function documentStatusLabel(status: string, t: TFunction, exists: (key: string) => boolean): string {
  const key = `review.status.${status}`;
  return exists(key) ? t(key) : status;
}

/** A slot's or a document's status as a tag. */
export function DocumentStatusTag({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const colour = status in STATUS_COLOURS ? STATUS_COLOURS[status as SlotStatus] : 'grey';
  return <Tag colour={colour}>{documentStatusLabel(status, t, (k) => i18n.exists(k))}</Tag>;
}

/** The malware scan's answer in words, naming the signature when the scanner found one. */
export function scanLabel(scan: string, signature: string | null, t: TFunction, exists: (key: string) => boolean): string {
  if (scan === 'infected' && signature) return t('review.scan.infectedNamed', { signature });
  const key = `review.scan.${scan}`;
  return exists(key) ? t(key) : scan;
}

/** A size in bytes the way the language writes it: "850 kB", "2,4 MB". */
export function formatBytes(bytes: number, language: string): string {
  const locale = intlLocale(language);
  if (bytes < 1000) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'short' }).format(bytes);
  const [value, unit] = bytes < 1_000_000 ? [bytes / 1000, 'kilobyte'] : [bytes / 1_000_000, 'megabyte'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

/** The first 12 hex digits of a SHA-256: enough to compare by eye with another copy. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** Media types the browser can show in an `<img>`: others (HEIC, TIFF) can only be downloaded. */
export const DISPLAYABLE_IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

/** A slot's name; the server leaves the "other documents" slot's name to the client. */
export function slotName(slot: { slot: string; name: string }, t: TFunction): string {
  return slot.name || (slot.slot === OTHER_SLOT ? t('review.section.otherName') : slot.slot);
}
