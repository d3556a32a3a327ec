/** The connection state of a {@link SignallingClient} as React state (for the "reconnecting…" banner). */
import { useCallback, useSyncExternalStore } from 'react';
import type { ConnectionState, SignallingClient } from './signalling-client.ts';

/** Re-renders on every state change of `client`; `closed` while there is no client yet. */
export function useConnectionState(client: SignallingClient | null): ConnectionState {
  const subscribe = useCallback((listener: () => void) => (client ? client.subscribe(listener) : () => undefined), [client]);
  const snapshot = () => client?.state ?? 'closed';
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
