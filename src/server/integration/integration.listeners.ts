import { onAppointmentChange } from '../booking/appointment-hooks.ts';
import { recordWebhookEvent } from '../webhooks/webhook-events.ts';
import { linkIdempotentBooking } from './idempotency.service.ts';

/**
 * Registers, once at load, what the integration API does inside every
 * appointment change's transaction: tie an idempotent booking to its key,
 * and queue the webhook event with its deliveries. Imported for this side
 * effect by app.ts.
 */
onAppointmentChange(linkIdempotentBooking);
onAppointmentChange(recordWebhookEvent);
