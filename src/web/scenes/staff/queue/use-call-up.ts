/**
 * When the panels beside the agent's call (recording, snapshots, protocol,
 * documents, interpreter) may load: once the call has connected to someone,
 * or after {@link PANELS_AT_THE_LATEST_MS} whatever happens. Each panel asks
 * the server for its data when it mounts; asked while the call is being set
 * up, those requests share the server and the agent's page with the offer,
 * the answer and the ICE candidates, and the citizen's first picture comes
 * later (bench/connect measured the answer's relay at ~45 ms instead of
 * ~15 ms). The call comes first; the panels follow a moment later.
 */
import { useEffect, useState } from 'react';
import type { CallSession } from '../../../realtime/call-session.ts';
import type { CallStart } from '../../../realtime/call-types.ts';

/** The longest the panels wait for the call to connect (a citizen whose connection fails still gets a working page). */
export const PANELS_AT_THE_LATEST_MS = 2_000;

/** Whether a call's snapshot has a participant connected. */
function connected(session: CallSession): boolean {
  return session.snapshot().peers.some((peer) => peer.connection === 'connected');
}

/** True once the call that started with `start` is up (see the module comment); false again for a new call. */
export function useCallUp(session: CallSession | null, start: CallStart | null): boolean {
  const [upFor, setUpFor] = useState<CallStart | null>(null);
  useEffect(() => {
    if (!start) return;
    const up = () => setUpFor(start);
    const timer = window.setTimeout(up, PANELS_AT_THE_LATEST_MS);
    let unsubscribe: () => void = () => undefined;
    if (session) {
      if (connected(session)) up();
      else
        unsubscribe = session.subscribe(() => {
          if (connected(session)) up();
        });
    }
    return () => {
      window.clearTimeout(timer);
      unsubscribe();
    };
  }, [session, start]);
  return start !== null && upFor === start;
}
