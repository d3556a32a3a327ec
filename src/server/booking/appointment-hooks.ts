import type { Transaction } from 'kysely';
import type { Appointment, Database, Organisation } from '../db/schema.ts';
import { jobsRepo } from '../jobs/jobs.repo.ts';

/** Who caused a change, for histories, webhooks and audit (`uploader:<link id>`: the citizen's phone, through a phone link). */
export type Actor = 'citizen' | `staff:${string}` | `api:${string}` | `uploader:${string}` | 'system';

/** A committed-with-the-transaction change to an appointment. */
export interface AppointmentChange {
  /** `desisted`: closed because the citizen did not come (automatically, or marked by the agent). */
  type: 'booked' | 'rescheduled' | 'cancelled' | 'video_offered' | 'desisted';
  /** The appointment as it is after the change. */
  appointment: Appointment;
  /** Its organisation, so listeners need not look it up again inside the transaction. */
  organisation: Organisation;
  /** For a reschedule: where it was before. */
  previousStartsAt?: string;
  /** For a reschedule: whose it was before (another agent may take the new time). */
  previousAgentId?: string;
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

/**
 * Runs every listener inside the caller's transaction. The jobs they
 * schedule (reminders, no-show check) are written together after the last
 * one, still in the transaction: on PostgreSQL one round trip for all.
 */
export async function appointmentChanged(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  await jobsRepo.batched(trx, async () => {
    for (const listener of listeners) await listener(trx, change);
  });
}

/**
 * A reaction that must wait until the change is committed and visible to
 * everyone (tell the open pages and queues through the real-time channel):
 * run after the transaction, never inside it, and never able to undo it.
 */
export type CommittedListener = (change: AppointmentChange) => Promise<void>;

// Per application instance (its context object): tests run several in one process.
const committed = new WeakMap<object, CommittedListener[]>();

/** Registers a listener of an instance's committed changes; returns its removal. */
export function onAppointmentCommitted(instance: object, listener: CommittedListener): () => void {
  const list = committed.get(instance) ?? [];
  list.push(listener);
  committed.set(instance, list);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}

/**
 * Called by whoever committed a change. Listeners report their own
 * failures; one failing never stops the others nor reaches the caller,
 * whose change has succeeded whatever happens here.
 */
export async function appointmentCommitted(instance: object, change: AppointmentChange): Promise<void> {
  for (const listener of committed.get(instance) ?? []) await listener(change).catch(() => undefined);
}
