import type { OrganisationView } from '../catalogue/catalogue.schema.ts';
import type { Organisation } from '../db/schema.ts';

/** Parses the JSON list of enabled languages (first is the default). */
export function organisationLanguages(org: Organisation): string[] {
  const parsed: unknown = JSON.parse(org.languages);
  return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : ['ca'];
}

/** The organisation's public profile. */
export function presentOrganisation(org: Organisation): OrganisationView {
  const languages = organisationLanguages(org);
  const branding = JSON.parse(org.branding) as { primaryColor?: unknown; logoUrl?: unknown };
  return {
    slug: org.slug,
    name: org.name,
    dir3: org.dir3,
    timeZone: org.time_zone,
    languages,
    defaultLanguage: languages[0] ?? 'ca',
    branding: {
      primaryColor: typeof branding.primaryColor === 'string' ? branding.primaryColor : '#0b0c0c',
      ...(typeof branding.logoUrl === 'string' ? { logoUrl: branding.logoUrl } : {}),
    },
    uploadDeadlineHours: org.upload_deadline_hours,
    changeNoticeHours: org.change_notice_hours,
  };
}
