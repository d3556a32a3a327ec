/**
 * Publish/subscribe between the application's nodes: what one node's
 * sockets cause (a citizen starts waiting, a WebRTC offer) reaches the
 * sockets held by every node. Delivery is at most once and in order per
 * channel and publisher, with no history: a subscriber sees only what is
 * published after its `subscribe` has resolved. Messages are strings (the
 * caller serialises), so every implementation copies them alike.
 */
export interface EventBus {
  /** Which implementation this is (for logs and `/metrics`). */
  readonly kind: 'in-process' | 'redis';
  /** Sends `message` to every subscriber of `channel` on every node, this one included. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `handler` for each message on `channel` from now on, until the
   * returned function is called. A handler that throws is logged, never
   * propagated to the publisher.
   */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Drops every subscription and releases connections. */
  close(): Promise<void>;
}

/** Receives one message of a channel. */
export type BusHandler = (message: string, channel: string) => void;

/** Where a bus reports handler failures and connection trouble. */
export interface BusLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The handlers of each channel, shared by the implementations: the first
 * subscription of a channel asks the transport for it and the last
 * unsubscription gives it up.
 */
export class ChannelHandlers {
  private readonly byChannel = new Map<string, Set<BusHandler>>();

  constructor(private readonly log: BusLog) {}

  /** Adds a handler; true when it is the channel's first. */
  add(channel: string, handler: BusHandler): boolean {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when the channel has none left. */
  remove(channel: string, handler: BusHandler): boolean {
    const set = this.byChannel.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size > 0) return false;
    this.byChannel.delete(channel);
    return true;
  }

  /** Whether `channel` has at least one handler. */
  has(channel: string): boolean {
    return this.byChannel.has(channel);
  }

  /** Runs every handler of `channel`; one that throws does not stop the others. */
  dispatch(channel: string, message: string): void {
    const set = this.byChannel.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(message, channel);
      } catch (error) {
        this.log.error({ err: error, channel }, 'event bus handler failed');
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}
