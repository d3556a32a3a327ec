import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Appointment, Organisation } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { enqueueMail } from '../mail/mail.queue.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { busyUnits } from '../availability/availability.engine.ts';
import { bookingRepo } from './booking.repo.ts';
import { appointmentChanged, appointmentCommitted, type Actor, type AppointmentChange } from './appointment-hooks.ts';
import { alternativesNear, bookableProcedure, candidateOrder, findSlot } from './booking.service.ts';
import { changeDeadline, uploadDeadline } from './deadlines.ts';

export type { Actor } from './appointment-hooks.ts';

/** Refuses changes to closed appointments and, for citizens, inside the notice period. */
export function assertChangeable(ctx: AppContext, org: Organisation, appointment: Appointment): void {
  if (!(OPEN_STATUSES as readonly string[]).includes(appointment.status)) throw errors.conflict('appointment_closed');
  if (ctx.clock.now() >= changeDeadline(org, appointment)) {
    throw errors.unprocessable('change_too_late', { hours: org.change_notice_hours });
  }
}

/** Cancels an appointment, frees its agent and queues the cancellation email; returns the mail id. */
export async function cancelAppointment(
  ctx: AppContext,
  org: Organisation,
  appointment: Appointment,
  actor: Actor,
): Promise<string> {
  const nowIso = ctx.clock.now().toISOString();
  const change: AppointmentChange = {
    type: 'cancelled',
    organisation: org,
    appointment: { ...appointment, status: 'cancelled', cancelled_at: nowIso, updated_at: nowIso, ics_sequence: appointment.ics_sequence + 1 },
    actor,
    at: nowIso,
  };
  const mailId = await ctx.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('appointments')
      .set({ status: 'cancelled', cancelled_at: nowIso, updated_at: nowIso, ics_sequence: appointment.ics_sequence + 1 })
      .where('organisation_id', '=', org.id)
      .where('id', '=', appointment.id)
      .where('status', 'in', [...OPEN_STATUSES])
      .executeTakeFirst();
    // A concurrent cancel got there first: nothing more to do.
    if (Number(res.numUpdatedRows) !== 1) throw errors.conflict('appointment_closed');
    await bookingRepo.releaseUnits(trx, appointment.id);
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'appointment.cancelled', actor, nowIso);
    await appointmentChanged(trx, change);
    return enqueueMail(trx, { organisationId: org.id, appointmentId: appointment.id, kind: 'appointment_cancelled', now: ctx.clock.now() });
  });
  await appointmentCommitted(ctx, change);
  return mailId;
}

/**
 * Moves an appointment to another offered time. Its own occupancy is
 * released and the new one claimed in one transaction, so a lost race leaves
 * the original booking untouched.
 */
export async function rescheduleAppointment(
  ctx: AppContext,
  org: Organisation,
  appointment: Appointment,
  startsAt: string,
  actor: Actor,
): Promise<{ appointment: Appointment; mailId: string }> {
  const procedure = await bookableProcedure(ctx, org, appointment.procedure_id);
  const startMs = Date.parse(startsAt);
  const slot = await findSlot(ctx, org, procedure, startMs, appointment.id);
  if (!slot) throw errors.unprocessable('slot_unavailable');
  const taken = async () =>
    errors.conflict('slot_taken', { alternatives: await alternativesNear(ctx, org, procedure, startMs, appointment.id) });
  if (slot.agentIds.length === 0) throw await taken();

  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const endMs = startMs + procedure.duration_minutes * 60_000;
  for (const agentId of candidateOrder(slot)) {
    const updated: Appointment = {
      ...appointment,
      agent_id: agentId,
      starts_at: new Date(startMs).toISOString(),
      ends_at: new Date(endMs).toISOString(),
      ...busyUnits(startMs, endMs + procedure.buffer_minutes * 60_000),
      upload_deadline: uploadDeadline(org, startMs, now.getTime()),
      ics_sequence: appointment.ics_sequence + 1,
      updated_at: nowIso,
    };
    const change: AppointmentChange = {
      type: 'rescheduled',
      appointment: updated,
      organisation: org,
      previousStartsAt: appointment.starts_at,
      previousAgentId: appointment.agent_id,
      actor,
      at: nowIso,
    };
    try {
      const mailId = await ctx.db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('appointments')
          .set({
            agent_id: updated.agent_id,
            starts_at: updated.starts_at,
            ends_at: updated.ends_at,
            busy_start_unit: updated.busy_start_unit,
            busy_end_unit: updated.busy_end_unit,
            upload_deadline: updated.upload_deadline,
            ics_sequence: updated.ics_sequence,
            updated_at: nowIso,
          })
          .where('organisation_id', '=', org.id)
          .where('id', '=', appointment.id)
          .where('starts_at', '=', appointment.starts_at)
          .where('status', 'in', [...OPEN_STATUSES])
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) throw errors.conflict('appointment_closed');
        await bookingRepo.releaseUnits(trx, appointment.id);
        await bookingRepo.claimUnits(trx, org.id, agentId, appointment.id, startMs, endMs + procedure.buffer_minutes * 60_000);
        await bookingRepo.addEvent(trx, org.id, appointment.id, 'appointment.rescheduled', actor, nowIso, {
          from: appointment.starts_at,
          to: updated.starts_at,
        });
        await appointmentChanged(trx, change);
        return enqueueMail(trx, { organisationId: org.id, appointmentId: appointment.id, kind: 'appointment_changed', now });
      });
      await appointmentCommitted(ctx, change);
      return { appointment: updated, mailId };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw await taken();
}
