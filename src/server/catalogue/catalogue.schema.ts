import { z } from 'zod';

/** Query string shared by public endpoints that localise their answer. */
export const langQuery = z.object({ lang: z.string().max(10).optional() });

export const requiredDocumentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  mandatory: z.boolean(),
  acceptedTypes: z.array(z.string()),
  maxSizeMb: z.number(),
});

/** A procedure as the public booking pages see it, in one language. */
export const procedureView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  durationMinutes: z.number(),
  channels: z.array(z.enum(['video', 'in_person'])),
  minNoticeHours: z.number(),
  maxAdvanceDays: z.number(),
  requiredDocuments: z.array(requiredDocumentView),
});
export type ProcedureView = z.infer<typeof procedureView>;

/** The organisation's public profile: what the web app needs to render and localise. */
export const organisationView = z.object({
  slug: z.string(),
  name: z.string(),
  dir3: z.string(),
  timeZone: z.string(),
  languages: z.array(z.string()),
  defaultLanguage: z.string(),
  /** `logoUrl`: the organisation's logo (administration console), a path under the API. */
  branding: z.object({ primaryColor: z.string(), logoUrl: z.string().optional() }),
  uploadDeadlineHours: z.number(),
  changeNoticeHours: z.number(),
});
export type OrganisationView = z.infer<typeof organisationView>;

export const procedureParams = z.object({ id: z.string().min(1).max(64) });
