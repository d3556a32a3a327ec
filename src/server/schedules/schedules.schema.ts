/**
 * Request and response schemas of the offices-and-schedules section of the
 * administration console (issue 9). Every refusal of a field is a
 * snake_case code the web page translates next to that field.
 */
import { z } from 'zod';
import { isCalendarDate } from '../availability/zone-clock.ts';
import { LIMITS } from '../../shared/limits.ts';

/** The largest .ics file accepted (a year of holidays is a few KiB). */
export const MAX_ICS_BYTES = 256 * 1024;
/** At most this many events are read from one file. */
export const MAX_ICS_EVENTS = 500;
/** Longest office name and closure reason. */
export const MAX_NAME = 120;
export const MAX_REASON = 200;

/**
 * A wall-clock time "HH:MM" on the occupancy grid (every 5 minutes, what
 * the availability engine counts in); "24:00" only as an end.
 */
const time = (allowMidnightEnd: boolean) =>
  z
    .string({ error: 'required' })
    .trim()
    .min(1, 'required')
    .refine((v) => {
      if (allowMidnightEnd && v === '24:00') return true;
      const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
      return m !== null && Number(m[2]) % LIMITS.busyUnitMinutes === 0;
    }, 'invalid_time');

const localDate = z
  .string({ error: 'invalid_date' })
  .refine((v) => isCalendarDate(v), 'invalid_date');

/** An optional local date: "" and null both mean "open-ended". */
const optionalDate = z
  .union([z.literal(''), z.null(), localDate])
  .optional()
  .transform((v) => (v ? v : null));

const optionalId = z
  .union([z.literal(''), z.null(), z.string().max(64)])
  .optional()
  .transform((v) => (v ? v : null));

/** Route parameters. */
export const officeParams = z.object({ officeId: z.string().min(1).max(64) });
export const agentParams = z.object({ staffId: z.string().min(1).max(64) });
export const windowParams = agentParams.extend({ windowId: z.string().min(1).max(64) });
export const closureParams = z.object({ closureId: z.string().min(1).max(64) });

/** `POST /api/admin/offices`, `PUT /api/admin/offices/:officeId`. */
export const officeRequest = z.object({
  name: z.string({ error: 'required' }).trim().min(1, 'required').max(MAX_NAME, 'too_long'),
});

/** An office as the console lists it. */
export const officeView = z.object({
  id: z.string(),
  name: z.string(),
  staff: z.number().int(),
  windows: z.number().int(),
});

/** A weekly window (add or change): weekday, local times, an optional date range and office. */
export const windowRequest = z
  .object({
    weekday: z.coerce.number({ error: 'invalid_weekday' }).int('invalid_weekday').min(1, 'invalid_weekday').max(7, 'invalid_weekday'),
    start: time(false),
    end: time(true),
    validFrom: optionalDate,
    validTo: optionalDate,
    officeId: optionalId,
  })
  .superRefine((v, ctx) => {
    if (v.end <= v.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end_not_after_start' });
    if (v.validFrom && v.validTo && v.validTo < v.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'range_reversed' });
  });
export type WindowRequest = z.infer<typeof windowRequest>;

/** One weekly window of an agent. */
export const windowView = z.object({
  id: z.string(),
  weekday: z.number().int(),
  start: z.string(),
  end: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  officeId: z.string().nullable(),
});

/** A member of staff the administrator can give hours to. */
export const agentView = z.object({
  id: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  active: z.boolean(),
  offices: z.array(z.object({ id: z.string(), name: z.string() })),
  windows: z.number().int(),
});

/** An agent's page: who, their windows and the offices to choose from. */
export const agentScheduleView = z.object({
  agent: agentView,
  windows: z.array(windowView),
  offices: z.array(z.object({ id: z.string(), name: z.string() })),
});

/** `POST /api/admin/closures`: a closure (whole organisation or one agent) or one agent's special hours. */
export const closureRequest = z
  .object({
    date: localDate,
    staffId: optionalId,
    kind: z.enum(['closed', 'open'], { error: 'invalid_kind' }).default('closed'),
    start: z.union([z.literal(''), z.null(), time(false)]).optional().transform((v) => (v ? v : null)),
    end: z.union([z.literal(''), z.null(), time(true)]).optional().transform((v) => (v ? v : null)),
    reason: z.string().trim().max(MAX_REASON, 'too_long').default(''),
  })
  .superRefine((v, ctx) => {
    if ((v.start === null) !== (v.end === null)) ctx.addIssue({ code: 'custom', path: [v.start === null ? 'start' : 'end'], message: 'both_times_or_none' });
    if (v.start !== null && v.end !== null && v.end <= v.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end_not_after_start' });
    if (v.kind === 'open' && v.staffId === null) ctx.addIssue({ code: 'custom', path: ['staffId'], message: 'open_needs_agent' });
    if (v.kind === 'open' && v.start === null) ctx.addIssue({ code: 'custom', path: ['start'], message: 'open_needs_times' });
  });
export type ClosureRequest = z.infer<typeof closureRequest>;

/** A closure or special day as listed. */
export const closureView = z.object({
  id: z.string(),
  date: z.string(),
  staffId: z.string().nullable(),
  staffName: z.string().nullable(),
  kind: z.enum(['closed', 'open']),
  start: z.string().nullable(),
  end: z.string().nullable(),
  reason: z.string(),
});

/** `GET /api/admin/closures`: a period of local dates (a year at most). */
export const closuresQuery = z
  .object({ from: localDate, to: localDate })
  .refine((v) => v.from <= v.to, { path: ['to'], message: 'range_reversed' });

/** `POST /api/admin/closures/import`: the text of an .ics file; `commit: false` only previews. */
export const importRequest = z.object({
  content: z.string({ error: 'required' }).min(1, 'required').max(MAX_ICS_BYTES, 'file_too_large'),
  staffId: optionalId,
  commit: z.boolean().default(false),
});

/** One closure an import would add, and one event it leaves out (with why). */
export const importedClosure = z.object({ date: z.string(), start: z.string().nullable(), end: z.string().nullable(), summary: z.string() });
export const skippedEvent = z.object({ summary: z.string(), line: z.number().int(), reason: z.string() });
export const importView = z.object({
  committed: z.boolean(),
  closures: z.array(importedClosure),
  skipped: z.array(skippedEvent),
});

/** `GET /api/admin/calendar`: a month, optionally one office's or one agent's. */
export const calendarQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'invalid_month'),
  officeId: optionalId,
  staffId: optionalId,
});

/** One day of the capacity calendar. */
export const calendarDay = z.object({
  date: z.string(),
  weekday: z.number().int(),
  /** Agent-minutes open (weekly hours minus closures, plus special hours). */
  openMinutes: z.number().int(),
  /** Of those, agent-minutes not held by an appointment. */
  freeMinutes: z.number().int(),
  /** Appointments that day (not cancelled). */
  appointments: z.number().int(),
  /** Agents with at least one open window. */
  agents: z.number().int(),
  /** Why the day is closed for the whole organisation, when it is. */
  closedReason: z.string().nullable(),
  /** Agents (of those shown) with a closure or special hours of their own that day. */
  agentExceptions: z.number().int(),
});
export const calendarView = z.object({
  month: z.string(),
  timeZone: z.string(),
  days: z.array(calendarDay),
  offices: z.array(z.object({ id: z.string(), name: z.string() })),
  agents: z.array(z.object({ id: z.string(), name: z.string() })),
});

/** An appointment a change would leave outside its agent's hours (the 409's details). */
export const orphanView = z.object({
  id: z.string(),
  reference: z.string(),
  date: z.string(),
  time: z.string(),
  procedure: z.string(),
  agentId: z.string(),
  agent: z.string(),
});
export type OrphanView = z.infer<typeof orphanView>;

export type OfficeView = z.infer<typeof officeView>;
export type WindowView = z.infer<typeof windowView>;
export type AgentView = z.infer<typeof agentView>;
export type AgentScheduleView = z.infer<typeof agentScheduleView>;
export type ClosureView = z.infer<typeof closureView>;
export type ImportView = z.infer<typeof importView>;
export type CalendarView = z.infer<typeof calendarView>;
export type CalendarDay = z.infer<typeof calendarDay>;
