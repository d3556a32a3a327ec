/**
 * Legal holds (issue 7): a supervisor or administrator stops every purge
 * of an appointment's data while a hold is active. Request schema and the
 * view answered, shared by the server's validation and the staff pages.
 * Error codes in `.min()`/`.max()` messages are field-level ids the web
 * translates.
 */
import { z } from 'zod';

/** Limits of a hold's reason. */
export const LEGAL_HOLD_LIMITS = { reasonMin: 3, reasonMax: 500 } as const;

/** `POST /api/staff/appointments/:id/legal-holds`. */
export const placeLegalHoldRequest = z
  .object({
    reason: z
      .string({ error: 'reason_required' })
      .trim()
      .min(LEGAL_HOLD_LIMITS.reasonMin, 'reason_too_short')
      .max(LEGAL_HOLD_LIMITS.reasonMax, 'reason_too_long'),
  })
  .strict();
export type PlaceLegalHoldRequest = z.input<typeof placeLegalHoldRequest>;

/** A member of staff as a hold names them. */
const staffRef = z.object({ id: z.string(), displayName: z.string().nullable() });

/** One hold as supervisors and administrators see it. */
export const legalHoldView = z.object({
  id: z.string(),
  appointment: z.object({ id: z.string(), reference: z.string() }),
  reason: z.string(),
  placedBy: staffRef,
  placedAt: z.string(),
  releasedBy: staffRef.nullable(),
  releasedAt: z.string().nullable(),
  active: z.boolean(),
});
export type LegalHoldView = z.infer<typeof legalHoldView>;
