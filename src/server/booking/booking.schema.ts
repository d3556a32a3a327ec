import { z } from 'zod';
import { ID_TYPES, isValidIdNumber, normaliseIdNumber } from '../../shared/id-document.ts';
import { LIMITS } from '../../shared/limits.ts';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date');

/** `GET /api/public/procedures/:id/availability?from&to` (local dates, inclusive). */
export const availabilityQuery = z
  .object({ from: localDate, to: localDate })
  .refine((q) => q.from <= q.to, { message: 'from_after_to', path: ['to'] });

export const slotView = z.object({
  /** UTC instant, ISO-8601. */
  startsAt: z.string(),
  /** "HH:MM" in the organisation's time zone. */
  localTime: z.string(),
  /** How many more appointments fit (agents free). */
  capacity: z.number(),
});
export type SlotView = z.infer<typeof slotView>;

export const availabilityView = z.object({
  timeZone: z.string(),
  days: z.array(z.object({ date: z.string(), slots: z.array(slotView) })),
});
export type AvailabilityView = z.infer<typeof availabilityView>;

const trimmed = (max: number) => z.string().trim().min(1, 'required').max(max, 'too_long');

/** The citizen's details, as typed on the booking form. */
export const citizenInput = z
  .object({
    name: trimmed(LIMITS.nameMax),
    surnames: trimmed(LIMITS.surnamesMax),
    idType: z.enum(ID_TYPES),
    idNumber: z.string().max(40, 'too_long').transform(normaliseIdNumber),
    email: z.string().trim().toLowerCase().max(LIMITS.emailMax, 'too_long').pipe(z.email('invalid_email')),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ]{6,20}$/, 'invalid_phone')
      .transform((p) => p.replace(/\s+/g, '')),
    language: z.enum(['ca', 'es', 'en']),
    needs: z.object({
      signLanguage: z.boolean(),
      languageInterpreter: z.string().trim().max(60, 'too_long').nullable(),
      other: z.string().trim().max(LIMITS.otherNeedsMax, 'too_long').nullable(),
    }),
  })
  .superRefine((c, ctx) => {
    if (!isValidIdNumber(c.idType, c.idNumber)) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: `invalid_${c.idType}` });
    }
  });
export type CitizenInput = z.infer<typeof citizenInput>;

/** Proof-of-work answer (ALTCHA v2 challenge + solution). */
export const captchaInput = z.object({
  challenge: z.object({
    parameters: z.record(z.string(), z.unknown()),
    signature: z.string().max(512).optional(),
  }),
  solution: z.object({ counter: z.number().int().min(0), derivedKey: z.string().max(512) }),
});

/** `POST /api/public/appointments`. */
export const bookingRequest = z.object({
  procedureId: z.string().min(1).max(64),
  startsAt: z.iso.datetime({ offset: true }),
  channel: z.literal('video'),
  citizen: citizenInput,
  captcha: captchaInput,
});
export type BookingRequest = z.infer<typeof bookingRequest>;

/** What the confirmation page shows. */
export const bookingConfirmation = z.object({
  reference: z.string(),
  procedureName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  uploadDeadline: z.string(),
  email: z.string(),
});
export type BookingConfirmation = z.infer<typeof bookingConfirmation>;
