import { z } from 'zod';
import { DEFAULT_ACCEPTED_TYPES, EXTENSIONS_BY_TYPE } from './documents.ts';
import { LANGUAGES } from './limits.ts';

/**
 * What an administrator sends to create or change a procedure of the
 * catalogue (issue 9), shared by the console (which checks as the person
 * types) and the server (which checks again at the edge). A text "per
 * language" may leave out languages the organisation has not enabled; the
 * server requires every enabled one.
 */

/** Limits of a procedure's settings. */
export const PROCEDURE_LIMITS = {
  codeMax: 40,
  nameMax: 120,
  descriptionMax: 1000,
  durationMin: 5,
  durationMax: 240,
  bufferMax: 120,
  minNoticeHoursMax: 720,
  maxAdvanceDaysMax: 365,
  documentsMax: 20,
  documentNameMax: 120,
  documentDescriptionMax: 500,
  documentMaxSizeMb: 50,
} as const;

/** The case-management connectors a procedure's evidence can go to (`none`: kept for staff to download). */
export const DELIVERY_CONNECTORS = ['none', 'rest', 'drop_folder', 'eni'] as const;
export type DeliveryConnector = (typeof DELIVERY_CONNECTORS)[number];

/** The file types a required document may accept. */
export const ACCEPTABLE_TYPES = Object.keys(EXTENSIONS_BY_TYPE);

/** A text in some of the platform's languages (the server requires the organisation's enabled ones). */
export const perLanguage = (max: number) =>
  z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.string().trim().max(max, 'too_long').optional()])) as Record<(typeof LANGUAGES)[number], z.ZodOptional<z.ZodString>>).strict();

/** A procedure's settings (everything but its documents and form). */
export const procedureInput = z
  .object({
    code: z
      .string()
      .trim()
      .min(2, 'required')
      .max(PROCEDURE_LIMITS.codeMax, 'too_long')
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'invalid_code'),
    name: perLanguage(PROCEDURE_LIMITS.nameMax),
    description: perLanguage(PROCEDURE_LIMITS.descriptionMax),
    durationMinutes: z.number().int('not_integer').min(PROCEDURE_LIMITS.durationMin, 'too_small').max(PROCEDURE_LIMITS.durationMax, 'too_big').multipleOf(5, 'not_five_minute_step'),
    bufferMinutes: z.number().int('not_integer').min(0, 'too_small').max(PROCEDURE_LIMITS.bufferMax, 'too_big').multipleOf(5, 'not_five_minute_step'),
    minNoticeHours: z.number().int('not_integer').min(0, 'too_small').max(PROCEDURE_LIMITS.minNoticeHoursMax, 'too_big'),
    maxAdvanceDays: z.number().int('not_integer').min(1, 'too_small').max(PROCEDURE_LIMITS.maxAdvanceDaysMax, 'too_big'),
    channels: z.array(z.enum(['video', 'in_person'])).min(1, 'no_channel').max(2),
    siaCode: z.string().trim().regex(/^(\d{1,10})?$/, 'invalid_sia_code').optional(),
    classification: z.string().trim().max(60, 'too_long').regex(/^[\w.\-/ ]*$/, 'invalid_classification').optional(),
    deliveryConnector: z.enum(DELIVERY_CONNECTORS),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (new Set(p.channels).size !== p.channels.length) ctx.addIssue({ code: 'custom', path: ['channels'], message: 'duplicate_channel' });
    if (p.minNoticeHours >= p.maxAdvanceDays * 24) ctx.addIssue({ code: 'custom', path: ['minNoticeHours'], message: 'notice_beyond_advance' });
  });
export type ProcedureInput = z.infer<typeof procedureInput>;

/** One required document; `id` names one that exists already (kept, with what was uploaded for it). */
export const requiredDocumentInput = z
  .object({
    id: z.string().uuid().optional(),
    name: perLanguage(PROCEDURE_LIMITS.documentNameMax),
    description: perLanguage(PROCEDURE_LIMITS.documentDescriptionMax),
    mandatory: z.boolean(),
    acceptedTypes: z
      .array(z.string().refine((t) => ACCEPTABLE_TYPES.includes(t), 'invalid_type'))
      .min(1, 'no_type')
      .max(ACCEPTABLE_TYPES.length),
    maxSizeMb: z.number().int('not_integer').min(1, 'too_small').max(PROCEDURE_LIMITS.documentMaxSizeMb, 'too_big'),
  })
  .strict();
export type RequiredDocumentInput = z.infer<typeof requiredDocumentInput>;

/** A procedure's required documents, in the order citizens see them (replaces the whole list). */
export const requiredDocumentsInput = z
  .object({ documents: z.array(requiredDocumentInput).max(PROCEDURE_LIMITS.documentsMax, 'too_many') })
  .strict()
  .superRefine((d, ctx) => {
    const ids = d.documents.flatMap((x) => (x.id ? [x.id] : []));
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['documents'], message: 'duplicate_document' });
  });

/** The file types a new required document accepts unless the administrator chooses. */
export const DEFAULT_DOCUMENT_TYPES: string[] = [...DEFAULT_ACCEPTED_TYPES];

const texts = z.record(z.string(), z.string());

/** A procedure as the console shows it: every language, every setting. */
export const adminProcedureView = z.object({
  id: z.string(),
  code: z.string(),
  name: texts,
  description: texts,
  durationMinutes: z.number(),
  bufferMinutes: z.number(),
  minNoticeHours: z.number(),
  maxAdvanceDays: z.number(),
  channels: z.array(z.enum(['video', 'in_person'])),
  siaCode: z.string(),
  classification: z.string(),
  deliveryConnector: z.enum(DELIVERY_CONNECTORS),
  archived: z.boolean(),
  archivedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  /** Appointments still to happen (booked and not cancelled). */
  upcomingAppointments: z.number(),
});
export type AdminProcedure = z.infer<typeof adminProcedureView>;

/** A required document as the console shows it. */
export const adminRequiredDocumentView = z.object({
  id: z.string(),
  name: texts,
  description: texts,
  mandatory: z.boolean(),
  acceptedTypes: z.array(z.string()),
  maxSizeMb: z.number(),
});
export type AdminRequiredDocument = z.infer<typeof adminRequiredDocumentView>;

/** An appointment that stands in the way of a change (archiving, changing the form during its call). */
export interface BlockingAppointment {
  id: string;
  reference: string;
  startsAt: string;
  agentName: string;
}
