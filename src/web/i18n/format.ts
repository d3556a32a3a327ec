/**
 * Locale-aware formatting of dates, times and file types with the browser's
 * Intl API. Local dates ("YYYY-MM-DD", the organisation's calendar days) are
 * formatted at UTC noon in the UTC zone so no offset can shift the day;
 * instants are formatted in the organisation's IANA zone (Europe/Madrid).
 */

/** BCP 47 locale used by Intl for a UI language (English follows British conventions: 24-hour clock). */
export function intlLocale(language: string): string {
  return language === 'en' ? 'en-GB' : language;
}

function atNoon(localDate: string): Date {
  return new Date(`${localDate}T12:00:00Z`);
}

/** "dilluns, 30 de març" / "lunes, 30 de marzo" / "Monday 30 March". */
export function formatDayLong(localDate: string, language: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(atNoon(localDate));
}

/** "dilluns, 30 de març de 2026": the day with its year, for summaries. */
export function formatDayWithYear(localDate: string, language: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(atNoon(localDate));
}

/** "Març de 2026": a month heading, capitalised. */
export function formatMonthHeading(localDate: string, language: string): string {
  const text = new Intl.DateTimeFormat(intlLocale(language), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    atNoon(localDate),
  );
  return capitalise(text, language);
}

/** Upper-cases the first letter, as headings and list items start. */
export function capitalise(text: string, language: string): string {
  return text.charAt(0).toLocaleUpperCase(intlLocale(language)) + text.slice(1);
}

/** The local calendar date of `instant` in `timeZone`, as YYYY-MM-DD. */
export function localDateOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Adds `days` to a YYYY-MM-DD date. */
export function addDays(localDate: string, days: number): string {
  const d = atNoon(localDate);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((atNoon(to).getTime() - atNoon(from).getTime()) / 86_400_000);
}

/** The date of an instant in `timeZone`, long form with the year. */
export function formatInstantDate(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).format(new Date(iso));
}

/** The time of an instant in `timeZone`, 24-hour "09:15". */
export function formatInstantTime(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(iso));
}

const FILE_TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPG',
  'image/jpg': 'JPG',
  'image/png': 'PNG',
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
  'image/webp': 'WebP',
  'image/tiff': 'TIFF',
  'image/gif': 'GIF',
  'application/msword': 'Word',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.oasis.opendocument.text': 'ODT',
  'application/vnd.ms-excel': 'Excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.oasis.opendocument.spreadsheet': 'ODS',
  'application/xml': 'XML',
  'text/xml': 'XML',
  'text/plain': 'TXT',
  'application/zip': 'ZIP',
};

/** Human names of MIME types, joined as the language lists things: "PDF, JPG i PNG". */
export function formatFileTypes(mimeTypes: readonly string[], language: string): string {
  const names: string[] = [];
  for (const mime of mimeTypes) {
    const name = FILE_TYPE_NAMES[mime.toLowerCase()] ?? (mime.split('/')[1] ?? mime).toUpperCase();
    if (!names.includes(name)) names.push(name);
  }
  return new Intl.ListFormat(intlLocale(language), { style: 'long', type: 'conjunction' }).format(names);
}

/** Joins items the way the language does ("a, b i c"). */
export function formatList(items: readonly string[], language: string): string {
  return new Intl.ListFormat(intlLocale(language), { style: 'long', type: 'conjunction' }).format(items);
}
