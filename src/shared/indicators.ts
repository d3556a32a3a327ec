import { z } from 'zod';

/**
 * The service indicators of the video channel (issue 8; the seed's SMART
 * list), by month of the appointments' local start, filterable by
 * procedure, office and agent, each compared with the in-person baseline an
 * administrator enters. Definitions (the tests compute them independently):
 *
 * - requested: video appointments starting in the month, whatever became of
 *   them (cancelled ones too);
 * - held: a call took place (the agent admitted the citizen);
 * - cancelled: cancelled (reported apart, never as no-shows);
 * - no-shows: the citizen never came (`desisted`);
 * - unknown: past, not cancelled, neither held nor a no-show — reported as
 *   unknown, never as zero;
 * - no-show rate: no-shows ÷ (held + no-shows), null without either;
 * - handling time: first admission to the end of the call (mean, median);
 * - not conclusive for missing documents: share of the wrapped-up calls
 *   whose wrap-up says so (calls without a wrap-up are counted apart);
 * - citizen survey: mean "liked" and "easy" (0–10), share "would use again";
 * - staff rating: mean of the agents' wrap-up rating (1–5).
 */

/** Months one request may span. */
export const INDICATORS_MAX_MONTHS = 24;

/** The targets of the seed's indicators. */
export const INDICATOR_TARGETS = { liked: 9.5, easy: 9.5, useAgain: 0.95 } as const;

/** Metrics that have an in-person baseline. */
export const BASELINE_METRICS = ['no_show_rate', 'handling_avg_seconds', 'handling_median_seconds', 'missing_documents_share', 'requested'] as const;
export const baselineMetric = z.enum(BASELINE_METRICS);
export type BaselineMetric = z.infer<typeof baselineMetric>;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'invalid_month');
const id = z.string().min(1).max(64);

/** `GET /api/staff/indicators` (and `.csv`). */
export const indicatorsQuery = z
  .object({ from: month, to: month, procedureId: id.optional(), officeId: id.optional(), agentId: id.optional() })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from_after_to', path: ['to'] });
export type IndicatorsQuery = z.infer<typeof indicatorsQuery>;

/** `GET /api/staff/indicators/report.pdf`: the monthly report of `month` (with the twelve months up to it). */
export const reportQuery = z.object({ month, procedureId: id.optional(), officeId: id.optional(), agentId: id.optional() }).strict();
export type ReportQuery = z.infer<typeof reportQuery>;

/** The month `n` months after `month` (YYYY-MM; `n` may be negative). */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The figures of one month (or of the whole range). */
export const monthIndicators = z.object({
  month: z.string(),
  requested: z.number(),
  held: z.number(),
  cancelled: z.number(),
  noShows: z.number(),
  unknown: z.number(),
  /** Still to come (not cancelled): neither held nor missed yet. */
  upcoming: z.number(),
  noShowRate: z.number().nullable(),
  handling: z.object({ count: z.number(), avgSeconds: z.number().nullable(), medianSeconds: z.number().nullable() }),
  wrapups: z.object({
    count: z.number(),
    /** Held calls without a wrap-up: their outcome is unknown. */
    missing: z.number(),
    completed: z.number(),
    missingDocuments: z.number(),
    otherReason: z.number(),
    technicalFailure: z.number(),
    missingDocumentsShare: z.number().nullable(),
    staffRatingAvg: z.number().nullable(),
  }),
  survey: z.object({ count: z.number(), likedAvg: z.number().nullable(), easyAvg: z.number().nullable(), useAgainShare: z.number().nullable() }),
});
export type MonthIndicators = z.infer<typeof monthIndicators>;

/** One procedure's figures over the whole range (`GET /api/staff/indicators/by-procedure`). */
export const procedureIndicators = z.object({ id: z.string(), name: z.string(), figures: monthIndicators });
export type ProcedureIndicators = z.infer<typeof procedureIndicators>;

/** The answer: each month in order, the whole range, the baselines and the targets. */
export const indicatorsView = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  months: z.array(monthIndicators),
  total: monthIndicators,
  /** In-person baseline per metric: the month's own value, else the every-month one; null when none was entered. */
  baselines: z.array(z.object({ month: z.string(), values: z.record(z.string(), z.number().nullable()) })),
  targets: z.object({ liked: z.number(), easy: z.number(), useAgain: z.number() }),
  /** What the viewer may filter by. */
  filters: z.object({
    procedures: z.array(z.object({ id: z.string(), name: z.string() })),
    offices: z.array(z.object({ id: z.string(), name: z.string() })),
    agents: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
});
export type IndicatorsView = z.infer<typeof indicatorsView>;

/** `PUT /api/staff/indicators/baselines`: set (or, with `value: null`, remove) in-person figures. */
export const baselinesRequest = z
  .object({
    values: z
      .array(z.object({ metric: baselineMetric, month: z.union([month, z.literal('*')]), value: z.number().finite().min(0).max(1e9).nullable() }).strict())
      .min(1)
      .max(500),
  })
  .strict();

/** One stored baseline. */
export const baselineView = z.object({ metric: baselineMetric, month: z.string(), value: z.number(), updatedAt: z.string() });
export type BaselineView = z.infer<typeof baselineView>;

/** An anonymous survey comment as supervisors read it: no name, no email, no reference. */
export const surveyCommentView = z.object({ month: z.string(), procedure: z.string(), liked: z.number(), easy: z.number(), useAgain: z.boolean(), comment: z.string() });
export type SurveyCommentView = z.infer<typeof surveyCommentView>;
