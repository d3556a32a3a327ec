import type { RawData } from 'ws';
import { AppError } from '../http/errors.ts';
import { clientMessage, CLOSE_CODES, type ClientMessage } from '../../shared/signalling.ts';
import { greetInterpreter } from './interpreter.realtime.ts';
import { chat, hangUp, mediaState, relaySignal } from './realtime-call.service.ts';
import type { Connection } from './realtime.connection.ts';
import { errorMessage, RealtimeError } from './realtime.errors.ts';
import { AGENT_MESSAGES, CITIZEN_MESSAGES, authenticate, stillSignedIn } from './realtime.policy.ts';
import type { RealtimeService } from './realtime.service.ts';
import { iceServersFor } from './ice-servers.ts';

/** How long a socket may take to say hello, and the heartbeat interval (tests shorten them). */
export interface SocketTimings {
  helloTimeoutMs: number;
  heartbeatMs: number;
  /** How long a waiting citizen's socket may stay away before they count as having left. */
  departureGraceMs: number;
}

/** The close frame's reason for each refusal of a hello (the code is what clients act on). */
const CLOSE_REASONS: ReadonlyMap<number, string> = new Map([
  [CLOSE_CODES.forbidden, 'forbidden'],
  [CLOSE_CODES.invitationInvalid, 'invitation not found'],
  [CLOSE_CODES.invitationExpired, 'invitation expired'],
  [CLOSE_CODES.invitationRevoked, 'invitation revoked'],
  [CLOSE_CODES.tooManyAttempts, 'too many attempts'],
]);

/** Messages that act on the appointment: the session is checked again before each (it may have ended since the hello). */
const ACTIONS: ReadonlySet<ClientMessage['type']> = new Set([...CITIZEN_MESSAGES, ...AGENT_MESSAGES]);

/**
 * Runs one socket: the hello deadline, then every message parsed against
 * the protocol and handled in order. A bad message is answered with an
 * `error` and the socket stays open; only authentication failures close it.
 */
export function runSocket(svc: RealtimeService, conn: Connection, timings: SocketTimings): void {
  const { hub } = svc;
  hub.add(conn);
  const helloTimer = setTimeout(() => {
    if (!conn.role) conn.close(CLOSE_CODES.helloTimeout, 'hello timeout');
  }, timings.helloTimeoutMs);
  helloTimer.unref();
  let greeted = false;

  conn.socket.on('message', (data: RawData, isBinary: boolean) => {
    conn.lastSeen = Date.now();
    const msg = parse(data, isBinary);
    if (!msg.ok) {
      conn.send(errorMessage(new RealtimeError('invalid_message'), conn.lang, msg.type));
      return;
    }
    if (msg.value.type === 'hello' && !greeted) {
      // Arrived in time: how long the check takes is the server's business.
      greeted = true;
      clearTimeout(helloTimer);
    }
    conn.pending = conn.pending.then(() =>
      handle(svc, conn, msg.value).catch((error: unknown) => {
        if (!(error instanceof RealtimeError) && !(error instanceof AppError)) {
          svc.ctx.log.error({ err: error, type: msg.value.type, connection: conn.id }, 'realtime message failed');
        }
        conn.send(errorMessage(error, conn.lang, msg.value.type));
      }),
    );
  });
  conn.socket.on('close', () => {
    clearTimeout(helloTimer);
    hub.remove(conn);
  });
}

function parse(data: RawData, isBinary: boolean): { ok: true; value: ClientMessage } | { ok: false; type: string | undefined } {
  if (isBinary) return { ok: false, type: undefined };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  } catch {
    return { ok: false, type: undefined };
  }
  const parsed = clientMessage.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const type = typeof json === 'object' && json !== null && 'type' in json && typeof json.type === 'string' ? json.type.slice(0, 40) : undefined;
  return { ok: false, type };
}

async function handle(svc: RealtimeService, conn: Connection, msg: ClientMessage): Promise<void> {
  if (conn.closed) return;
  if (msg.type === 'ping') {
    conn.send({ type: 'pong', serverTime: svc.ctx.clock.now().toISOString() });
    return;
  }
  if (msg.type === 'hello') return hello(svc, conn, msg);
  if (!conn.role) throw new RealtimeError('not_greeted');
  if (ACTIONS.has(msg.type)) {
    if ((CITIZEN_MESSAGES.has(msg.type) && conn.role !== 'citizen') || (AGENT_MESSAGES.has(msg.type) && conn.role !== 'agent')) {
      throw new RealtimeError('wrong_role');
    }
    if (!(await stillSignedIn(svc.ctx, conn))) {
      conn.close(CLOSE_CODES.unauthenticated, 'session ended');
      return;
    }
  }
  switch (msg.type) {
    case 'join_waiting_room':
      return svc.join(conn, msg);
    case 'leave_waiting_room':
      if (conn.appointmentId) await svc.leave(conn.org, conn.appointmentId, 'left');
      return;
    case 'watch_queue':
      return svc.watchQueue(conn, msg);
    case 'admit':
      return svc.admit(conn, msg);
    case 'send_message':
      return svc.sendMessage(conn, msg);
    case 'return_to_waiting':
      return svc.returnToWaiting(conn, msg);
    case 'mark_no_show':
      return svc.markNoShow(conn, msg);
    case 'request_document':
      return svc.requestDocument(conn, msg);
    case 'signal':
      return relaySignal(svc, conn, msg);
    case 'chat':
      return chat(svc, conn, msg);
    case 'media_state':
      return mediaState(svc, conn, msg);
    case 'hang_up':
      return hangUp(svc, conn, msg);
  }
}

async function hello(svc: RealtimeService, conn: Connection, msg: Extract<ClientMessage, { type: 'hello' }>): Promise<void> {
  if (conn.role) throw new RealtimeError('already_greeted');
  const outcome = await authenticate(svc.ctx, conn, msg);
  if ('close' in outcome) {
    conn.close(outcome.close, CLOSE_REASONS.get(outcome.close) ?? 'unauthenticated');
    return;
  }
  conn.sessionToken = outcome.token;
  const now = svc.ctx.clock.now();
  const serverTime = now.toISOString();
  const iceServers = iceServersFor(svc.ctx.config.realtime, now);
  if (outcome.role === 'interpreter') {
    conn.role = 'interpreter';
    conn.appointmentId = outcome.appointmentId;
    conn.invitationId = outcome.invitationId;
    conn.send({ type: 'welcome', connectionId: conn.id, role: 'interpreter', appointmentId: outcome.appointmentId, serverTime, iceServers });
    await greetInterpreter(svc, conn);
    return;
  }
  if (outcome.role === 'citizen') {
    conn.role = 'citizen';
    conn.send({ type: 'welcome', connectionId: conn.id, role: 'citizen', appointmentId: outcome.appointmentId, serverTime, iceServers });
    await svc.greetCitizen(conn, outcome.appointmentId, outcome.agentId);
    return;
  }
  conn.role = 'agent';
  conn.staff = outcome.staff;
  conn.send({ type: 'welcome', connectionId: conn.id, role: 'agent', appointmentId: null, serverTime, iceServers });
}
