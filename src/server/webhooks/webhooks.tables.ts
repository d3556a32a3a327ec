import type { Selectable } from 'kysely';

/** An API key's request to be told, by HTTP POST to `url`, about some appointment events. */
export interface WebhookSubscriptionsTable {
  id: string;
  organisation_id: string;
  api_key_id: string;
  url: string;
  /** JSON array of event types (`appointment.booked`, …). */
  events: string;
  /**
   * The HMAC key deliveries are signed with, sealed under the master key
   * (context `webhook:<id>`); the caller sees it in clear only when creating.
   */
  secret: string;
  created_at: string;
  /** Set when the subscription is deleted; pending deliveries are then discarded. */
  deleted_at: string | null;
}

/**
 * One change to an appointment, written in the change's own transaction with
 * the exact body every delivery of it will carry, so retries are byte-identical
 * and receivers can de-duplicate on the id.
 */
export interface WebhookEventsTable {
  id: string;
  organisation_id: string;
  type: string;
  appointment_id: string;
  occurred_at: string;
  /** The JSON body POSTed to receivers. */
  payload: string;
}

/** Status of one event's delivery to one subscription. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead' | 'discarded';

/** One event to be POSTed to one subscription, retried until a 2xx or until it is dead. */
export interface WebhookDeliveriesTable {
  id: string;
  organisation_id: string;
  event_id: string;
  subscription_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When pending: the next attempt; while an attempt runs, the end of its lease. */
  next_attempt_at: string;
  /** HTTP status of the last attempt, null when there was no answer (timeout, refused). */
  last_status: number | null;
  /** Short reason of the last failure (never a body or a secret). */
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    webhook_subscriptions: WebhookSubscriptionsTable;
    webhook_events: WebhookEventsTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}

/** A stored subscription. */
export type WebhookSubscription = Selectable<WebhookSubscriptionsTable>;
/** A stored delivery. */
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
