/**
 * Whether retention has deleted an appointment's personal data, read from
 * its history: the page then says so instead of showing empty fields.
 */

/** A history event as the staff appointment page receives it. */
interface HistoryEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/** When retention deleted the citizen's personal data (its `retention.purged` event), if it did. */
export function minimisedAt(history: readonly HistoryEvent[]): string | null {
  const purge = history.find((h) => h.type === 'retention.purged' && Number((h.data.purged as Record<string, unknown> | undefined)?.personalData ?? 0) > 0);
  return purge?.at ?? null;
}
