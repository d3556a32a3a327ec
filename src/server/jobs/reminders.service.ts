import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Appointment, Database, Organisation } from '../db/schema.ts';
import { onAppointmentChange, type AppointmentChange } from '../booking/appointment-hooks.ts';
import { enqueueMail, type MailDispatcher } from '../mail/mail.queue.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import type { JobHandler } from './job-runner.ts';
import { jobsRepo } from './jobs.repo.ts';
import { missingMandatoryDocuments } from './missing-documents.ts';
import { REMINDER_KINDS, reminderExpiry, reminderKey, reminderKeys, reminderTimes, type ReminderKind } from './reminder-schedule.ts';

/**
 * Appointment reminders, each sent exactly once.
 *
 * Scheduling: the three reminder jobs are written in the transaction of the
 * booking, reschedule or cancellation that calls for them (appointment
 * hooks), so a committed change always has its reminders and a rolled-back
 * one has none.
 *
 * Sending: an email and a database row cannot change in one atomic step,
 * so the job does not send. In ONE transaction it checks the appointment
 * still calls for the reminder, queues the email in `mail_queue` under the
 * job's key (unique: a second queueing is a no-op) and marks the job done,
 * fenced by its lease. A kill -9 anywhere before that commit leaves the job
 * to run again with nothing queued; after it, the job is done and the email
 * queued. Delivery is then the mail queue's single at-least-once step: see
 * `MailDispatcher.deliver` for the one remaining window.
 */

/** What a reminder job carries: which appointment, for which start time. */
const reminderPayload = z.object({ appointmentId: z.string().min(1), startsAt: z.string().min(1) });

/**
 * Schedules the reminders of an appointment as it now is, in the caller's
 * transaction. Reminders whose time has already passed (a booking made
 * late) are not scheduled; in-person appointments get none (the texts are
 * about joining a video call).
 */
export async function scheduleReminders(
  trx: Transaction<Database>,
  org: Pick<Organisation, 'time_zone' | 'waiting_room_open_minutes'>,
  appointment: Appointment,
  now: Date,
): Promise<void> {
  if (appointment.channel !== 'video') return;
  const times = reminderTimes(org, appointment);
  const jobs = REMINDER_KINDS.filter((kind) => times[kind].getTime() > now.getTime()).map((kind) => ({
    organisationId: appointment.organisation_id,
    kind,
    key: reminderKey(kind, appointment.id, appointment.starts_at),
    runAt: times[kind],
    payload: { appointmentId: appointment.id, startsAt: appointment.starts_at },
  }));
  await jobsRepo.scheduleMany(trx, jobs, now);
}

/**
 * Keeps the reminders in step with the appointment: scheduled on booking (or
 * when video is offered), moved on reschedule, cancelled on cancellation.
 */
async function onChange(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  const { appointment } = change;
  const at = new Date(change.at);
  switch (change.type) {
    case 'booked':
    case 'video_offered':
      // An in-person appointment offered by video is from now on like one booked by video.
      await scheduleReminders(trx, change.organisation, appointment, at);
      return;
    case 'rescheduled':
      // Cancel the old time's reminders and schedule the new time's: new keys,
      // so one already sent for the old time does not hold back the new one.
      await jobsRepo.cancel(trx, reminderKeys(appointment.id, change.previousStartsAt ?? appointment.starts_at), at);
      await scheduleReminders(trx, change.organisation, appointment, at);
      return;
    case 'cancelled':
    case 'desisted':
      await jobsRepo.cancel(trx, reminderKeys(appointment.id, appointment.starts_at), at);
      return;
  }
}

onAppointmentChange(onChange);

/** The handler of one reminder kind: queue its email if the appointment still calls for it. */
function reminderHandler(kind: ReminderKind, mailer: MailDispatcher): JobHandler {
  return async (trx, job, ctx) => {
    const payload = reminderPayload.parse(JSON.parse(job.payload));
    // On PostgreSQL the row lock orders this against a concurrent reschedule
    // or cancellation: either they wait for this reminder, or it sees them.
    const appointment = await trx
      .selectFrom('appointments')
      .selectAll()
      .where('id', '=', payload.appointmentId)
      .$if(ctx.dialect === 'postgres', (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!appointment || appointment.organisation_id !== job.organisation_id) return { outcome: 'cancelled' };
    const org = await trx
      .selectFrom('organisations')
      .select(['time_zone'])
      .where('id', '=', appointment.organisation_id)
      .executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    const stillApplies =
      (OPEN_STATUSES as readonly string[]).includes(appointment.status) &&
      appointment.channel === 'video' &&
      // Moved since: the reminders of the new time are other jobs.
      appointment.starts_at === payload.startsAt &&
      now.getTime() < reminderExpiry(kind, org, appointment).getTime();
    if (!stillApplies) return { outcome: 'cancelled' };
    if (kind === 'reminder_documents' && (await missingMandatoryDocuments(ctx, appointment, trx)).length === 0) {
      return { outcome: 'cancelled' };
    }
    const mailId = await enqueueMail(trx, {
      organisationId: appointment.organisation_id,
      appointmentId: appointment.id,
      kind,
      now,
      dedupeKey: job.key,
    });
    // Sent at once when due; should this fail, the dispatcher's poll sends it.
    return { outcome: 'done', afterCommit: () => mailer.deliver(mailId) };
  };
}

/** The handlers of the three reminder kinds, for the `JobRunner`; `mailer` sends each email as soon as it is queued. */
export function reminderHandlers(mailer: MailDispatcher): Record<ReminderKind, JobHandler> {
  return {
    reminder_documents: reminderHandler('reminder_documents', mailer),
    reminder_day_before: reminderHandler('reminder_day_before', mailer),
    reminder_join_now: reminderHandler('reminder_join_now', mailer),
  };
}
