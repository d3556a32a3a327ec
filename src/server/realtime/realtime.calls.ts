import type { IceServer } from '../../shared/signalling.ts';
import type { Connection } from './realtime.connection.ts';
import { errorMessage, RealtimeError } from './realtime.errors.ts';
import { appointmentChannel, type AppointmentEvent, type Peer } from './realtime.events.ts';

/** What the call roster needs of the hub that owns it. */
export interface CallHost {
  /** Holds a bus channel for a socket; resolves once the subscription is live. */
  acquire(conn: Connection, channel: string): Promise<void>;
  /** Gives up a socket's hold on a channel (if it held it). */
  drop(conn: Connection, channel: string): void;
  publish(appointmentId: string, e: AppointmentEvent): Promise<void>;
  /** A socket this node holds, by id. */
  connection(id: string): Connection | undefined;
  /** The appointment's local sockets outside the call that a starting call pulls in: its citizen's, and interpreters'. */
  waiting(appointmentId: string): Connection[];
  /** ICE servers for a socket joining a call (fresh TURN credentials each time). */
  iceServers(): IceServer[];
  /** Before an interpreter's socket is seen in the call: their arrival goes into the history. */
  interpreterJoined(conn: Connection): Promise<void>;
  /** A citizen back in the waiting room: their waiting status again. */
  sendView(conn: Connection): void;
  /** Whether the call is being recorded now (told to each socket joining it); never rejects. */
  recordingActive(organisationId: string, appointmentId: string): Promise<boolean>;
  log: { error(obj: object, msg: string): void };
}

/**
 * The calls this node takes part in: its sockets in each call (the mesh's
 * peers it holds), and every peer of each call it has heard of on the bus,
 * local or not. A peer that left is never learned again (a late `peers`
 * announcement must not bring it back). Split out of the hub, which owns
 * the sockets and the bus channels and hands this the call's events.
 */
export class CallRoster {
  /** The local sockets in each call. */
  private readonly peers = new Map<string, Set<Connection>>();
  /** Every peer of each call this node has heard of (local or not), and those that left (never re-added). */
  private readonly roster = new Map<string, Map<string, Peer>>();
  private readonly gone = new Map<string, Set<string>>();

  constructor(private readonly host: CallHost) {}

  /**
   * Puts local sockets into a call: each gets `call_started` with every peer
   * known so far, the call's other local sockets `peer_joined`; other nodes
   * are told (and answer with their own peers, which arrive as `peer_joined`).
   */
  async joinCall(appointmentId: string, conns: Connection[], start: boolean): Promise<void> {
    const joining = conns.filter((c) => !c.closed && c.callOf !== appointmentId);
    if (joining.length === 0) return;
    const roster = this.rosterOf(appointmentId);
    const local = this.localPeers(appointmentId);
    for (const conn of joining) {
      if (conn.callOf) this.leave(conn);
      conn.callOf = appointmentId;
      conn.knownPeers = new Set();
      local.add(conn);
      roster.set(conn.id, { peerId: conn.id, role: conn.role ?? 'citizen' });
    }
    // Told only once subscribed: a peer's offer right after `call_started` must not be missed.
    await Promise.all(joining.map((c) => this.host.acquire(c, appointmentChannel(appointmentId))));
    // An interpreter's arrival is in the history before anyone sees them.
    await Promise.all(joining.filter((c) => c.role === 'interpreter').map((c) => this.host.interpreterJoined(c)));
    const recording = await this.host.recordingActive(joining[0]?.org.id ?? '', appointmentId);
    for (const conn of joining) if (conn.callOf === appointmentId) this.sendCallStarted(conn, appointmentId, recording);
    this.tellLocalPeers(appointmentId);
    await this.host.publish(appointmentId, { t: 'peers', start, peers: [...local].map((c) => ({ peerId: c.id, role: c.role ?? 'citizen' })) });
  }

  /** An agent takes the call in this socket: their other sockets in it leave. */
  async takeCall(appointmentId: string, conn: Connection): Promise<void> {
    await this.joinCall(appointmentId, [conn], true);
    if (conn.staff) await this.host.publish(appointmentId, { t: 'taken', staffId: conn.staff.id, by: conn.id });
  }

  /** Whether a socket is a peer of that call (the sender's side of every call message). */
  inCall(conn: Connection, appointmentId: string): boolean {
    return conn.callOf === appointmentId;
  }

  /** A socket leaves its call (closed, replaced, the call moved to another tab, or an interpreter leaving). */
  leave(conn: Connection): void {
    const appointmentId = conn.callOf;
    if (!appointmentId) return;
    conn.callOf = null;
    conn.knownPeers = null;
    const local = this.peers.get(appointmentId);
    local?.delete(conn);
    if (local?.size === 0) this.peers.delete(appointmentId);
    this.forgetPeer(appointmentId, conn.id);
    void this.host.publish(appointmentId, { t: 'left', peerId: conn.id }).catch(() => undefined);
    // An agent's socket holds the appointment's channel only for the call (a citizen's and an interpreter's, from the hello).
    if (!conn.closed && conn.role === 'agent') this.host.drop(conn, appointmentChannel(appointmentId));
  }

  /** Handles the call's events of an appointment's channel; false for any other event. */
  onEvent(appointmentId: string, e: AppointmentEvent): boolean {
    switch (e.t) {
      case 'to_peers':
        for (const conn of this.peers.get(appointmentId) ?? []) {
          if (conn.id === e.except || (e.agents && conn.role !== 'agent') || (e.roles && !e.roles.includes(conn.role ?? 'citizen'))) continue;
          // A tab that shows the queue already heard of an upload there.
          if (e.agents && conn.watch?.shown.has(appointmentId)) continue;
          conn.send(e.msg);
        }
        return true;
      case 'to_peer': {
        const conn = this.host.connection(e.to);
        if (conn?.callOf === appointmentId) conn.send(e.msg);
        return true;
      }
      case 'peers':
        this.onPeers(appointmentId, e.start, e.peers);
        return true;
      case 'left':
        this.forgetPeer(appointmentId, e.peerId);
        return true;
      case 'ended':
        this.endLocally(appointmentId, (conn) => conn.send({ type: 'call_ended', appointmentId, reason: e.reason }));
        return true;
      case 'returned':
        this.endLocally(appointmentId, (conn) => {
          conn.send({ type: 'returned_to_waiting', appointmentId });
          if (conn.role !== 'citizen' || !conn.view) return;
          conn.view.presence = 'waiting';
          this.host.sendView(conn);
        });
        return true;
      case 'taken':
        for (const conn of [...(this.peers.get(appointmentId) ?? [])]) {
          if (conn.staff?.id !== e.staffId || conn.id === e.by) continue;
          conn.send(errorMessage(new RealtimeError('call_taken_elsewhere'), conn.lang, undefined));
          this.leave(conn);
        }
        return true;
      default:
        return false;
    }
  }

  private sendCallStarted(conn: Connection, appointmentId: string, recording: boolean): void {
    const peers = [...this.rosterOf(appointmentId).values()].filter((p) => p.peerId !== conn.id);
    conn.knownPeers = new Set(peers.map((p) => p.peerId));
    conn.send({ type: 'call_started', appointmentId, selfPeerId: conn.id, peers, iceServers: this.host.iceServers(), ...(recording ? { recording } : {}) });
  }

  /** Each local peer is told of the roster's peers it does not know yet. */
  private tellLocalPeers(appointmentId: string): void {
    const roster = this.rosterOf(appointmentId);
    for (const conn of this.peers.get(appointmentId) ?? []) {
      const known = conn.knownPeers ?? (conn.knownPeers = new Set());
      for (const p of roster.values()) {
        if (p.peerId === conn.id || known.has(p.peerId)) continue;
        known.add(p.peerId);
        conn.send({ type: 'peer_joined', appointmentId, peerId: p.peerId, role: p.role });
      }
    }
  }

  private forgetPeer(appointmentId: string, peerId: string): void {
    this.roster.get(appointmentId)?.delete(peerId);
    let gone = this.gone.get(appointmentId);
    if (!gone) this.gone.set(appointmentId, (gone = new Set()));
    gone.add(peerId);
    for (const conn of this.peers.get(appointmentId) ?? []) {
      if (conn.knownPeers?.delete(peerId)) conn.send({ type: 'peer_left', appointmentId, peerId });
    }
  }

  /** Ends the call for the local sockets, in it or waiting for it (everyone hears the event on the bus); `notify` tells each. */
  private endLocally(appointmentId: string, notify: (conn: Connection) => void): void {
    const targets = new Set([...(this.peers.get(appointmentId) ?? []), ...this.host.waiting(appointmentId)]);
    for (const conn of this.peers.get(appointmentId) ?? []) {
      conn.callOf = null;
      conn.knownPeers = null;
      if (conn.role === 'agent') this.host.drop(conn, appointmentChannel(appointmentId));
    }
    this.peers.delete(appointmentId);
    this.roster.delete(appointmentId);
    this.gone.delete(appointmentId);
    for (const conn of targets) notify(conn);
  }

  /** Peers announced on the bus: learn them, pull the citizen (and interpreters) in when the call starts, and answer with ours. */
  private onPeers(appointmentId: string, start: boolean, peers: Peer[]): void {
    const roster = this.rosterOf(appointmentId);
    const gone = this.gone.get(appointmentId);
    let learned = 0;
    for (const p of peers) {
      if (roster.has(p.peerId) || gone?.has(p.peerId)) continue;
      roster.set(p.peerId, p);
      learned++;
    }
    const pulled = start ? this.host.waiting(appointmentId).filter((c) => c.callOf !== appointmentId) : [];
    if (pulled.length > 0) {
      void this.joinCall(appointmentId, pulled, false).catch((error: unknown) => this.host.log.error({ err: error }, 'realtime: joining the call failed'));
      return;
    }
    this.tellLocalPeers(appointmentId);
    const local = this.peers.get(appointmentId);
    if (learned > 0 && local && local.size > 0) {
      void this.host.publish(appointmentId, { t: 'peers', start: false, peers: [...local].map((c) => ({ peerId: c.id, role: c.role ?? 'citizen' })) }).catch(() => undefined);
    } else if (roster.size === 0) {
      this.roster.delete(appointmentId);
    }
  }

  private rosterOf(appointmentId: string): Map<string, Peer> {
    let roster = this.roster.get(appointmentId);
    if (!roster) this.roster.set(appointmentId, (roster = new Map<string, Peer>()));
    return roster;
  }

  private localPeers(appointmentId: string): Set<Connection> {
    let set = this.peers.get(appointmentId);
    if (!set) this.peers.set(appointmentId, (set = new Set()));
    return set;
  }
}
