import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Organisation, Staff } from '../db/schema.ts';
import type { ParticipantRole, QuickMessage, ServerMessage } from '../../shared/signalling.ts';

/** The citizen's side of the waiting room as last told to them. */
export interface CitizenView {
  presence: 'not_arrived' | 'waiting' | 'in_call' | 'left';
  agentKnows: boolean;
  message: QuickMessage | null;
  opensAt: string | null;
}

/** An agent tab's live queue: the day, the agents it may see, and the appointments it shows (→ their agent). */
export interface QueueWatch {
  date: string;
  agents: ReadonlySet<string>;
  shown: Map<string, string>;
}

/** WebSocket readyState OPEN (RFC 6455 §4.1: the connection is established). */
const OPEN = 1;

/**
 * One socket and what the server knows of it. Kept small: a node holds
 * thousands of waiting citizens, and everything here is per socket.
 */
export class Connection {
  /** Also the socket's peer id in a call. 96 random bits, URL-safe. */
  readonly id = randomBytes(12).toString('base64url');
  /** Set by a successful `hello`. */
  role: ParticipantRole | null = null;
  /** Last time anything arrived (ms, monotonic enough for a heartbeat). */
  lastSeen = Date.now();
  /** The cookie token its session was found by, to check the session again before actions. */
  sessionToken = '';
  /** Citizen: their appointment and its agent. */
  appointmentId: string | null = null;
  agentId: string | null = null;
  view: CitizenView | null = null;
  /** Interpreter: the invitation they came in with (their appointment is `appointmentId`). */
  invitationId: string | null = null;
  /** Agent: who (the row as signed in; the policy reads role and offices from it), and what they watch. */
  staff: Staff | null = null;
  watch: QueueWatch | null = null;
  /** The appointment whose call this socket is a peer of, and the peers it has been told of. */
  callOf: string | null = null;
  knownPeers: Set<string> | null = null;
  /** Bus channels held for this socket (released when it closes). */
  readonly channels = new Set<string>();
  /** Set when a newer socket of the same citizen took over: its leaving is no departure. */
  replaced = false;
  closed = false;
  /** The message being handled: messages of one socket are handled one after the other, in order. */
  pending: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    readonly org: Organisation,
    /** The language errors are explained in. */
    readonly lang: string,
    /** The session cookies presented at the upgrade. */
    readonly cookies: { citizen: string | undefined; staff: string | undefined },
    /** The client's address (behind a trusted proxy, the one it forwarded), for counting failed invitations. */
    readonly address = '',
  ) {}

  /** Sends one message if the socket is still open. */
  send(message: ServerMessage): void {
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Closes with one of the protocol's codes (`CLOSE_CODES`). */
  close(code: number, reason = ''): void {
    if (this.socket.readyState === OPEN) this.socket.close(code, reason);
  }
}
