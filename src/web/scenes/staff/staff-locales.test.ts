/**
 * Keys the staff pages build at run time (statuses, roles, history events,
 * field error codes) are invisible to the catalogue test's scan of `t('…')`
 * calls: check here that every one exists in every language.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ID_TYPES } from '../../../shared/id-document.ts';
import { STATUSES } from './staff-labels.tsx';

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

const HISTORY_TYPES = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.cancelled',
  'appointment.reassigned',
  'appointment.video_offered',
  'citizen.signed_in',
  'citizen.access_locked',
  'registry.registered',
  'registry.receipt_sealed',
  'evidence.sealed',
  'evidence.downloaded',
];

const FIELD_CODES: Record<string, string[]> = {
  name: ['required', 'too_long'],
  surnames: ['required', 'too_long'],
  idType: ['required'],
  idNumber: ['required', 'too_long', ...ID_TYPES.map((type) => `invalid_${type}`)],
  email: ['required', 'too_long', 'invalid_email'],
  phone: ['required', 'too_long', 'invalid_phone'],
  language: ['required'],
  interpreterLanguage: ['required', 'too_long'],
  otherNeeds: ['required', 'too_long'],
};

describe('staff catalogue keys built at run time', () => {
  for (const lang of ['ca', 'es', 'en']) {
    it(`exist in ${lang}`, () => {
      const catalog = JSON.parse(readFileSync(path.join(here, '../../i18n/locales', `${lang}.json`), 'utf8')) as Catalog;
      const keys = [
        ...STATUSES.map((s) => `staff.status.${s}`),
        ...['agent', 'supervisor', 'admin'].map((r) => `staff.roles.${r}`),
        ...HISTORY_TYPES.map((type) => `staff.history.types.${type.replace(/\./g, '_')}`),
        ...Object.entries(FIELD_CODES).flatMap(([field, codes]) => codes.map((code) => `staff.citizen.errors.${field}.${code}`)),
      ];
      expect(keys.filter((key) => !has(catalog, key))).toEqual([]);
    });
  }
});
