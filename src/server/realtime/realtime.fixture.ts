import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { WS_PATH, type ServerMessage } from '../../shared/signalling.ts';

/**
 * Test helpers for the real-time channel: a socket that records what the
 * server says and lets a test wait for a given message (never for a time).
 */

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** A browser tab's socket, as a test drives it. */
export class TestSocket {
  readonly received: ServerMessage[] = [];
  private readonly consumed = new Set<number>();
  private waiters: (() => void)[] = [];
  /** Resolves with the close code and reason when the server (or the test) closes the socket. */
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.received.push(JSON.parse(data.toString('utf8')) as ServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.wake();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Sends a message (an object is sent as JSON, a string as it is). */
  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message of `type` (matching `match`) not returned before; waits for it if needed. */
  async next<T extends ServerMessage['type']>(type: T, match: (m: Of<T>) => boolean = () => true, timeoutMs = 5_000): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = 0; i < this.received.length; i++) {
        const m = this.received[i];
        if (this.consumed.has(i) || m?.type !== type || !match(m as Of<T>)) continue;
        this.consumed.add(i);
        return m as Of<T>;
      }
      if (this.ws.readyState >= 2) throw new Error(`socket closed while waiting for ${type}; got ${JSON.stringify(this.received.map((r) => r.type))}`);
      const left = deadline - Date.now();
      // A safety net against a hung test, not a timing assertion.
      if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((r) => r.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every message of `type` received so far. */
  all<T extends ServerMessage['type']>(type: T): Of<T>[] {
    return this.received.filter((m): m is Of<T> => m.type === type);
  }

  /** A round trip: everything the server sent this socket before the pong has arrived. */
  async sync(): Promise<void> {
    const before = this.all('pong').length;
    this.send({ type: 'ping' });
    await this.next('pong', () => this.all('pong').length > before);
  }

  /**
   * Closes as a tab does, and then drops the transport: over `injectWS`'s
   * in-memory streams the server would otherwise never see the socket end.
   */
  close(): void {
    this.ws.close();
  }
}

/** The port an app instance listens on (it starts listening on loopback at the first call). */
async function portOf(app: FastifyInstance): Promise<number> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/**
 * Opens a socket on an app instance as a browser at `host` would
 * (same-origin by default), over real TCP: Fastify's `injectWS` streams
 * never tell the server that a client closed, and closing tabs matters here.
 */
export async function openSocket(
  app: FastifyInstance,
  opts: { cookie?: string; host?: string; origin?: string | null } = {},
): Promise<TestSocket> {
  const host = opts.host ?? 'alfa.test';
  const origin = opts.origin === undefined ? `http://${host}` : opts.origin;
  const headers: Record<string, string> = { host, ...(origin ? { origin } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) };
  const ws = new WebSocket(`ws://127.0.0.1:${await portOf(app)}${WS_PATH}`, { headers });
  // The recorder is attached before the upgrade completes: a close right after it is not missed.
  const socket = new TestSocket(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return socket;
}

/** Opens a socket and says hello with a session; resolves after the `welcome`. */
export async function greetedSocket(app: FastifyInstance, role: 'citizen' | 'agent', session: { cookie: string; csrf: string }, host?: string): Promise<TestSocket> {
  const socket = await openSocket(app, { cookie: session.cookie, ...(host ? { host } : {}) });
  socket.send({ type: 'hello', role, csrf: session.csrf });
  await socket.next('welcome');
  return socket;
}

/** A valid NIF for a number (its control letter: the number modulo 23, RD 1553/2005). */
export const nif = (n: number) => `${String(n).padStart(8, '0')}${'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23] ?? ''}`;
