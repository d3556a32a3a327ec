import { createRequire } from 'node:module';
import type * as ioredis from 'ioredis';
import { ChannelHandlers, type BusHandler, type BusLog, type EventBus } from './event-bus.ts';

/**
 * Redis pub/sub (https://redis.io/docs/latest/develop/interact/pubsub/):
 * every node holds one connection in subscriber mode (a connection that has
 * subscribed may only (un)subscribe, hence the second one to publish) and
 * subscribes to a channel while at least one local handler wants it.
 * Pub/sub keeps no history: a message published while a node is
 * disconnected is lost to it (ioredis reconnects and subscribes again by
 * itself), which the callers tolerate — clients resynchronise on reconnection.
 */
export function redisBus(url: string, log: BusLog, opts: { connectTimeoutMs?: number } = {}): EventBus {
  const options = {
    connectionName: 'finestreta-bus',
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    // A publish waits through a short outage rather than failing at the first retry.
    maxRetriesPerRequest: 5,
  };
  // Loaded here, not at the top: a single node (no REDIS_URL) never needs the client (~2 MB of heap).
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof ioredis;
  const pub = new Redis(url, options);
  const sub = new Redis(url, options);
  for (const [name, client] of [['publisher', pub], ['subscriber', sub]] as const) {
    client.on('error', (error: unknown) => log.warn({ err: error, connection: name }, 'event bus: redis connection error'));
  }
  const handlers = new ChannelHandlers(log);
  sub.on('message', (channel: string, message: string) => handlers.dispatch(channel, message));

  // (Un)subscriptions of one channel run one after the other, so a quick
  // unsubscribe-then-subscribe can never leave the channel unsubscribed.
  const tail = new Map<string, Promise<void>>();
  const chain = (channel: string, op: () => Promise<unknown>): Promise<void> => {
    const next = (tail.get(channel) ?? Promise.resolve())
      .catch(() => undefined)
      .then(op)
      .then(() => undefined);
    tail.set(channel, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (tail.get(channel) === next) tail.delete(channel);
      });
    return next;
  };
  let closed = false;

  return {
    kind: 'redis',
    async publish(channel, message) {
      if (closed) throw new Error('event bus closed');
      await pub.publish(channel, message);
    },
    async subscribe(channel: string, handler: BusHandler) {
      if (closed) throw new Error('event bus closed');
      if (handlers.add(channel, handler)) await chain(channel, () => sub.subscribe(channel));
      // Not the first: wait for the channel's SUBSCRIBE (or whatever is queued) to be acknowledged.
      else await (tail.get(channel) ?? Promise.resolve());
      return async () => {
        if (!handlers.remove(channel, handler) || closed) return;
        await chain(channel, async () => {
          if (!handlers.has(channel)) await sub.unsubscribe(channel);
        });
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      handlers.clear();
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
