import type { Selectable } from 'kysely';

/** Where a delivery stands: still being attempted, received (with the receiver's reference), or given up (dead letter). */
export type DeliveryState = 'pending' | 'acknowledged' | 'dead';

/** One sealed evidence package to deliver to a case-management system (see migration 0023). */
export interface DeliveriesTable {
  /** The delivery id (uuid) receivers de-duplicate on; the same on every attempt. */
  id: string;
  organisation_id: string;
  appointment_id: string;
  package_id: string;
  /** `rest`, `drop_folder` or `eni`: the procedure's connector when the package was sealed. */
  connector: string;
  state: DeliveryState;
  attempts: number;
  /** When pending: when the next attempt is due. */
  next_attempt_at: string;
  /** The process attempting it now, and until when its claim holds (a dead process's claim runs out). */
  lease_owner: string | null;
  lease_until: string | null;
  /** Short reason of the last failure (HTTP status, network error class): never a body, a URL or personal data. */
  last_error: string | null;
  /** The receiver's reference, once acknowledged. */
  reference: string | null;
  acknowledged_at: string | null;
  /** Without success by then, the delivery becomes a dead letter (moved on when a supervisor retries). */
  dead_after: string;
  dead_at: string | null;
  /** When supervisors were emailed about the dead letter (once per death). */
  alerted_at: string | null;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    deliveries: DeliveriesTable;
  }
}

/** A stored delivery. */
export type Delivery = Selectable<DeliveriesTable>;
