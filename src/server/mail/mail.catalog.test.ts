import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../shared/limits.ts';
import ca from '../i18n/locales/ca/mail.json' with { type: 'json' };
import en from '../i18n/locales/en/mail.json' with { type: 'json' };
import es from '../i18n/locales/es/mail.json' with { type: 'json' };

type Tree = { [key: string]: string | Tree };
const catalogs: Record<Language, Tree> = { ca, es, en };

/** Every leaf as `dotted.key → message`. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

/** The simple `{name}` arguments of a message (the mail catalog uses no plural or select). */
function argumentsOf(message: string): string[] {
  return [...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*[,}]/g)].map((m) => m[1] ?? '').sort();
}

const flat = Object.fromEntries(LANGUAGES.map((l) => [l, flatten(catalogs[l])])) as Record<Language, Map<string, string>>;

describe('mail catalogs', () => {
  it('are not empty', () => {
    expect(flat.ca.size).toBeGreaterThan(30);
  });

  it.each(LANGUAGES)('%s has exactly the keys of every other language', (lang) => {
    const keys = [...flat[lang].keys()].sort();
    for (const other of LANGUAGES) expect(keys, `${lang} vs ${other}`).toEqual([...flat[other].keys()].sort());
  });

  it.each(LANGUAGES)('%s: every message is valid ICU and has no empty text', (lang) => {
    for (const [key, message] of flat[lang]) {
      expect(message.trim(), key).not.toBe('');
      expect(() => new IntlMessageFormat(message, lang), key).not.toThrow();
    }
  });

  it.each(LANGUAGES)('%s: every message takes the same arguments as in Catalan and shows each of them', (lang) => {
    for (const [key, message] of flat[lang]) {
      const args = argumentsOf(message);
      expect(args, key).toEqual(argumentsOf(flat.ca.get(key) ?? ''));
      const values = Object.fromEntries(args.map((a) => [a, `[${a}]`]));
      const out = String(new IntlMessageFormat(message, lang).format(values));
      // An apostrophe before a brace would quote the argument away (ICU quoting rules).
      for (const a of args) expect(out, key).toContain(`[${a}]`);
      expect(out, key).not.toMatch(/[{}]/);
    }
  });
});
