/**
 * Keys the legal-hold panel and the history build at run time (the reason's
 * error codes, the retention events) are invisible to the catalogue test's
 * scan of `t('…')` calls: check here that each exists in every language,
 * and that the panel's own check agrees with the server's limits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { placeLegalHoldRequest } from '../../../shared/legal-holds.ts';
import { reasonProblem } from './legal-hold-panel.tsx';

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

const CODES = ['reason_required', 'reason_too_short', 'reason_too_long'];
const EVENTS = ['retention.purged', 'legal_hold.placed', 'legal_hold.released'];

describe('legal hold catalogue keys built at run time', () => {
  for (const lang of ['ca', 'es', 'en']) {
    it(`exist in ${lang}`, () => {
      const catalog = JSON.parse(readFileSync(path.join(here, '../../i18n/locales/retention', `${lang}.json`), 'utf8')) as Catalog;
      const keys = [...CODES.map((c) => `retention.errors.${c}`), ...EVENTS.map((e) => `retention.history.types.${e.replace(/\./g, '_')}`)];
      expect(keys.filter((key) => !has(catalog, key))).toEqual([]);
    });
  }

  it('checks the reason as the server does', () => {
    for (const reason of ['', '   ', 'ab', ' ab ', 'abc', 'x'.repeat(500), 'x'.repeat(501)]) {
      const server = placeLegalHoldRequest.safeParse({ reason });
      const code = server.success ? undefined : server.error.issues[0]?.message;
      expect(reasonProblem(reason) ?? undefined, JSON.stringify(reason)).toBe(code === 'reason_too_short' && reason.trim() === '' ? 'reason_required' : code);
    }
  });
});
