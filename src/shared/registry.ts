import { z } from 'zod';

/**
 * The registry entry and its receipt as clients see them: the secure
 * verification code (CSV, Ley 40/2015 art. 42.b) printed on every receipt,
 * the public verification view, and the staff route that registers an
 * appointment. Both the server and the web app validate a CSV with these.
 */

/** Characters of a CSV's random part: RFC 4648 base32 (no 0/1/8/9, nothing a person confuses with a letter). */
export const CSV_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Random characters in a CSV: 20 × 5 bits = 100 bits, hopeless to guess even at millions of tries. */
export const CSV_RANDOM_LENGTH = 20;

/** A CSV as printed: an organisation prefix (2–4 letters or digits) and five groups of four. */
export const CSV_PATTERN = /^[A-Z0-9]{2,4}(?:-[A-Z2-7]{4}){5}$/;

/** Longest input a CSV field takes (the printed form plus spaces a person may type). */
export const CSV_INPUT_MAX = 64;

/**
 * The printed form of what a person typed: case, spaces and hyphens do not
 * matter; the last 20 characters are the random part, the rest the prefix.
 * Null when it cannot be a CSV.
 */
export function normaliseCsv(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]+/g, '');
  const m = /^([A-Z0-9]{2,4})([A-Z2-7]{20})$/.exec(compact);
  if (!m?.[1] || !m[2]) return null;
  const groups = m[2].match(/.{4}/g) ?? [];
  return [m[1], ...groups].join('-');
}

/** A CSV in a URL or a form: normalised, or a validation error with the code `invalid_csv`. */
export const csvParam = z
  .string()
  .max(CSV_INPUT_MAX, 'invalid_csv')
  .transform((value, ctx) => {
    const csv = normaliseCsv(value);
    if (csv === null) {
      ctx.addIssue({ code: 'custom', message: 'invalid_csv' });
      return z.NEVER;
    }
    return csv;
  });

/** ENI document types (NTI, TipoDocumental) a verifiable document can have. */
export const verifiableDocumentType = z.enum(['TD09']);

/**
 * `GET /api/verify/:csv`: what anyone holding the code may see. Minimised:
 * the interested party's initials only, never their ID number or the data.
 */
export const verificationView = z.object({
  csv: z.string(),
  entryNumber: z.string(),
  /** Server time of registration, UTC ISO. */
  registeredAt: z.string(),
  timeZone: z.string(),
  organ: z.object({ name: z.string(), dir3: z.string() }),
  procedure: z.string(),
  /** ENI TipoDocumental: TD09 acknowledgement of receipt. */
  documentType: verifiableDocumentType,
  interestedInitials: z.string(),
  document: z.object({
    available: z.boolean(),
    mediaType: z.literal('application/pdf'),
    size: z.number().int().nullable(),
    sha256: z.string().nullable(),
    /** True when signed with the development TEST SEAL (no legal value). */
    testSeal: z.boolean(),
  }),
});
export type VerificationView = z.infer<typeof verificationView>;

/** Limits of a registration request. */
export const REGISTRY_LIMITS = {
  summaryMax: 2000,
  formFieldsMax: 100,
  formKeyMax: 80,
  formValueMax: 4000,
} as const;

/** A form field's value: text, number, yes/no, or nothing. */
const formValue = z.union([z.string().max(REGISTRY_LIMITS.formValueMax), z.number().finite(), z.boolean(), z.null()]);

/** `POST /api/staff/appointments/:id/registry`: the form data the agent filled in, and its summary. */
export const registerRequest = z
  .object({
    summary: z.string().trim().min(1).max(REGISTRY_LIMITS.summaryMax),
    formData: z
      .record(z.string().min(1).max(REGISTRY_LIMITS.formKeyMax), formValue)
      .refine((o) => Object.keys(o).length <= REGISTRY_LIMITS.formFieldsMax, 'too_many_fields'),
  })
  .strict();
export type RegisterRequest = z.infer<typeof registerRequest>;

/** What registering answers: the entry's number and CSV; the receipt is downloaded by its route. */
export const registeredView = z.object({
  number: z.string(),
  csv: z.string(),
  registeredAt: z.string(),
  verifyUrl: z.string(),
});
export type RegisteredView = z.infer<typeof registeredView>;
