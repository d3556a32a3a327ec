/**
 * The staff pages' one signalling connection. The queue and the call page
 * share it: admitting a citizen moves from one page to the other without
 * closing the socket (no new `hello`, no gap in which the citizen's "the
 * agent knows you are here" flickers). The connection opens with the first
 * page that needs it and closes a moment after the last one leaves.
 */
import { useEffect, useState } from 'react';
import { detectBasePath } from '../../../api/client.ts';
import { SignallingClient, signallingUrl } from '../../../realtime/signalling-client.ts';

/** A page leaving and the next one arriving happen within this; longer and the socket closes. */
const CLOSE_GRACE_MS = 2_000;

interface Shared {
  client: SignallingClient;
  csrf: string;
  users: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

let shared: Shared | null = null;

function acquire(csrf: string): SignallingClient {
  if (shared && (shared.csrf !== csrf || shared.client.state === 'closed')) {
    // Signed in again (a new CSRF token), or closed for good: start a new connection.
    if (shared.closeTimer) clearTimeout(shared.closeTimer);
    shared.client.close();
    shared = null;
  }
  if (!shared) {
    const client = new SignallingClient({ url: signallingUrl(window.location, detectBasePath(window.location.pathname)), role: 'agent', csrf });
    shared = { client, csrf, users: 0, closeTimer: null };
    client.open();
  }
  if (shared.closeTimer) clearTimeout(shared.closeTimer);
  shared.closeTimer = null;
  shared.users += 1;
  return shared.client;
}

function release(client: SignallingClient): void {
  const current = shared;
  if (!current || current.client !== client) {
    client.close();
    return;
  }
  current.users -= 1;
  if (current.users > 0) return;
  current.closeTimer = setTimeout(() => {
    if (shared === current && current.users === 0) {
      current.client.close();
      shared = null;
    }
  }, CLOSE_GRACE_MS);
}

/** The staff connection for this page (null on the first render); released when the page unmounts. */
export function useStaffSignalling(csrf: string): SignallingClient | null {
  const [client, setClient] = useState<SignallingClient | null>(null);
  useEffect(() => {
    const acquired = acquire(csrf);
    setClient(acquired);
    return () => release(acquired);
  }, [csrf]);
  return client;
}
