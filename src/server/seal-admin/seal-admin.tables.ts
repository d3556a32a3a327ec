import type { Selectable } from 'kysely';

/**
 * An organ seal installed from the administration console. The PKCS#12 and
 * its password are each sealed under the master key (AES-256-GCM, contexts
 * `seal-p12:<id>` and `seal-password:<id>`, so neither can be moved to
 * another row); the rest is the certificate's public description.
 */
export interface OrganisationSealsTable {
  id: string;
  organisation_id: string;
  /** The PKCS#12 as uploaded (base64), sealed under the master key. */
  p12: string;
  /** Its password, sealed under the master key. */
  password: string;
  /** The seal certificate, DER in base64 (public). */
  certificate: string;
  subject: string;
  issuer: string;
  /** Hex, as X.509 prints it. */
  serial: string;
  not_before: string;
  not_after: string;
  /** JSON array of key usage names (`digitalSignature`, `nonRepudiation`, …); empty when the extension is absent. */
  key_usage: string;
  /** JSON array of extended key usage OIDs; empty when the extension is absent. */
  ext_key_usage: string;
  /** e.g. `RSA 3072`, `EC P-256`. */
  key_type: string;
  /** SHA-256 of the certificate, hex with colons. */
  fingerprint: string;
  /** `staff:<id>` of the administrator who installed it. */
  installed_by: string;
  installed_at: string;
  /** When another seal took its place; null for the seal in use. */
  replaced_at: string | null;
  /** When supervisors and administrators were told it expires within 30 days (once). */
  expiry_warned_at: string | null;
}

/** One "send test event" from the console: a single signed POST through the webhook dispatcher. */
export interface WebhookTestDeliveriesTable {
  id: string;
  organisation_id: string;
  subscription_id: string;
  /** The receiver's HTTP status; null when it did not answer. */
  status_code: number | null;
  /** Short reason of a failure (never a body or a secret). */
  error: string | null;
  /** `staff:<id>`. */
  sent_by: string;
  attempted_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    organisation_seals: OrganisationSealsTable;
    webhook_test_deliveries: WebhookTestDeliveriesTable;
  }
}

/** A stored seal. */
export type OrganisationSeal = Selectable<OrganisationSealsTable>;
