/**
 * Keys the document review builds at run time (statuses, scan answers,
 * viewer errors, history events) are invisible to the catalogue test's scan
 * of `t('…')` calls: check here that every one exists in every language.
 * Also the small pure helpers the pages rely on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCAN_STATUSES, SLOT_STATUSES, formatBytes, shortHash } from './document-labels.tsx';
import { parseHours, REOPEN_HOURS_MAX } from './documents-reopen.tsx';
import { stepZoom } from './viewer-controls.tsx';

const here = path.dirname(fileURLToPath(import.meta.url));
type Catalog = { [key: string]: string | Catalog };

function has(catalog: Catalog, key: string): boolean {
  let node: string | Catalog | undefined = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part];
  }
  return typeof node === 'string' && node.trim().length > 0;
}

/** The history event types the server records for documents (see the issue "Secure document space"). */
const HISTORY_TYPES = [
  'document_uploaded',
  'document_viewed',
  'document_downloaded',
  'document_accepted',
  'document_rejected',
  'document_quarantined',
  'document_withdrawn',
  'documents_reopened',
  'documents_purged',
];

describe('review catalogue keys built at run time', () => {
  for (const lang of ['ca', 'es', 'en']) {
    it(`exist in ${lang}`, () => {
      const catalog = JSON.parse(readFileSync(path.join(here, '../../../i18n/locales/review', `${lang}.json`), 'utf8')) as Catalog;
      const keys = [
        ...SLOT_STATUSES.map((s) => `review.status.${s}`),
        ...SCAN_STATUSES.map((s) => `review.scan.${s}`),
        ...['load', 'password', 'invalid', 'image'].map((p) => `review.viewer.errors.${p}`),
        ...HISTORY_TYPES.map((type) => `review.history.types.${type}`),
      ];
      expect(keys.filter((key) => !has(catalog, key))).toEqual([]);
    });
  }
});

describe('document review helpers', () => {
  it('format sizes the way each language writes them', () => {
    expect(formatBytes(512, 'en')).toBe('512 byte');
    expect(formatBytes(2_400_000, 'ca')).toBe('2,4 MB');
    expect(formatBytes(850_000, 'en')).toBe('850 kB');
  });

  it('shorten a SHA-256 to its first 12 hex digits', () => {
    expect(shortHash('a'.repeat(64))).toBe('aaaaaaaaaaaa');
  });

  it('accept whole hours from 1 to 14 days only', () => {
    expect(parseHours(' 24 ')).toBe(24);
    expect(parseHours(String(REOPEN_HOURS_MAX))).toBe(REOPEN_HOURS_MAX);
    for (const bad of ['', '0', '1.5', '-3', 'abc', String(REOPEN_HOURS_MAX + 1)]) expect(parseHours(bad), bad).toBeNull();
  });

  it('step the zoom through fixed levels and stop at the ends', () => {
    expect(stepZoom(1, 1)).toBe(1.1);
    expect(stepZoom(1, -1)).toBe(0.9);
    expect(stepZoom(0.8, 1)).toBe(0.9);
    expect(stepZoom(4, 1)).toBe(4);
    expect(stepZoom(0.1, -1)).toBe(0.1);
  });
});
