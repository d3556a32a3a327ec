/**
 * The three catalogues must stay in step: the same keys, every message valid
 * ICU MessageFormat with the same arguments in every language, and every key
 * the code asks for present.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { ID_TYPES } from '../../shared/id-document.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const LANGS = ['ca', 'es', 'en'] as const;
type Catalog = { [key: string]: string | Catalog };

/** Feature catalogues merged into the main one (see i18n.ts). */
const FEATURES = ['uploads', 'review', 'call', 'live', 'interpreter', 'phone', 'verify', 'protocol', 'survey', 'indicators', 'admin', 'adminSchedules', 'adminPeople', 'adminIntegrations', 'adminDataProtection', 'delivery', 'retention'] as const;

function load(lang: string): Catalog {
  const read = (...parts: string[]) => JSON.parse(readFileSync(path.join(here, 'locales', ...parts), 'utf8')) as Catalog;
  return Object.assign(read(`${lang}.json`), ...FEATURES.map((f) => read(f, `${lang}.json`))) as Catalog;
}

function flatten(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

/** Argument names used by a parsed message (plural/select branches included). */
function argumentsOf(elements: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const el = node as { type?: number; value?: unknown; options?: Record<string, { value: unknown }>; children?: unknown };
    // TYPE: 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural (@formatjs/icu-messageformat-parser).
    if (typeof el.type === 'number' && el.type >= 1 && el.type <= 6 && typeof el.value === 'string') names.add(el.value);
    if (el.options) for (const option of Object.values(el.options)) walk(option.value);
    if (el.children) walk(el.children);
  };
  walk(elements);
  return names;
}

const catalogs = Object.fromEntries(LANGS.map((l) => [l, flatten(load(l))])) as Record<(typeof LANGS)[number], Map<string, string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('web locales', () => {
  it('have exactly the same keys in ca, es and en', () => {
    const reference = [...catalogs.ca.keys()].sort();
    for (const lang of LANGS) expect([...catalogs[lang].keys()].sort(), lang).toEqual(reference);
  });

  it('parse as ICU MessageFormat, with the same arguments in every language', () => {
    // The walker must see arguments inside plural branches too.
    expect([...argumentsOf(new IntlMessageFormat('{a} {n, plural, one {# {b}} other {{c}}}', 'en').getAst())].sort()).toEqual([
      'a',
      'b',
      'c',
      'n',
    ]);
    for (const [key, caMessage] of catalogs.ca) {
      const expected = [...argumentsOf(new IntlMessageFormat(caMessage, 'ca').getAst())].sort();
      for (const lang of LANGS) {
        const message = catalogs[lang].get(key) ?? '';
        let ast: unknown;
        expect(() => {
          ast = new IntlMessageFormat(message, lang).getAst();
        }, `${lang}:${key}`).not.toThrow();
        expect([...argumentsOf(ast)].sort(), `${lang}:${key}`).toEqual(expected);
        expect(message.trim(), `${lang}:${key} is empty`).not.toBe('');
      }
    }
  });

  it('never put a straight apostrophe before a brace (ICU would read it as a quote)', () => {
    for (const lang of LANGS) {
      for (const [key, message] of catalogs[lang]) expect(/'[{}#]/.test(message), `${lang}:${key}`).toBe(false);
    }
  });

  it('contain every key the code asks for', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.join(here, '..'))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\bt\(\s*'([a-zA-Z][\w.]+)'/g)) if (match[1]) used.add(match[1]);
    }
    for (const type of ID_TYPES) {
      used.add(`details.idType.${type}`);
      used.add(`details.idNumber.hint_${type}`);
    }
    for (const status of ['booked', 'documents_pending', 'ready', 'waiting', 'in_call', 'completed', 'not_conclusive', 'desisted', 'cancelled']) {
      used.add(`appointment.status.${status}`);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !catalogs.ca.has(key));
    expect(missing).toEqual([]);
  });
});
