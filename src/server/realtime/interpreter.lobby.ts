import { CLOSE_CODES } from '../../shared/signalling.ts';
import type { Connection } from './realtime.connection.ts';
import { appointmentChannel, type AppointmentEvent } from './realtime.events.ts';

/** What the lobby needs of the hub. */
export interface LobbyHost {
  /** Holds the appointment's bus channel for a socket; resolves once subscribed. */
  acquire(conn: Connection, channel: string): Promise<void>;
  publish(appointmentId: string, e: AppointmentEvent): Promise<void>;
}

/**
 * This node's interpreter sockets, per appointment. An interpreter's socket
 * listens to its appointment's channel from its hello on, in the call or
 * not: when the call starts (the agent admits the citizen) the hub pulls the
 * sockets waiting here into it, as it does the citizen's; when the call
 * ends or pauses they hear it; when staff revoke the invitation they are
 * closed. One socket per invitation: a newer one (another tab, a reload)
 * replaces the older, wherever it is.
 */
export class InterpreterLobby {
  private readonly sockets = new Map<string, Set<Connection>>();

  constructor(private readonly host: LobbyHost) {}

  /** An interpreter's socket said hello: it hears its appointment's events, and older sockets of the invitation are closed. */
  async add(conn: Connection): Promise<void> {
    const { appointmentId, invitationId } = conn;
    if (conn.closed || !appointmentId || !invitationId) return;
    let set = this.sockets.get(appointmentId);
    if (!set) this.sockets.set(appointmentId, (set = new Set()));
    set.add(conn);
    await this.host.acquire(conn, appointmentChannel(appointmentId));
    if (conn.closed) return;
    await this.host.publish(appointmentId, { t: 'interpreter', invitationId, connectionId: conn.id });
  }

  /** Forgets a closed socket. */
  remove(conn: Connection): void {
    if (!conn.appointmentId) return;
    const set = this.sockets.get(conn.appointmentId);
    set?.delete(conn);
    if (set?.size === 0) this.sockets.delete(conn.appointmentId);
  }

  /** The local interpreter sockets of an appointment. */
  of(appointmentId: string): Connection[] {
    return [...(this.sockets.get(appointmentId) ?? [])];
  }

  /** Handles the lobby's events of an appointment's channel; false for any other event. */
  onEvent(appointmentId: string, e: AppointmentEvent): boolean {
    if (e.t !== 'interpreter' && e.t !== 'interpreter_revoked') return false;
    for (const conn of this.of(appointmentId)) {
      if (conn.invitationId !== e.invitationId) continue;
      if (e.t === 'interpreter') {
        if (conn.id === e.connectionId) continue;
        conn.replaced = true;
        conn.close(CLOSE_CODES.replaced, 'replaced');
      } else {
        // Staff recorded the removal; the socket's closing is no departure of its own.
        conn.replaced = true;
        conn.close(CLOSE_CODES.invitationRevoked, 'invitation revoked');
      }
    }
    return true;
  }
}
