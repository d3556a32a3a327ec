import type { Readable } from 'node:stream';

/**
 * What a connector is given to deliver one sealed evidence package: the
 * stable delivery id (receivers de-duplicate on it), the metadata (no
 * personal data beyond the appointment's reference) and ways to reach the
 * package itself — a stream from the encrypted store, or a signed download
 * link that expires — so that no connector ever holds a package in memory.
 */
export interface DeliveryItem {
  deliveryId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The sending organisation: whose organ seal signs what a connector makes itself (the ENI remission's index). */
  organisationId: string;
  metadata: DeliveryMetadata;
  /**
   * Opens the package's bytes (decrypted) as a stream, or only the inclusive
   * byte `range` of them (the ENI connector reads single entries out of the
   * ZIP container this way, without reading it whole).
   */
  openPackage(range?: { start: number; end: number }): Readable;
  /** A signed link to download the package, valid for a while (the REST connector hands it to the receiver). */
  downloadLink(): { url: string; expiresAt: string };
}

/** The JSON every connector hands over beside the package. */
export interface DeliveryMetadata {
  deliveryId: string;
  organisation: { dir3: string };
  appointment: { reference: string };
  procedure: { code: string; siaCode: string | null };
  package: { id: string; sha256: string; size: number; sealedAt: string; mediaType: string };
}

/**
 * An attempt's outcome: the receiver acknowledged it (with its reference);
 * it is handed over and the receiver's receipt is awaited (polled again
 * soon, not a failure); or it failed and is retried with backoff (`error`:
 * a short reason — a status, an error class — never a body or a secret).
 */
export type DeliveryOutcome =
  | { status: 'acknowledged'; reference: string }
  | { status: 'waiting'; note: string }
  | { status: 'failed'; error: string };

/**
 * A way to hand sealed evidence to a case-management system. An attempt
 * must be safe to repeat: the worker retries after any failure, and after a
 * crash it cannot know what a receiver already has.
 */
export interface Connector {
  readonly kind: string;
  attempt(item: DeliveryItem): Promise<DeliveryOutcome>;
}

/** A receiver's reference: printable, at most 200 characters (stored and shown to supervisors). */
export function validReference(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= 200 && /^[\p{L}\p{N}\p{P}\p{S} ]+$/u.test(trimmed) ? trimmed : null;
}

/** The class and code of an error (a timeout, a refused connection), never its message. */
export function summariseError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const own = typeof error === 'object' && error && 'code' in error ? (error as { code?: unknown }).code : undefined;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof own === 'string' ? own : typeof cause?.code === 'string' ? cause.code : '';
  return `${error instanceof Error ? error.name : 'Error'}${code ? ` ${code}` : ''}`;
}
