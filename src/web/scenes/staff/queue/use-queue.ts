/**
 * The agent's live queue as React state: it asks for the day's queue on
 * every (re)connection (`watch_queue`), keeps it current from `queue_entry`
 * and `citizen_waiting`, follows the server's clock for the minutes waited,
 * and calls `onArrival` once per citizen who starts waiting.
 */
import { useEffect, useRef, useState } from 'react';
import type { QueueEntry, ServerMessage } from '../../../../shared/signalling.ts';
import type { SignallingClient } from '../../../realtime/signalling-client.ts';
import { clockOffset, msUntilNextMinute, upsertEntry, sortQueue } from './queue-presence.ts';

/** The messages the queue sends, whose refusals it shows. */
const QUEUE_MESSAGES: ReadonlySet<string> = new Set(['watch_queue', 'send_message', 'return_to_waiting', 'mark_no_show']);

/** What the queue page shows. */
export interface QueueState {
  /** Null until the server has sent the queue. */
  entries: QueueEntry[] | null;
  /** The day shown (YYYY-MM-DD, the organisation's calendar). */
  date: string | null;
  /** Server time now, ms (this computer's clock corrected by the server's). */
  now: number;
  /** The latest refusal from the server (its translated message), with what it answered. */
  error: { id: string; message: string; replyTo: string | null } | null;
}

/** Runs `callback` on every `welcome`, and at once if the shared connection is already open. */
export function useOnWelcome(client: SignallingClient | null, callback: (serverTime: string | null) => void): void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    if (!client) return;
    const off = client.on('welcome', (m) => latest.current(m.serverTime));
    if (client.state === 'open') latest.current(null);
    return off;
  }, [client]);
}

/** Subscribes to the queue on `client`. */
export function useQueue(client: SignallingClient | null, onArrival: (entry: QueueEntry) => void): [QueueState, () => void] {
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  const [date, setDate] = useState<string | null>(null);
  const [offset, setOffset] = useState(0);
  const [tick, setTick] = useState(() => Date.now());
  const [error, setError] = useState<QueueState['error']>(null);
  const arrival = useRef(onArrival);
  useEffect(() => {
    arrival.current = onArrival;
  });

  useOnWelcome(client, (serverTime) => {
    if (serverTime) setOffset(clockOffset(serverTime, Date.now()));
    client?.send({ type: 'watch_queue' });
  });

  useEffect(() => {
    if (!client) return;
    const offs = [
      client.on('pong', (m) => setOffset(clockOffset(m.serverTime, Date.now()))),
      client.on('queue', (m) => {
        setTick(Date.now());
        setEntries(sortQueue(m.entries));
        setDate(m.date);
      }),
      client.on('queue_entry', (m) => {
        setTick(Date.now());
        setEntries((list) => upsertEntry(list ?? [], m.entry));
      }),
      client.on('queue_removed', (m) => {
        setEntries((list) => (list ?? []).filter((e) => e.appointmentId !== m.appointmentId));
      }),
      client.on('citizen_waiting', (m) => {
        setTick(Date.now());
        setEntries((list) => upsertEntry(list ?? [], m.entry));
        arrival.current(m.entry);
      }),
      client.on('error', (m: Extract<ServerMessage, { type: 'error' }>) => {
        // The connection is shared with the call page: its refusals are its own.
        if (m.replyTo && !QUEUE_MESSAGES.has(m.replyTo)) return;
        setError({ id: m.id, message: m.message, replyTo: m.replyTo ?? null });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  // Re-render when a waiting time shown changes minute, not every second.
  const now = tick + offset;
  const wait = entries ? msUntilNextMinute(entries, now) : null;
  useEffect(() => {
    if (wait === null) return;
    const timer = setTimeout(() => setTick(Date.now()), wait + 50);
    return () => clearTimeout(timer);
  }, [wait, tick]);

  return [{ entries, date, now, error }, () => setError(null)];
}
