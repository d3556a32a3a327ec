import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../../shared/limits.ts';
import caErrors from './locales/ca/errors.json' with { type: 'json' };
import caMail from './locales/ca/mail.json' with { type: 'json' };
import enErrors from './locales/en/errors.json' with { type: 'json' };
import enMail from './locales/en/mail.json' with { type: 'json' };
import esErrors from './locales/es/errors.json' with { type: 'json' };
import esMail from './locales/es/mail.json' with { type: 'json' };

type Catalog = { [key: string]: string | Catalog };

/** Server-side message catalogs (errors, emails), ICU MessageFormat. */
export const catalogs: Record<Language, Catalog> = {
  ca: { errors: caErrors, mail: caMail },
  es: { errors: esErrors, mail: esMail },
  en: { errors: enErrors, mail: enMail },
};

const cache = new Map<string, IntlMessageFormat>();

function lookup(catalog: Catalog, key: string): string | undefined {
  let node: string | Catalog | undefined = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * Translates `key` into `lang` (falling back to Catalan, then to the key
 * itself so a missing string is visible rather than blank).
 */
export function translate(lang: string, key: string, values: Record<string, unknown> = {}): string {
  const language: Language = isLanguage(lang) ? lang : DEFAULT_LANGUAGE;
  const source = lookup(catalogs[language], key) ?? lookup(catalogs[DEFAULT_LANGUAGE], key);
  if (source === undefined) return key;
  const cacheKey = `${language}\u0000${key}`;
  let fmt = cache.get(cacheKey);
  if (!fmt) {
    fmt = new IntlMessageFormat(source, language);
    cache.set(cacheKey, fmt);
  }
  const out = fmt.format(values as Record<string, string | number | boolean | Date>);
  return Array.isArray(out) ? out.join('') : String(out);
}

/** A translator bound to one language. */
export type Translator = (key: string, values?: Record<string, unknown>) => string;

/** Binds `translate` to a language. */
export function translatorFor(lang: string): Translator {
  return (key, values) => translate(lang, key, values);
}

/**
 * Picks the best shipped language from an explicit choice or an
 * Accept-Language header, limited to the organisation's enabled languages.
 */
export function negotiateLanguage(
  explicit: string | undefined,
  acceptLanguage: string | undefined,
  enabled: readonly string[],
): Language {
  const usable = (l: string): l is Language => isLanguage(l) && enabled.includes(l);
  if (explicit && usable(explicit)) return explicit;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (usable(lang)) return lang;
  const first = enabled.find(usable);
  return first ?? DEFAULT_LANGUAGE;
}
