/**
 * Admitting a citizen from the queue starts at the click, not when the call
 * page has opened. The page takes two renders to open (~40 ms measured by
 * bench/connect) before it could send `admit`; sent from the click, the
 * server starts the call and the citizen starts connecting meanwhile; when
 * `call_started` comes back the call's session starts at once
 * (call-session-ahead.ts), and the page takes over what arrived: the
 * `call_started` (or the refusal), the session, and, held by a
 * {@link CallPort}, anything of the call that came before. An admission the
 * page does not take within {@link ADMISSION_TTL_MS} is forgotten (the call
 * page, when it opens later, admits again as it does after a reload).
 */
import type { SignallingClient } from '../../../realtime/signalling-client.ts';
import { callPort, type CallPort } from '../../../realtime/call-port.ts';
import { discardSessionAhead, startSessionAhead } from '../../../realtime/call-session-ahead.ts';
import type { ServerMessageOf } from '../../../realtime/call-types.ts';

/** How long an admission started from the queue waits for its call page. */
export const ADMISSION_TTL_MS = 15_000;

/** What the call page takes over. */
export interface Admission {
  /** The call's port, holding the call's messages that came before the page listened. */
  port: CallPort;
  /** The server's answer if it came already: the call started, or `admit` was refused. */
  started: ServerMessageOf<'call_started'> | null;
  refused: ServerMessageOf<'error'> | null;
  /** Stops waiting for `call_started` (the page leaves); a session started ahead and not taken is closed. */
  stop: () => void;
}

interface Pending extends Admission {
  client: SignallingClient;
  appointmentId: string;
}

let pending: Pending | null = null;

/** Forgets the admission not taken yet, if any (its port stops holding). */
function forget(): void {
  if (!pending) return;
  pending.stop();
  pending.port.dispose();
  pending = null;
}

/** Sends `admit` for the appointment now and keeps what comes back for its call page; false when the socket is not open. */
export function admitAhead(client: SignallingClient, appointmentId: string): boolean {
  forget();
  if (client.state !== 'open') return false;
  const entry: Pending = { client, appointmentId, port: callPort(client, appointmentId), started: null, refused: null, stop: () => undefined };
  // Until the answer comes, taken over by the page or not: the page may open before it (~15 ms).
  const offs = [
    client.on('call_started', (m) => {
      if (m.appointmentId !== appointmentId) return;
      entry.started = m;
      stopListening();
      // The connection is set up while the page opens; its call view takes the session over.
      startSessionAhead({ client: entry.port, start: m, role: 'agent', deviceName: () => '' });
    }),
    client.on('error', (m) => {
      if (m.replyTo !== 'admit') return;
      entry.refused = m;
      stopListening();
    }),
  ];
  const timer = setTimeout(() => {
    if (pending === entry) forget();
    else stopListening();
  }, ADMISSION_TTL_MS);
  function stopListening(): void {
    clearTimeout(timer);
    for (const off of offs.splice(0)) off();
  }
  entry.stop = () => {
    stopListening();
    discardSessionAhead();
  };
  pending = entry;
  if (!client.send({ type: 'admit', appointmentId })) {
    forget();
    return false;
  }
  return true;
}

/**
 * The admission started from the queue for this appointment on this
 * connection, for its call page to take over (once); null when there is none
 * and the page admits by itself. The page calls `stop()` when it leaves.
 */
export function takeAdmission(client: SignallingClient, appointmentId: string): Admission | null {
  if (!pending || pending.client !== client || pending.appointmentId !== appointmentId) return null;
  const { port, started, refused, stop } = pending;
  pending = null;
  return { port, started, refused, stop };
}
