/**
 * Data-protection requests (issue 7, GDPR arts. 15 and 17): an administrator
 * finds everything the organisation holds about one citizen, exports it and
 * erases it where no legal hold or retention duty stands in the way.
 * Request schemas and the views answered, shared by the server's validation
 * and the web page. Error codes in messages are field-level ids the web
 * translates.
 */
import { z } from 'zod';
import { normaliseIdNumber } from './id-document.ts';
import { LIMITS } from './limits.ts';

/**
 * `POST /api/admin/data-protection/search`: the citizen's identity number
 * (NIF/NIE/passport, normalised as booking does) and/or email. Both given:
 * an appointment must match both, so a family sharing one email address
 * never mixes with another member's appointments.
 */
export const dataProtectionSearch = z
  .object({
    idNumber: z
      .string()
      .max(40, 'id_number_invalid')
      .transform(normaliseIdNumber)
      .pipe(z.string().regex(/^([A-Z0-9]{5,20})?$/, 'id_number_invalid'))
      .optional(),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(LIMITS.emailMax, 'email_invalid')
      .pipe(z.union([z.literal(''), z.email('email_invalid')]))
      .optional(),
  })
  .strict()
  .refine((q) => Boolean(q.idNumber) || Boolean(q.email), { message: 'identity_required', path: ['idNumber'] });
export type DataProtectionSearch = z.input<typeof dataProtectionSearch>;

/** What the organisation would do with an appointment on erasure, as things stand now. */
export const ERASE_OUTCOMES = ['erase', 'legal_hold', 'awaiting_delivery', 'not_finished', 'already_erased'] as const;
export type EraseOutcome = (typeof ERASE_OUTCOMES)[number];

/** Where the appointment's evidence stands with case management. */
export const DELIVERY_STATES = ['no_connector', 'not_sealed', 'pending', 'dead', 'acknowledged'] as const;
export type DeliveryStateView = (typeof DELIVERY_STATES)[number];

/** One appointment of the citizen, as the administrator sees it before exporting or erasing. */
export const dataProtectionAppointmentView = z.object({
  id: z.string(),
  reference: z.string(),
  /** The procedure's names ({ ca, es, en }). */
  procedure: z.record(z.string(), z.string()),
  startsAt: z.string(),
  status: z.string(),
  /** The name it was booked under and the identity number masked (to tell people apart, not to copy). */
  citizenName: z.string(),
  idNumberMasked: z.string(),
  held: z.object({ documents: z.number(), recording: z.boolean(), snapshots: z.number(), packages: z.number(), receipt: z.boolean() }),
  legalHold: z.object({ reason: z.string() }).nullable(),
  delivery: z.enum(DELIVERY_STATES),
  /** What erasure would do now. */
  onErase: z.enum(ERASE_OUTCOMES),
});
export type DataProtectionAppointmentView = z.infer<typeof dataProtectionAppointmentView>;

export const dataProtectionSearchView = z.object({
  /**
   * An opaque, short-lived handle of this search (sealed on the server, bound
   * to the administrator and the organisation) that the export link and the
   * erasure carry: the identity number never travels in an address.
   */
  subject: z.string(),
  /** Until when `subject` works (UTC). */
  expiresAt: z.string(),
  /** What the administrator must type to confirm an erasure: "id_number" or, when only the email was given, "email". */
  confirmWith: z.enum(['id_number', 'email']),
  appointments: z.array(dataProtectionAppointmentView),
});
export type DataProtectionSearchView = z.infer<typeof dataProtectionSearchView>;

const subject = z.string().min(10, 'subject_invalid').max(2000, 'subject_invalid');

/** `GET /api/admin/data-protection/export?subject=`. */
export const dataProtectionExportQuery = z.object({ subject }).strict();

/** `POST /api/admin/data-protection/erase`: the search's handle and, typed again, the identity number (or email). */
export const dataProtectionEraseRequest = z
  .object({
    subject,
    confirmation: z.string().trim().min(1, 'confirmation_required').max(LIMITS.emailMax, 'confirmation_mismatch'),
  })
  .strict();
export type DataProtectionEraseRequest = z.infer<typeof dataProtectionEraseRequest>;

/** What happened to one appointment. */
export const dataProtectionEraseResult = z.object({
  id: z.string(),
  reference: z.string(),
  outcome: z.enum(['erased', 'kept']),
  /** Why it was kept (null when erased). */
  reason: z.enum(['legal_hold', 'awaiting_delivery', 'not_finished']).nullable(),
});
export type DataProtectionEraseResult = z.infer<typeof dataProtectionEraseResult>;

export const dataProtectionEraseView = z.object({
  erased: z.number(),
  kept: z.number(),
  results: z.array(dataProtectionEraseResult),
});
export type DataProtectionEraseView = z.infer<typeof dataProtectionEraseView>;

/** How long a search's handle works: long enough to read, export and decide; short enough not to linger. */
export const DATA_PROTECTION_SUBJECT_MINUTES = 30;

/** At most this many appointments are listed, exported or erased per request (a citizen has a handful). */
export const DATA_PROTECTION_MAX_APPOINTMENTS = 500;
