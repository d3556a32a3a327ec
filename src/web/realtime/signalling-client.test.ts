/**
 * The signalling client against a fake WebSocket and fake timers: hello on
 * every connection, heartbeats, dropping invalid messages, reconnection with
 * exponential backoff, and the states a page shows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, SIGNALLING_TIMINGS, type ClientMessage, type ServerMessage } from '../../shared/signalling.ts';
import { reconnectDelay, signallingUrl, SignallingClient, type ConnectionState, type WebSocketLike } from './signalling-client.ts';

/** A WebSocket that the test drives: it records what the client sends and fires the events the test asks for. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: ClientMessage[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(code?: number): void {
    this.closedWith = code ?? 1005;
    this.readyState = 3;
  }

  /** The server accepted the upgrade. */
  accept(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** The server sent `data` (a message object, or raw text). */
  receive(data: ServerMessage | string): void {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    this.onmessage?.({ data: text } as MessageEvent);
  }

  /** The connection ended with `code`. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

const welcome: ServerMessage = {
  type: 'welcome',
  connectionId: 'c1',
  role: 'citizen',
  appointmentId: 'a1',
  serverTime: '2030-01-01T09:00:00.000Z',
  iceServers: [],
};

let sockets: FakeSocket[];
let warnings: unknown[];
let online: EventTarget;

function makeClient(): SignallingClient {
  return new SignallingClient({
    url: 'ws://host/api/ws',
    role: 'citizen',
    csrf: 'token-1',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0,
    warn: (_message, detail) => warnings.push(detail),
    onlineEvents: online,
  });
}

function last(): FakeSocket {
  const socket = sockets[sockets.length - 1];
  if (!socket) throw new Error('no socket was opened');
  return socket;
}

/** Opens a client and completes the hello/welcome exchange. */
function openedClient(): SignallingClient {
  const client = makeClient();
  client.open();
  last().accept();
  last().receive(welcome);
  return client;
}

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  warnings = [];
  online = new EventTarget();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SignallingClient', () => {
  it('says hello with its role and CSRF token, and is open once welcomed', () => {
    const client = makeClient();
    const states: ConnectionState[] = [];
    client.subscribe(() => states.push(client.state));
    const welcomes: ServerMessage[] = [];
    client.on('welcome', (m) => welcomes.push(m));

    expect(client.state).toBe('closed');
    client.open();
    expect(client.state).toBe('connecting');
    expect(last().url).toBe('ws://host/api/ws');
    expect(client.send({ type: 'leave_waiting_room' })).toBe(false);

    last().accept();
    expect(last().sent).toEqual([{ type: 'hello', role: 'citizen', csrf: 'token-1' }]);
    expect(client.state).toBe('connecting');

    last().receive(welcome);
    expect(client.state).toBe('open');
    expect(welcomes).toEqual([welcome]);
    expect(states).toEqual(['connecting', 'open']);
    expect(client.send({ type: 'leave_waiting_room' })).toBe(true);
    expect(last().sent.at(-1)).toEqual({ type: 'leave_waiting_room' });
  });

  it('gives each handler only the messages of its type, until unsubscribed', () => {
    const client = openedClient();
    const statuses: string[] = [];
    const unsubscribe = client.on('waiting_status', (m) => statuses.push(m.presence));
    const pongs: string[] = [];
    client.on('pong', (m) => pongs.push(m.serverTime));

    last().receive({ type: 'waiting_status', presence: 'waiting', agentKnows: false, message: null, opensAt: null });
    last().receive({ type: 'pong', serverTime: 't1' });
    unsubscribe();
    last().receive({ type: 'waiting_status', presence: 'in_call', agentKnows: true, message: null, opensAt: null });

    expect(statuses).toEqual(['waiting']);
    expect(pongs).toEqual(['t1']);
  });

  it('drops invalid messages with a warning and keeps the connection', () => {
    const client = openedClient();
    const seen: ServerMessage[] = [];
    client.on('waiting_status', (m) => seen.push(m));

    last().receive('not json');
    last().receive(JSON.stringify({ type: 'no_such_type' }));
    last().receive(JSON.stringify({ type: 'waiting_status', presence: 'dancing', agentKnows: true, message: null, opensAt: null }));
    last().receive(
      JSON.stringify({ type: 'waiting_status', presence: 'waiting', agentKnows: true, message: { template: 'running_late', minutes: 0 }, opensAt: null }),
    );

    expect(seen).toEqual([]);
    expect(warnings).toHaveLength(4);
    expect(client.state).toBe('open');
    expect(sockets).toHaveLength(1);

    const good: ServerMessage = {
      type: 'waiting_status',
      presence: 'waiting',
      agentKnows: true,
      message: { template: 'running_late', minutes: 5 },
      opensAt: null,
    };
    last().receive(good);
    expect(seen).toEqual([good]);
  });

  it('keeps calling the other handlers when one throws', () => {
    const client = openedClient();
    const seen: string[] = [];
    client.on('pong', () => {
      throw new Error('broken handler');
    });
    client.on('pong', (m) => seen.push(m.serverTime));
    // The broken handler's error is rethrown in a microtask so it still reaches the console.
    const rethrown = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      vi.spyOn(globalThis, 'queueMicrotask').mockImplementationOnce((callback) => {
        original(() => {
          try {
            callback();
          } catch (error) {
            resolve(error);
          }
        });
      });
    });
    last().receive({ type: 'pong', serverTime: 't2' });
    expect(seen).toEqual(['t2']);
    return expect(rethrown).resolves.toHaveProperty('message', 'broken handler');
  });

  it('pings every heartbeat interval while open', () => {
    openedClient();
    const pings = () => last().sent.filter((m) => m.type === 'ping').length;
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.heartbeatMs - 1);
    expect(pings()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(pings()).toBe(1);
    last().receive({ type: 'pong', serverTime: 't' });
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.heartbeatMs);
    expect(pings()).toBe(2);
  });

  it('gives up on a socket that stops answering pings, and reconnects', () => {
    const client = openedClient();
    // First ping; no answer. Second ping; no answer. At the third interval the socket counts as dead.
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.heartbeatMs * 2);
    expect(client.state).toBe('open');
    expect(last().sent.filter((m) => m.type === 'ping')).toHaveLength(2);
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.heartbeatMs);
    expect(client.state).toBe('reconnecting');
    expect(sockets[0]?.closedWith).toBe(1000);
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.reconnectMinMs);
    expect(sockets).toHaveLength(2);
  });

  it('reconnects with exponential backoff, says hello again and lets the page restore its state', () => {
    const client = openedClient();
    let welcomes = 0;
    client.on('welcome', () => {
      welcomes += 1;
      client.send({ type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } });
    });
    const states: ConnectionState[] = [];
    client.subscribe(() => states.push(client.state));

    last().drop(1006);
    expect(client.state).toBe('reconnecting');

    // Attempts at 500, then 1000, 2000 ms after each failure.
    const delays = [500, 1000, 2000];
    for (const delay of delays) {
      const before = sockets.length;
      vi.advanceTimersByTime(delay - 1);
      expect(sockets).toHaveLength(before);
      vi.advanceTimersByTime(1);
      expect(sockets).toHaveLength(before + 1);
      last().drop(1006);
    }
    expect(client.state).toBe('reconnecting');

    vi.advanceTimersByTime(4000);
    last().accept();
    expect(last().sent[0]).toEqual({ type: 'hello', role: 'citizen', csrf: 'token-1' });
    last().receive(welcome);
    expect(client.state).toBe('open');
    expect(welcomes).toBe(1);
    expect(last().sent[1]).toMatchObject({ type: 'join_waiting_room' });
    expect(states).toEqual(['reconnecting', 'open']);

    // A success resets the backoff: the next drop retries after the minimum again.
    last().drop(1006);
    const before = sockets.length;
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.reconnectMinMs);
    expect(sockets).toHaveLength(before + 1);
  });

  it('caps the backoff and adds bounded jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => reconnectDelay(n, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(reconnectDelay(0, () => 0.999)).toBeLessThanOrEqual(600);
    expect(reconnectDelay(0, () => 0.999)).toBeGreaterThan(500);
    expect(reconnectDelay(10, () => 0.999)).toBe(SIGNALLING_TIMINGS.reconnectMaxMs);
  });

  it('retries at once when the browser comes back online', () => {
    openedClient();
    last().drop(1006);
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.reconnectMinMs);
    last().drop(1006);
    expect(sockets).toHaveLength(2);
    online.dispatchEvent(new Event('online'));
    expect(sockets).toHaveLength(3);
  });

  it.each([
    [CLOSE_CODES.unauthenticated, 'unauthenticated'],
    [CLOSE_CODES.forbidden, 'forbidden'],
    [CLOSE_CODES.replaced, 'replaced'],
    [CLOSE_CODES.badOrigin, 'bad_origin'],
  ] as const)('does not reconnect after close code %i, and says why (%s)', (code, reason) => {
    const client = openedClient();
    last().drop(code);
    expect(client.state).toBe('closed');
    expect(client.reason).toBe(reason);
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.reconnectMaxMs * 2);
    expect(sockets).toHaveLength(1);
  });

  it('reconnects after a hello or heartbeat timeout', () => {
    const client = openedClient();
    last().drop(CLOSE_CODES.heartbeatTimeout);
    expect(client.state).toBe('reconnecting');
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.reconnectMinMs);
    expect(sockets).toHaveLength(2);
  });

  it('close() stops everything: no reconnection, no pings, no more messages', () => {
    const client = openedClient();
    const seen: string[] = [];
    client.on('pong', (m) => seen.push(m.serverTime));
    const socket = last();
    client.close();
    expect(client.state).toBe('closed');
    expect(client.reason).toBe('client');
    expect(socket.closedWith).toBe(1000);
    socket.receive({ type: 'pong', serverTime: 'late' });
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.heartbeatMs * 5);
    expect(seen).toEqual([]);
    expect(socket.sent.filter((m) => m.type === 'ping')).toHaveLength(0);
    expect(sockets).toHaveLength(1);
    expect(client.send({ type: 'ping' })).toBe(false);
  });

  it('close() while waiting to reconnect cancels the attempt', () => {
    const client = openedClient();
    last().drop(1006);
    client.close();
    vi.advanceTimersByTime(SIGNALLING_TIMINGS.reconnectMaxMs);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('closed');
  });

  it('can be opened again after close()', () => {
    const client = openedClient();
    client.close();
    client.open();
    expect(client.state).toBe('connecting');
    expect(sockets).toHaveLength(2);
    expect(client.reason).toBeNull();
  });

  it('builds the endpoint URL from the page location and organisation prefix', () => {
    expect(signallingUrl({ protocol: 'https:', host: 'cita.example.cat' }, '')).toBe('wss://cita.example.cat/api/ws');
    expect(signallingUrl({ protocol: 'http:', host: '127.0.0.1:3123' }, '/o/rubi')).toBe('ws://127.0.0.1:3123/o/rubi/api/ws');
  });
});
