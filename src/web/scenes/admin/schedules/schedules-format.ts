/** Words and numbers of the offices-and-schedules pages, in the UI language (no zone involved: dates are local already). */

/** A weekday's name, ISO numbering (1 = Monday … 7 = Sunday), capitalised as a label. */
export function weekdayName(weekday: number, language: string): string {
  // 1 January 2024 was a Monday.
  const name = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, weekday)));
  return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
}

/** "YYYY-MM" moved by some months (negative: back). */
export function shiftMonth(month: string, by: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** "YYYY-MM" as "March 2026" (capitalised as a label). */
export function formatMonth(month: string, language: string): string {
  const text = new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T12:00:00Z`));
  return text.charAt(0).toLocaleUpperCase(language) + text.slice(1);
}

/** Minutes as hours with at most one decimal ("7,5" in Catalan). */
export function hoursText(minutes: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(minutes / 60);
}
