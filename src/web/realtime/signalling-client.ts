/**
 * The browser's end of the real-time protocol (src/shared/signalling.ts): one
 * instance per WebSocket, opened and closed explicitly by the page that owns
 * it. It says `hello` on every (re)connection, keeps the socket alive with
 * `ping`, validates every message it receives, and reconnects with
 * exponential backoff when the connection drops. Pages subscribe to message
 * types with `on()` and to the connection state with `subscribe()`; a page
 * that must restore server-side state after a reconnection (re-join the
 * waiting room, re-watch the queue) does it in its `welcome` handler, which
 * runs after every successful `hello`.
 */
import {
  CLOSE_CODES,
  SIGNALLING_TIMINGS,
  WS_PATH,
  serverMessage,
  type ClientMessage,
  type ParticipantRole,
  type ServerMessage,
} from '../../shared/signalling.ts';

/** Where the connection is; `reconnecting` is worth a visible banner, `closed` is final. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Why a connection ended for good (state `closed`). */
export type ClosedReason =
  /** The page called `close()`. */
  | 'client'
  /** The session cookie is missing or expired, or the CSRF token is wrong: sign in again. */
  | 'unauthenticated'
  /** This person may not use the socket for that appointment or role. */
  | 'forbidden'
  /** The same person opened another tab or device, which took over. */
  | 'replaced'
  /** The page's origin was refused (a deployment problem, not the user's). */
  | 'bad_origin'
  /** Interpreter: the invitation link does not exist, is past its time, or was revoked (removed from the call). */
  | 'invitation_invalid'
  | 'invitation_expired'
  | 'invitation_revoked'
  /** Too many wrong invitation links from this connection: wait before reloading. */
  | 'too_many_attempts';

/** A server message of one `type`. */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** The part of the browser's WebSocket the client uses (tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Timer functions, injectable so tests control time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** How to build a {@link SignallingClient}. */
export interface SignallingClientOptions {
  /** Full `ws:`/`wss:` URL of the endpoint; see {@link signallingUrl}. */
  url: string;
  role: ParticipantRole;
  /** The session's CSRF token (citizens and staff). */
  csrf?: string | undefined;
  /** An interpreter's invitation. */
  invitation?: string | undefined;
  /** Defaults to the browser's `WebSocket`. */
  createSocket?: (url: string) => WebSocketLike;
  /** Defaults to the global timers. */
  timers?: Timers;
  /** Jitter source in [0, 1); defaults to `Math.random`. */
  random?: () => number;
  /** Told about every message dropped as invalid; defaults to `console.warn`. */
  warn?: (message: string, detail: unknown) => void;
  /** Listens for the browser's `online` event to retry at once; defaults to `window` when there is one. */
  onlineEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null;
}

/** WebSocket.OPEN, without relying on a global WebSocket in tests. */
const SOCKET_OPEN = 1;

/** Close codes after which reconnecting would only fail the same way again. */
const FINAL_CLOSES: ReadonlyMap<number, ClosedReason> = new Map([
  [CLOSE_CODES.unauthenticated, 'unauthenticated'],
  [CLOSE_CODES.forbidden, 'forbidden'],
  [CLOSE_CODES.replaced, 'replaced'],
  [CLOSE_CODES.badOrigin, 'bad_origin'],
  [CLOSE_CODES.invitationInvalid, 'invitation_invalid'],
  [CLOSE_CODES.invitationExpired, 'invitation_expired'],
  [CLOSE_CODES.invitationRevoked, 'invitation_revoked'],
  [CLOSE_CODES.tooManyAttempts, 'too_many_attempts'],
]);

/**
 * Heartbeat intervals without any message from the server after which the
 * client gives up on the socket. A half-open TCP connection (a phone that
 * changed network) can take minutes to raise `close` on its own.
 */
const MISSED_HEARTBEATS_LIMIT = 2;

/** The endpoint's URL for a page at `location` under the organisation prefix `basePath` (see `detectBasePath`). */
export function signallingUrl(location: Pick<Location, 'protocol' | 'host'>, basePath: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${basePath}${WS_PATH}`;
}

/**
 * The delay before reconnection attempt `attempt` (0-based): doubling from
 * `reconnectMinMs`, capped at `reconnectMaxMs`, plus up to 20 % jitter (still
 * within the cap) so a server restart is not met by every client at once.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const { reconnectMinMs, reconnectMaxMs } = SIGNALLING_TIMINGS;
  const base = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(attempt, 30));
  return Math.min(reconnectMaxMs, Math.round(base * (1 + 0.2 * random())));
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof globalThis.setInterval>),
};

function defaultWarn(message: string, detail: unknown): void {
  // eslint-disable-next-line no-console -- a dropped message is a protocol bug; developers must see it in the console.
  console.warn(message, detail);
}

type AnyHandler = (message: ServerMessage) => void;

/** One signalling connection; see the module comment. */
export class SignallingClient {
  private readonly options: SignallingClientOptions;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly warn: (message: string, detail: unknown) => void;
  private readonly handlers = new Map<ServerMessage['type'], Set<AnyHandler>>();
  private readonly stateListeners = new Set<() => void>();
  private socket: WebSocketLike | null = null;
  private currentState: ConnectionState = 'closed';
  private closedReason: ClosedReason | null = null;
  private started = false;
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private heardSinceLastPing = true;
  private missedHeartbeats = 0;
  private readonly onOnline = () => {
    if (this.currentState === 'reconnecting' && this.reconnectTimer !== null) {
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }
  };

  /** Builds the client; nothing connects until {@link open}. */
  constructor(options: SignallingClientOptions) {
    this.options = options;
    this.timers = options.timers ?? defaultTimers;
    this.random = options.random ?? Math.random;
    this.warn = options.warn ?? defaultWarn;
  }

  /** The connection state now. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Why the connection ended, once the state is `closed` after having been opened; else null. */
  get reason(): ClosedReason | null {
    return this.closedReason;
  }

  /** Connects (once); on every successful `hello` the server answers `welcome`. */
  open(): void {
    if (this.started) return;
    this.started = true;
    this.closedReason = null;
    this.attempt = 0;
    this.onlineEvents()?.addEventListener('online', this.onOnline);
    this.connect();
  }

  /** Closes the socket for good: no reconnection, no more messages to the handlers. */
  close(): void {
    if (!this.started) return;
    this.finish('client');
  }

  /**
   * Sends a message once the server has welcomed this connection. Returns
   * false, sending nothing, while (re)connecting or closed: the page restores
   * its state from its `welcome` handler instead of queueing stale messages.
   */
  send(message: ClientMessage): boolean {
    if (this.currentState !== 'open' || !this.socket || this.socket.readyState !== SOCKET_OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Calls `handler` with every valid message of `type`; returns the unsubscribe function. */
  on<T extends ServerMessage['type']>(type: T, handler: (message: ServerMessageOf<T>) => void): () => void {
    // Dispatch looks the set up by the message's own `type`, so the narrowing holds.
    const wrapped = handler as AnyHandler;
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(wrapped);
    return () => {
      this.handlers.get(type)?.delete(wrapped);
    };
  }

  /** Calls `listener` after every change of {@link state}; returns the unsubscribe function (fits `useSyncExternalStore`). */
  subscribe(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  private onlineEvents(): Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null {
    if (this.options.onlineEvents !== undefined) return this.options.onlineEvents;
    return typeof window === 'undefined' ? null : window;
  }

  private setState(next: ConnectionState): void {
    if (next === this.currentState) return;
    this.currentState = next;
    for (const listener of [...this.stateListeners]) listener();
  }

  private connect(): void {
    this.setState(this.attempt === 0 && this.currentState !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket ? this.options.createSocket(this.options.url) : new WebSocket(this.options.url);
    } catch (error) {
      // A malformed URL or a blocked scheme: retrying later is all we can do.
      this.warn('signalling: cannot open the socket', error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const { role, csrf, invitation } = this.options;
      socket.send(JSON.stringify({ type: 'hello', role, csrf, invitation } satisfies ClientMessage));
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.lost(event.code);
    };
    // `error` is always followed by `close`, which decides what happens next.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    this.heardSinceLastPing = true;
    this.missedHeartbeats = 0;
    let json: unknown;
    try {
      json = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      json = undefined;
    }
    const parsed = serverMessage.safeParse(json);
    if (!parsed.success) {
      this.warn('signalling: dropped an invalid message from the server', { data, issues: parsed.error.issues });
      return;
    }
    const message = parsed.data;
    if (message.type === 'welcome') {
      this.attempt = 0;
      this.startHeartbeat();
      this.setState('open');
    }
    for (const handler of [...(this.handlers.get(message.type) ?? [])]) {
      try {
        handler(message);
      } catch (error) {
        // One failing handler must not starve the others nor break the socket; still surface it.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private lost(code: number): void {
    this.detachSocket();
    const final = FINAL_CLOSES.get(code);
    if (final) this.finish(final);
    else this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.stopHeartbeat();
    this.setState('reconnecting');
    const delay = reconnectDelay(this.attempt, this.random);
    this.attempt += 1;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heardSinceLastPing = true;
    this.missedHeartbeats = 0;
    this.heartbeatTimer = this.timers.setInterval(() => this.beat(), SIGNALLING_TIMINGS.heartbeatMs);
  }

  private beat(): void {
    if (!this.heardSinceLastPing) this.missedHeartbeats += 1;
    if (this.missedHeartbeats >= MISSED_HEARTBEATS_LIMIT) {
      // The server answers every ping with a pong: this socket is dead even if the browser has not noticed.
      this.detachSocket();
      this.scheduleReconnect();
      return;
    }
    this.heardSinceLastPing = false;
    this.send({ type: 'ping' });
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) this.timers.clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** Forgets the current socket (its late events are ignored) and closes it if still open. */
  private detachSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.stopHeartbeat();
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (socket.readyState <= SOCKET_OPEN) {
      try {
        socket.close(1000);
      } catch {
        // Already closing.
      }
    }
  }

  private finish(reason: ClosedReason): void {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.detachSocket();
    this.onlineEvents()?.removeEventListener('online', this.onOnline);
    this.started = false;
    this.closedReason = reason;
    this.setState('closed');
  }
}
