import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.ts';
import { catalogs, translate } from './translate.ts';

const SERVER = path.resolve(import.meta.dirname, '..');

/** Every error id the server code can raise, found in the source. */
function raisedIds(): string[] {
  const ids = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
        const src = fs.readFileSync(file, 'utf8');
        for (const m of src.matchAll(/(?:new AppError\(\d+, |errors\.\w+\()'([a-z_]+)'/g)) if (m[1]) ids.add(m[1]);
        for (const m of src.matchAll(/new AppError\(\d+, '([a-z_]+)'/g)) if (m[1]) ids.add(m[1]);
      }
    }
  };
  walk(SERVER);
  return [...ids].sort();
}

const errorsOf = (lang: (typeof LANGUAGES)[number]) => catalogs[lang].errors as Record<string, string>;

describe('error messages', () => {
  it('has every language with the same keys', () => {
    const keys = Object.keys(errorsOf('ca')).sort();
    for (const lang of LANGUAGES) expect(Object.keys(errorsOf(lang)).sort(), lang).toEqual(keys);
  });

  it('translates every error the server raises', () => {
    const ids = raisedIds();
    expect(ids.length).toBeGreaterThan(10);
    for (const lang of LANGUAGES) for (const id of ids) expect(errorsOf(lang), `${lang}: ${id}`).toHaveProperty(id);
  });

  it('parses as ICU in each language', () => {
    for (const lang of LANGUAGES) {
      for (const [id, message] of Object.entries(errorsOf(lang))) {
        expect(() => new IntlMessageFormat(message, lang), `${lang}: ${id}`).not.toThrow();
      }
    }
  });

  it('keeps apostrophes and plural counts in the translated text', () => {
    expect(translate('ca', 'errors.invalid_credentials', { remaining: 1 })).toBe(
      "L'enllaç o la contrasenya no són correctes. Us queda 1 intent.",
    );
    expect(translate('en', 'errors.too_many_open_appointments', { max: 3 })).toContain('3 open appointments');
    expect(translate('xx', 'errors.not_found')).toBe(translate('ca', 'errors.not_found'));
  });
});
