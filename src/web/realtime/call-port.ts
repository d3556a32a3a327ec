/**
 * A call's view of the signalling client that keeps what arrives before the
 * call is listening. `call_started` reaches the page first; the call's
 * session subscribes only once the page has rendered it, and the other
 * side's first offer can land in between — without this it would be lost
 * and the call would wait for the offer to be sent again. Messages of the
 * call's types, for this appointment, are held while nobody listens to
 * their type and handed to the first listener; anything else passes through.
 */
import type { ServerMessage } from '../../shared/signalling.ts';
import type { ServerMessageOf, SignallingPort } from './call-types.ts';

/** The message types a call listens to, which may arrive before it does. */
const HELD_TYPES = ['signal', 'media_state', 'chat', 'peer_joined', 'peer_left'] as const;
type HeldType = (typeof HELD_TYPES)[number];

/** Held messages older than this are stale (a previous call's) and dropped rather than handed over. */
const MAX_AGE_MS = 15_000;

/** A {@link SignallingPort} that holds early call messages; `dispose()` stops holding. */
export interface CallPort extends SignallingPort {
  dispose(): void;
}

/** Wraps `client` for the call of `appointmentId`; `now` is injectable for tests. */
export function callPort(client: SignallingPort, appointmentId: string, now: () => number = Date.now): CallPort {
  const held: { type: HeldType; at: number; message: ServerMessage }[] = [];
  const listeners = new Map<HeldType, number>();
  const isHeld = (type: ServerMessage['type']): type is HeldType => (HELD_TYPES as readonly string[]).includes(type);
  const offs = HELD_TYPES.map((type) =>
    client.on(type, (message) => {
      if (message.appointmentId === appointmentId && !listeners.get(type)) held.push({ type, at: now(), message });
    }),
  );
  return {
    send: (message) => client.send(message),
    on<T extends ServerMessage['type']>(type: T, handler: (message: ServerMessageOf<T>) => void): () => void {
      const off = client.on(type, handler);
      if (!isHeld(type)) return off;
      listeners.set(type, (listeners.get(type) ?? 0) + 1);
      // Hand over what came before, oldest first, and forget it.
      const fresh = now() - MAX_AGE_MS;
      for (let i = 0; i < held.length; ) {
        const item = held[i];
        if (item?.type !== type) {
          i++;
          continue;
        }
        held.splice(i, 1);
        if (item.at >= fresh) handler(item.message as ServerMessageOf<T>);
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        off();
        listeners.set(type, Math.max(0, (listeners.get(type) ?? 1) - 1));
      };
    },
    dispose: () => {
      for (const off of offs) off();
      held.length = 0;
    },
  };
}
