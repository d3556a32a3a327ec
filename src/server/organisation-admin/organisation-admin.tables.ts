import type { Selectable } from 'kysely';

/** An organisation's settings without a column of their own (migration 0020), merged into the Database type. */
export interface OrganisationSettingsTable {
  organisation_id: string;
  /** JSON `OrganisationTexts`: per-language overrides, an absent language uses the built-in text. */
  texts: string;
  /** JSON `RetentionPeriods` (days). */
  retention: string;
  logo_type: string | null;
  /** Base64 of the logo's bytes. */
  logo_data: string | null;
  logo_sha256: string | null;
  updated_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    organisation_settings: OrganisationSettingsTable;
  }
}

export type OrganisationSettingsRow = Selectable<OrganisationSettingsTable>;
