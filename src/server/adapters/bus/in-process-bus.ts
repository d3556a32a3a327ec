import { ChannelHandlers, type BusHandler, type BusLog, type EventBus } from './event-bus.ts';

/**
 * The embedded default: one node, so "every node" is this process.
 * Handlers run on a later microtask, never inside `publish`, so a publisher
 * sees the same ordering and re-entrancy as with Redis.
 */
export function inProcessBus(log: BusLog): EventBus {
  const handlers = new ChannelHandlers(log);
  let closed = false;
  return {
    kind: 'in-process',
    publish(channel, message) {
      if (closed) return Promise.reject(new Error('event bus closed'));
      queueMicrotask(() => handlers.dispatch(channel, message));
      return Promise.resolve();
    },
    subscribe(channel: string, handler: BusHandler) {
      if (closed) return Promise.reject(new Error('event bus closed'));
      handlers.add(channel, handler);
      return Promise.resolve(() => {
        handlers.remove(channel, handler);
        return Promise.resolve();
      });
    },
    close() {
      closed = true;
      handlers.clear();
      return Promise.resolve();
    },
  };
}
