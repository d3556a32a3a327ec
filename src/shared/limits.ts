/** Limits shared by the server's validation and the web forms. */
export const LIMITS = {
  nameMax: 80,
  surnamesMax: 120,
  emailMax: 254,
  phoneMax: 20,
  otherNeedsMax: 500,
  passwordMaxAttempts: 5,
  /** Granularity of agent occupancy, minutes. Durations and buffers are multiples of it. */
  busyUnitMinutes: 5,
  /** Staff passwords: long enough to resist guessing, short enough to hash. */
  staffPasswordMin: 12,
  staffPasswordMax: 200,
  /** Widest availability window a client may ask for, days. */
  availabilityMaxDays: 62,
} as const;

/** Languages the product ships complete translations for. Catalan is the default. */
export const LANGUAGES = ['ca', 'es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'ca';

/** Languages written right to left; the layout flips when one is active. */
export const RTL_LANGUAGES: readonly string[] = ['ar', 'he', 'fa', 'ur'];

/** True when `value` is a shipped language. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Appointment statuses in which the citizen still has an open appointment. */
export const OPEN_STATUSES = ['booked', 'documents_pending', 'ready', 'waiting', 'in_call'] as const;
