import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import type { AppointmentChange } from '../booking/appointment-hooks.ts';
import { presentApiAppointment } from '../integration/integration.present.ts';
import { apiAppointment, documented } from '../integration/integration.schema.ts';
import { webhooksRepo } from './webhooks.repo.ts';

/** Event types a subscription may ask for. */
export const WEBHOOK_EVENT_TYPES = [
  'appointment.booked',
  'appointment.cancelled',
  'appointment.rescheduled',
  'appointment.video_offered',
  'appointment.desisted',
] as const;
/** One event type. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The event each kind of appointment change publishes, or null for changes
 * not published (yet). Typed as a complete record: when the booking module
 * adds a change (`desisted`, `completed`), this stops compiling until someone
 * decides here — add it to `WEBHOOK_EVENT_TYPES` and name it — so nothing is
 * left unpublished by oversight.
 */
const EVENT_OF = {
  booked: 'appointment.booked',
  cancelled: 'appointment.cancelled',
  rescheduled: 'appointment.rescheduled',
  // Staff switched an in-person appointment to video: the town's system learns the channel changed.
  video_offered: 'appointment.video_offered',
  // The citizen did not come: the town's system closes its file as withdrawn (Ley 39/2015 art. 94).
  desisted: 'appointment.desisted',
} as const satisfies Record<AppointmentChange['type'], WebhookEventType | null>;

/** The JSON body of every webhook delivery. */
export const webhookEventPayload = z.object({
  id: documented(z.string(), 'Event id, also in the Finestreta-Event-Id header; the same on every retry.'),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  occurredAt: documented(z.string(), 'When the change was committed: UTC instant, ISO 8601.'),
  organisation: z.object({ id: z.string(), slug: z.string() }),
  data: z.object({
    // The appointment as it was right after the change.
    appointment: apiAppointment,
    previousStartsAt: documented(z.string(), 'appointment.rescheduled only: the start before the change.').optional(),
  }),
});
/** A webhook body. */
export type WebhookEventPayload = z.infer<typeof webhookEventPayload>;

/**
 * `onAppointmentChange` listener: writes the event, with the exact body that
 * will be sent, and one pending delivery per live subscription that asked
 * for it — all in the change's transaction, so an event exists if and only
 * if the change was committed, and none is lost if the process stops.
 */
export async function recordWebhookEvent(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  const type = EVENT_OF[change.type];
  if (type === null) return;
  const appointment = change.appointment;
  const organisation = { id: change.organisation.id, slug: change.organisation.slug };
  const id = randomUUID();
  const payload: WebhookEventPayload = {
    id,
    type,
    occurredAt: change.at,
    organisation,
    data: {
      appointment: presentApiAppointment(appointment),
      ...(change.previousStartsAt ? { previousStartsAt: change.previousStartsAt } : {}),
    },
  };
  // Subscriptions that receive events: not deleted, and their API key not revoked.
  const subscriptions = await webhooksRepo.insertEventListingSubscriptions(trx, {
    id,
    organisation_id: appointment.organisation_id,
    type,
    appointment_id: appointment.id,
    occurred_at: change.at,
    payload: JSON.stringify(payload),
  });
  const targets = subscriptions.filter((s) => parseEvents(s.events).includes(type));
  await webhooksRepo.insertDeliveries(
    trx,
    targets.map((s) => ({
      id: randomUUID(),
      organisation_id: appointment.organisation_id,
      event_id: id,
      subscription_id: s.id,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: change.at,
      last_status: null,
      last_error: null,
      created_at: change.at,
      delivered_at: null,
    })),
  );
}

/** The event types stored in a subscription's JSON column. */
export function parseEvents(json: string): WebhookEventType[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.filter((v): v is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(v));
  } catch {
    return [];
  }
}
