import { DateTime } from 'luxon';
import type { Appointment, Organisation } from '../db/schema.ts';
import { localDateOf, localTimeToMs } from '../availability/availability.service.ts';
import { addDays } from '../availability/zone-clock.ts';

/** The reminders an appointment gets; each is both a job kind and a mail kind. */
export const REMINDER_KINDS = ['reminder_documents', 'reminder_day_before', 'reminder_join_now'] as const;
/** One of the reminders. */
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** The documents reminder comes this long before the upload deadline. */
export const DOCUMENTS_REMINDER_BEFORE_MS = 24 * 3_600_000;

/**
 * The day-before reminder goes out at this local time on the day before,
 * not 24 hours before: "tomorrow" is then always true, it arrives in the
 * evening when people plan the next day (24 h before an 09:00 appointment
 * would be 09:00, mid-morning of a working day), and it never comes at night.
 */
export const DAY_BEFORE_LOCAL_HOUR = 18;

/**
 * The job (and email) key of one reminder for one appointment *at one
 * time*: a rescheduled appointment gets new keys, so a reminder already sent
 * for the old time does not stop the one for the new time, while scheduling
 * the same reminder twice for the same time is a no-op.
 */
export function reminderKey(kind: ReminderKind, appointmentId: string, startsAt: string): string {
  return `reminder:${kind.slice('reminder_'.length)}:${appointmentId}:${startsAt}`;
}

/** Every reminder key an appointment at `startsAt` can have (to cancel them). */
export function reminderKeys(appointmentId: string, startsAt: string): string[] {
  return REMINDER_KINDS.map((k) => reminderKey(k, appointmentId, startsAt));
}

type Timing = Pick<Appointment, 'starts_at' | 'upload_deadline'>;
type OrgTiming = Pick<Organisation, 'time_zone' | 'waiting_room_open_minutes'>;

/**
 * 18:00 in the organisation's zone on the local day before the appointment
 * (DST-correct: wall time of the previous local date). Through the kept zone
 * clocks of availability, not luxon: it runs in every booking's transaction
 * and luxon's lookups cost as much as the rest of scheduling.
 */
function dayBeforeEvening(org: OrgTiming, startsAt: string): Date {
  const localDate = localDateOf(org, Date.parse(startsAt));
  return new Date(localTimeToMs(org.time_zone, addDays(localDate, -1), `${DAY_BEFORE_LOCAL_HOUR}:00`));
}

/** When each reminder of an appointment is due. */
export function reminderTimes(org: OrgTiming, appointment: Timing): Record<ReminderKind, Date> {
  const start = Date.parse(appointment.starts_at);
  return {
    reminder_documents: new Date(Date.parse(appointment.upload_deadline) - DOCUMENTS_REMINDER_BEFORE_MS),
    reminder_day_before: dayBeforeEvening(org, appointment.starts_at),
    reminder_join_now: new Date(start - org.waiting_room_open_minutes * 60_000),
  };
}

/**
 * Until when a reminder still makes sense, if its job runs late (the
 * servers were down): the documents one until the upload deadline, the
 * day-before one until the appointment's own day begins ("tomorrow" would be
 * false), the join-now one until the appointment starts.
 */
export function reminderExpiry(kind: ReminderKind, org: Pick<Organisation, 'time_zone'>, appointment: Timing): Date {
  switch (kind) {
    case 'reminder_documents':
      return new Date(appointment.upload_deadline);
    case 'reminder_day_before':
      return DateTime.fromISO(appointment.starts_at, { zone: org.time_zone }).startOf('day').toJSDate();
    case 'reminder_join_now':
      return new Date(appointment.starts_at);
  }
}

/** True when `value` names a reminder. */
export function isReminderKind(value: string): value is ReminderKind {
  return (REMINDER_KINDS as readonly string[]).includes(value);
}
