import type { AppContext } from '../context.ts';
import { activeHoldsFor, purgeAppointment, purgeBlocker, type KeptReason } from '../retention/retention.service.ts';

/**
 * The one place data-protection requests meet retention and legal holds
 * (`src/server/retention/`): which appointments are under an active legal
 * hold, what would keep one from being purged, and the purge itself.
 * Erasure never deletes on its own: retention's `purgeAppointment` decides,
 * with the same rules as the retention job (holds, delivery acknowledgement,
 * finished appointments only), and records each purge in the history and
 * the audit trail.
 */

/** What one purge attempt answered. */
export type PurgeAnswer = { purged: true } | { kept: KeptReason };

/** Active legal holds of the given appointments: appointment id → reason. */
export async function activeHolds(ctx: AppContext, organisationId: string, appointmentIds: readonly string[]): Promise<Map<string, string>> {
  const holds = await activeHoldsFor(ctx.db, organisationId, appointmentIds);
  return new Map([...holds].map(([id, hold]) => [id, hold.reason]));
}

/** What would keep the appointment from being purged now, or null (read-only). */
export function blockerOf(ctx: AppContext, organisationId: string, appointmentId: string): Promise<KeptReason | null> {
  return purgeBlocker(ctx.db, organisationId, appointmentId);
}

/**
 * Purges one appointment now (crypto-shreds its files, minimises its
 * personal data), unless a hold, an unacknowledged delivery or an
 * unfinished appointment stops it (nothing changed then).
 */
export async function purgeNow(ctx: AppContext, organisationId: string, appointmentId: string, opts: { actor: string; reason: string }): Promise<PurgeAnswer> {
  const result = await purgeAppointment(ctx, organisationId, appointmentId, opts);
  return 'purged' in result ? { purged: true } : { kept: result.kept };
}
