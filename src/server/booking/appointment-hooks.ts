import type { Transaction } from 'kysely';
import type { Appointment, Database, Organisation } from '../db/schema.ts';

/** Who caused a change, for histories, webhooks and audit. */
export type Actor = 'citizen' | `staff:${string}` | `api:${string}` | 'system';

/** A committed-with-the-transaction change to an appointment. */
export interface AppointmentChange {
  type: 'booked' | 'rescheduled' | 'cancelled' | 'video_offered';
  /** The appointment as it is after the change. */
  appointment: Appointment;
  /** Its organisation, so listeners need not look it up again inside the transaction. */
  organisation: Organisation;
  /** For a reschedule: where it was before. */
  previousStartsAt?: string;
  actor: Actor;
  /** Server time of the change (ISO). */
  at: string;
}

/**
 * A reaction that must happen atomically with the change (queue a webhook
 * event, schedule reminders): it writes in the same transaction, so either
 * both happen or neither does.
 */
export type AppointmentListener = (trx: Transaction<Database>, change: AppointmentChange) => Promise<void>;

const listeners: AppointmentListener[] = [];

/** Registers a listener once, at module load (idempotent for the same function). */
export function onAppointmentChange(listener: AppointmentListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Runs every listener inside the caller's transaction. */
export async function appointmentChanged(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  for (const listener of listeners) await listener(trx, change);
}
