/**
 * A call session started before the view that shows it. When the agent
 * admits a citizen from the queue, `call_started` comes back while the call
 * page is still opening (~60 ms of rendering, bench/connect); starting the
 * session then, rather than when the page's call view mounts, lets the
 * connection (offer, answer, ICE) be set up meanwhile. The view takes the
 * session over ({@link takeSessionAhead}); one not taken within
 * {@link SESSION_AHEAD_TTL_MS} is closed, so no connection or camera is left
 * open without a page showing it.
 */
import { CallSession, type CallSessionOptions } from './call-session.ts';
import type { CallDevicePreferences, CallEndReason, CallStart, SignallingPort } from './call-types.ts';

/** How long a session started ahead waits for its view. */
export const SESSION_AHEAD_TTL_MS = 15_000;

/** One session per call and connection: a `call_started` with a new self id is a new connection. */
export function callSessionKey(start: CallStart): string {
  return `${start.appointmentId}/${start.selfPeerId}`;
}

interface Ahead {
  session: CallSession;
  client: SignallingPort;
  key: string;
  /** The view's handler once it took the session; until then an ending is kept for it. */
  onEnded: ((reason: CallEndReason) => void) | null;
  endedWith: CallEndReason | null;
  timer: ReturnType<typeof setTimeout>;
}

let ahead: Ahead | null = null;

/** Starts the session for `options.start` now (opening the devices with `devices`) for a view to take over. */
export function startSessionAhead(options: Omit<CallSessionOptions, 'onEnded'>, devices: CallDevicePreferences = {}): void {
  discardSessionAhead();
  const entry: Ahead = {
    client: options.client,
    key: callSessionKey(options.start),
    onEnded: null,
    endedWith: null,
    timer: setTimeout(() => {
      if (ahead === entry) discardSessionAhead();
    }, SESSION_AHEAD_TTL_MS),
    session: new CallSession({
      ...options,
      onEnded: (reason) => {
        if (entry.onEnded) entry.onEnded(reason);
        else entry.endedWith = reason;
      },
    }),
  };
  ahead = entry;
  void entry.session.open(devices);
}

/**
 * The session started ahead for this call on this client, for one view to
 * show (it is then the view's to close); `onEnded` is told when the call
 * ends, at once if it ended already. Null when there is none: the view starts its own.
 */
export function takeSessionAhead(client: SignallingPort, start: CallStart, onEnded: (reason: CallEndReason) => void): CallSession | null {
  if (!ahead || ahead.client !== client || ahead.key !== callSessionKey(start)) return null;
  const entry = ahead;
  ahead = null;
  clearTimeout(entry.timer);
  entry.onEnded = onEnded;
  if (entry.endedWith) onEnded(entry.endedWith);
  return entry.session;
}

/** Closes a session started ahead that no view took. */
export function discardSessionAhead(): void {
  if (!ahead) return;
  clearTimeout(ahead.timer);
  ahead.session.close();
  ahead = null;
}
