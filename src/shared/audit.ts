import { z } from 'zod';

/**
 * The audit trail as administrators search it (issue 7): who did what to
 * personal data, when and from where, newest first, a page at a time.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date');

/** `GET /api/admin/audit`. `before`: the number of the oldest entry already shown (next page). */
export const auditQuery = z
  .object({
    action: z.string().trim().max(80).regex(/^[a-z0-9_.]*$/, 'invalid_action').optional(),
    staffId: z.string().uuid().optional(),
    reference: z.string().trim().max(40).optional(),
    from: date.optional(),
    to: date.optional(),
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from_after_to', path: ['to'] });
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntryView = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  /** The member of staff's name when the actor is one; null for the system or an API key. */
  actorName: z.string().nullable(),
  action: z.string(),
  appointmentId: z.string().nullable(),
  appointmentReference: z.string().nullable(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

export const auditPageView = z.object({
  entries: z.array(auditEntryView),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: z.number().nullable(),
  /** Who may be picked in the filter. */
  staff: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type AuditPageView = z.infer<typeof auditPageView>;

/** The chain check: `anchoredSeq` is the newest entry anchored outside the database (0: none yet), null when broken. */
export const auditVerdictView = z.object({ ok: z.boolean(), rows: z.number(), seq: z.number().nullable(), problem: z.string().nullable(), anchoredSeq: z.number().nullable(), checkedAt: z.string() });
export type AuditVerdictView = z.infer<typeof auditVerdictView>;

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 50;
