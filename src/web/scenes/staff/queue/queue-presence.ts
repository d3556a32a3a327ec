/**
 * The rules behind the agent's live queue, free of React and the browser so
 * they are tested alone: how long a citizen has been waiting (by the
 * server's clock, which the queue's `waitingSince` comes from), when that
 * figure next changes, how the server's clock differs from this computer's,
 * and keeping the list in order as entries change one at a time.
 */
import type { QueueEntry } from '../../../../shared/signalling.ts';

/** Whole minutes a citizen has waited at `nowMs` (server time), never negative; null when not waiting. */
export function waitingMinutes(entry: Pick<QueueEntry, 'presence' | 'waitingSince'>, nowMs: number): number | null {
  if (entry.presence !== 'waiting' || !entry.waitingSince) return null;
  const since = Date.parse(entry.waitingSince);
  if (Number.isNaN(since)) return null;
  return Math.max(0, Math.floor((nowMs - since) / 60_000));
}

/**
 * Milliseconds from `nowMs` until some waiting time shown changes minute
 * (so the page re-renders exactly then, not every second); null when nobody waits.
 */
export function msUntilNextMinute(entries: readonly Pick<QueueEntry, 'presence' | 'waitingSince'>[], nowMs: number): number | null {
  let next: number | null = null;
  for (const entry of entries) {
    const minutes = waitingMinutes(entry, nowMs);
    if (minutes === null || !entry.waitingSince) continue;
    const since = Date.parse(entry.waitingSince);
    // A `since` ahead of this clock counts as zero minutes; the first change is still a minute after it.
    const at = since + (minutes + 1) * 60_000;
    const wait = Math.max(0, at - nowMs);
    if (next === null || wait < next) next = wait;
  }
  return next;
}

/**
 * How far the server's clock is ahead of this computer's, from a message
 * stamped `serverTime` that arrived at `receivedAtMs` (local). Half a round
 * trip of error at most; enough for minutes.
 */
export function clockOffset(serverTime: string, receivedAtMs: number): number {
  const server = Date.parse(serverTime);
  return Number.isNaN(server) ? 0 : server - receivedAtMs;
}

/** The queue in order: by start time, then by reference, so rows do not jump about. */
export function sortQueue(entries: readonly QueueEntry[]): QueueEntry[] {
  return [...entries].sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.reference.localeCompare(b.reference));
}

/** The queue with `entry` added or replacing the one with its id. */
export function upsertEntry(entries: readonly QueueEntry[], entry: QueueEntry): QueueEntry[] {
  const others = entries.filter((e) => e.appointmentId !== entry.appointmentId);
  return sortQueue([...others, entry]);
}

/** What an agent may do with an entry now. */
export interface EntryActions {
  admit: boolean;
  /** Go back to a call already under way (this tab or another). */
  rejoin: boolean;
  message: boolean;
  returnToWaiting: boolean;
  noShow: boolean;
}

/** The actions the queue offers for an entry, by where the citizen is. */
export function entryActions(presence: QueueEntry['presence']): EntryActions {
  return {
    admit: presence === 'waiting',
    rejoin: presence === 'in_call',
    message: presence === 'waiting',
    returnToWaiting: presence === 'in_call',
    noShow: presence === 'not_arrived' || presence === 'left',
  };
}
