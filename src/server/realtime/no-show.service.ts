import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Actor, AppointmentChange } from '../booking/appointment-hooks.ts';
import { appointmentChanged, onAppointmentChange } from '../booking/appointment-hooks.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import type { Database, Organisation } from '../db/schema.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import { jobsRepo } from '../jobs/jobs.repo.ts';
import { enqueueMail, type MailDispatcher } from '../mail/mail.queue.ts';
import { NOT_ARRIVED_STATUSES, realtimeRepo } from './realtime.repo.ts';

/**
 * No-show: the appointment of a citizen who has not entered the waiting
 * room `no_show_minutes` after the start is marked "desisted" (the term of
 * the service this is modelled on): it closes, the agent's time is freed, the citizen is emailed
 * and, if their page is open, told. One job per appointment and start time,
 * written in the transaction of the booking or reschedule that calls for
 * it (like the reminders), so a committed appointment always has its check.
 */

/** The job kind. */
export const NO_SHOW_JOB = 'no_show';

/** The job's unique key for an appointment at a start time (a reschedule makes a new one). */
export function noShowKey(appointmentId: string, startsAt: string): string {
  return `no_show/${appointmentId}/${startsAt}`;
}

const payload = z.object({ appointmentId: z.string().min(1), startsAt: z.string().min(1) });

/** When a no-show is declared. */
export function noShowAt(org: Pick<Organisation, 'no_show_minutes'>, startsAt: string): Date {
  return new Date(Date.parse(startsAt) + org.no_show_minutes * 60_000);
}

async function onChange(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  const { appointment, organisation } = change;
  const at = new Date(change.at);
  const schedule = () =>
    jobsRepo.schedule(
      trx,
      {
        organisationId: appointment.organisation_id,
        kind: NO_SHOW_JOB,
        key: noShowKey(appointment.id, appointment.starts_at),
        runAt: noShowAt(organisation, appointment.starts_at),
        payload: { appointmentId: appointment.id, startsAt: appointment.starts_at },
      },
      at,
    );
  switch (change.type) {
    case 'booked':
    case 'video_offered':
      // The waiting room is the video channel's: an in-person citizen's arrival is not recorded here.
      if (appointment.channel === 'video') await schedule();
      return;
    case 'rescheduled':
      await jobsRepo.cancel(trx, [noShowKey(appointment.id, change.previousStartsAt ?? appointment.starts_at)], at);
      if (appointment.channel === 'video') await schedule();
      return;
    case 'cancelled':
      await jobsRepo.cancel(trx, [noShowKey(appointment.id, appointment.starts_at)], at);
      return;
  }
}

onAppointmentChange(onChange);

/** What a desisted appointment looks like to whoever tells the sockets. */
export interface Desisted {
  appointmentId: string;
  organisationId: string;
  mailId: string;
}

/**
 * Closes an appointment whose citizen is not there, in the caller's
 * transaction: only from a not-arrived status (a citizen waiting or in the
 * call is never desisted; a concurrent entry wins or loses atomically), with
 * the history event and the email (queued once per appointment). Null when
 * the appointment had moved on.
 */
export async function desist(
  trx: Transaction<Database>,
  appointment: { id: string; organisation_id: string },
  actor: Actor,
  reason: 'no_show' | 'marked_by_agent',
  now: Date,
): Promise<Desisted | null> {
  const nowIso = now.toISOString();
  if (!(await realtimeRepo.setStatus(trx, appointment.organisation_id, appointment.id, NOT_ARRIVED_STATUSES, 'desisted', nowIso))) return null;
  // The agent's time is free again (as for a cancellation).
  await bookingRepo.releaseUnits(trx, appointment.id);
  await bookingRepo.addEvent(trx, appointment.organisation_id, appointment.id, 'appointment.desisted', actor, nowIso, { reason });
  // The change's listeners, in this transaction: reminders cancelled, the webhook event queued.
  const [closed, organisation] = await Promise.all([
    trx.selectFrom('appointments').selectAll().where('id', '=', appointment.id).executeTakeFirstOrThrow(),
    trx.selectFrom('organisations').selectAll().where('id', '=', appointment.organisation_id).executeTakeFirstOrThrow(),
  ]);
  await appointmentChanged(trx, { type: 'desisted', appointment: closed, organisation, actor, at: nowIso });
  const mailId = await enqueueMail(trx, {
    organisationId: appointment.organisation_id,
    appointmentId: appointment.id,
    kind: 'appointment_desisted',
    now,
    dedupeKey: `desisted:${appointment.id}`,
  });
  return { appointmentId: appointment.id, organisationId: appointment.organisation_id, mailId };
}

/** The job handler: desist if the citizen never arrived and the appointment is still at that time. */
export function noShowHandlers(mailer: MailDispatcher, announce: (d: Desisted) => Promise<void>): Record<typeof NO_SHOW_JOB, JobHandler> {
  return {
    [NO_SHOW_JOB]: async (trx, job, ctx) => {
      const p = payload.parse(JSON.parse(job.payload));
      const row = await trx
        .selectFrom('appointments')
        .leftJoin('appointment_presence', 'appointment_presence.appointment_id', 'appointments.id')
        .select(['appointments.id', 'appointments.organisation_id', 'appointments.starts_at', 'appointments.channel', 'appointment_presence.arrived_at'])
        .where('appointments.id', '=', p.appointmentId)
        // On PostgreSQL the lock orders this against a citizen entering right now.
        .$if(ctx.dialect === 'postgres', (qb) => qb.forUpdate('appointments'))
        .executeTakeFirst();
      if (!row || row.organisation_id !== job.organisation_id || row.starts_at !== p.startsAt || row.channel !== 'video' || row.arrived_at !== null) {
        return { outcome: 'cancelled' };
      }
      const done = await desist(trx, row, 'system', 'no_show', ctx.clock.now());
      if (!done) return { outcome: 'cancelled' };
      return {
        outcome: 'done',
        afterCommit: async () => {
          await mailer.deliver(done.mailId);
          await announce(done);
        },
      };
    },
  };
}
