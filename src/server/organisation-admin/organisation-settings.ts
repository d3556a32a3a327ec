/**
 * An organisation's own texts and retention periods, as the rest of the
 * server reads them: always from the database (no cache, so an
 * administrator's change applies to the next request), each falling back
 * to the built-in default when the organisation has not set it.
 */
import type { Db } from '../db/database.ts';
import { consentText } from '../../shared/protocol.ts';
import { organisationTexts, retentionPeriods, type OrganisationTexts, type RetentionPeriods } from '../../shared/admin-people.ts';
import { isLanguage, type Language } from '../../shared/limits.ts';
import type { OrganisationSettingsRow } from './organisation-admin.tables.ts';

/** No overrides: every text is the built-in one. */
export const NO_TEXTS: OrganisationTexts = { consent: {}, recordingNotice: {}, emailNote: {} };

/** Retention until an administrator sets it (documents: the installation's DOCUMENT_RETENTION_DAYS). */
export function defaultRetention(documentsDays: number): RetentionPeriods {
  return { documentsDays, recordingsDays: 365, evidenceDays: 1825, appointmentsDays: 365 };
}

/** The settings row of an organisation, if it has one. */
export function settingsRow(db: Db, organisationId: string): Promise<OrganisationSettingsRow | undefined> {
  return db.selectFrom('organisation_settings').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst();
}

/** Parses stored texts; anything unreadable counts as "no override" rather than failing a citizen's page. */
export function parseTexts(json: string | undefined): OrganisationTexts {
  if (!json) return NO_TEXTS;
  try {
    const parsed = organisationTexts.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : NO_TEXTS;
  } catch {
    return NO_TEXTS;
  }
}

/** Parses stored retention periods over the defaults. */
export function parseRetention(json: string | undefined, documentsDays: number): RetentionPeriods {
  const fallback = defaultRetention(documentsDays);
  if (!json) return fallback;
  try {
    const parsed = retentionPeriods.partial().safeParse(JSON.parse(json));
    return parsed.success ? { ...fallback, ...parsed.data } : fallback;
  } catch {
    return fallback;
  }
}

/** The organisation's text overrides. */
export async function organisationTextsOf(db: Db, organisationId: string): Promise<OrganisationTexts> {
  return parseTexts((await settingsRow(db, organisationId))?.texts);
}

/** A per-language override, or null when the organisation kept the built-in text. */
export function overrideFor(texts: Partial<Record<Language, string | undefined>>, lang: string): string | null {
  if (!isLanguage(lang)) return null;
  const text = texts[lang]?.trim();
  return text ? text : null;
}

/** The consent confirmation in `lang`: the organisation's wording, or the platform's. */
export function consentTextFor(texts: OrganisationTexts, lang: string): string {
  return overrideFor(texts.consent, lang) ?? consentText(lang);
}

/** The organisation's retention periods in days (for the retention job). */
export async function retentionOf(db: Db, organisationId: string, documentsDays: number): Promise<RetentionPeriods> {
  return parseRetention((await settingsRow(db, organisationId))?.retention, documentsDays);
}
