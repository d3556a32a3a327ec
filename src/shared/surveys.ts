import { z } from 'zod';

/**
 * After a call: the agent's wrap-up (how it ended, how it went for them)
 * and the citizen's satisfaction survey (right after the call, or from an
 * emailed link). The contract of the HTTP routes both sides use; the
 * indicators read the same rows.
 */

/** Limits shared by the server's validation and the forms. */
export const SURVEY_LIMITS = {
  /** The citizen's optional comment. */
  commentMax: 1000,
  /** The agent's optional note. */
  noteMax: 500,
  /** "Did you like it?" and "Was it easy?": 0 to 10. */
  scoreMax: 10,
  /** How the call went for the agent: 1 to 5. */
  ratingMax: 5,
  /** The emailed link is valid this long. */
  invitationValidDays: 14,
  /** The emailed link is sent this long after the call ended, if no answer came meanwhile. */
  invitationDelayMinutes: 15,
} as const;

/** How an attended call ended, in the agent's words (mirrors WRAPUP_OUTCOMES on the server). */
export const wrapupOutcome = z.enum(['completed', 'missing_documents', 'other_reason', 'technical_failure']);
export type WrapupOutcomeValue = z.infer<typeof wrapupOutcome>;

/** `PUT /api/staff/appointments/:id/wrapup`. */
export const wrapupRequest = z
  .object({
    outcome: wrapupOutcome,
    rating: z.number().int().min(1).max(SURVEY_LIMITS.ratingMax),
    note: z.string().trim().max(SURVEY_LIMITS.noteMax).optional(),
  })
  .strict();
export type WrapupRequest = z.infer<typeof wrapupRequest>;

/** The wrap-up as staff see it; `wrapup` null until one is saved. */
export const wrapupView = z.object({
  appointmentId: z.string(),
  /** Whether the call happened, so a wrap-up can be saved. */
  open: z.boolean(),
  /** Whether this viewer may save it (its agent, a supervisor or an administrator). */
  canEdit: z.boolean(),
  wrapup: z
    .object({
      outcome: wrapupOutcome,
      rating: z.number().int(),
      note: z.string().nullable(),
      updatedAt: z.string(),
    })
    .nullable(),
});
export type WrapupView = z.infer<typeof wrapupView>;

const score = z.number().int().min(0).max(SURVEY_LIMITS.scoreMax);

/** `POST /api/citizen/appointment/survey` and `POST /api/public/survey/:token`. */
export const surveyAnswer = z
  .object({
    liked: score,
    easy: score,
    useAgain: z.boolean(),
    comment: z.string().trim().max(SURVEY_LIMITS.commentMax).optional(),
  })
  .strict();
export type SurveyAnswer = z.infer<typeof surveyAnswer>;

/**
 * What the citizen sees of their survey: whether it may be answered now,
 * whether it was, and the organisation's name for the page heading. Never
 * their answers back (they are not needed, and a shared screen shows less).
 */
export const surveyView = z.object({
  /** The call happened: the survey may be answered. */
  open: z.boolean(),
  answered: z.boolean(),
  organisation: z.string(),
  /** The appointment's language: the page follows it. */
  language: z.string(),
});
export type SurveyView = z.infer<typeof surveyView>;
