import type { Language } from '../../shared/limits.ts';

/**
 * Dates and times as a citizen reads them in an email: in the
 * organisation's zone (never the server's), with the conventions of the
 * message's language. Values are formatted here, not inside the ICU
 * messages, because an ICU `{d, date}` argument would be formatted in the
 * process's own time zone.
 */

/**
 * English mail goes to residents of a Spanish municipality: British
 * conventions (day before month, 24-hour clock) match the other languages.
 */
const LOCALES: Record<Language, string> = { ca: 'ca', es: 'es', en: 'en-GB' };

const STYLES = {
  /** "dilluns, 30 de març del 2026" */
  date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  /** "9:00" */
  time: { hour: 'numeric', minute: '2-digit', hourCycle: 'h23' },
  /** "dilluns, 30 de març del 2026, a les 9:00" */
  dateTime: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hourCycle: 'h23' },
  /** "30 de març del 2026, a les 9:00", short enough for a subject line */
  subject: { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hourCycle: 'h23' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: Language, timeZone: string, style: keyof typeof STYLES): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${style}`;
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(LOCALES[language], { ...STYLES[style], timeZone });
    formatters.set(key, fmt);
  }
  return fmt;
}

/** Which rendering of an instant: see the examples on each style. */
export type DateStyle = keyof typeof STYLES;

/** Formats `date` in `timeZone` for readers of `language`. */
export function formatInstant(date: Date, language: Language, timeZone: string, style: DateStyle): string {
  return formatter(language, timeZone, style).format(date);
}
