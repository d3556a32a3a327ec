import { randomUUID } from 'node:crypto';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { CLOSE_CODES, type IceServer, type QueueEntry } from '../../shared/signalling.ts';
import type { Connection, QueueWatch } from './realtime.connection.ts';
import { errorMessage, RealtimeError } from './realtime.errors.ts';
import { agentChannel, appointmentChannel, busEnvelope, parseChannel, type AgentEvent, type AppointmentEvent, type Peer } from './realtime.events.ts';

/** Where the hub reports what goes wrong (pino's shape). */
export interface HubLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What the hub asks of the rest of the application. */
export interface HubHooks {
  /** ICE servers for a socket joining a call (fresh TURN credentials each time). */
  iceServers(): IceServer[];
  /** The last citizen socket of a waiting appointment went away and none came back in time. */
  citizenGone(appointmentId: string, organisationId: string): Promise<void>;
}

/**
 * This process's registry of sockets, and its half of the fan-out between
 * nodes. Every socket is held by exactly one node; everything that concerns
 * sockets held elsewhere goes through the event bus, on one channel per
 * appointment (its citizen's sockets and its call's peers) and one per
 * agent (the tabs showing that agent's queue). A node subscribes to a
 * channel only while one of its sockets needs it, so a citizen's socket
 * never even receives another appointment's events.
 */
export class RealtimeHub {
  /** This node's name on the bus. */
  readonly node = randomUUID();
  private readonly connections = new Set<Connection>();
  private readonly byId = new Map<string, Connection>();
  private readonly citizens = new Map<string, Set<Connection>>();
  private readonly watchers = new Map<string, Set<Connection>>();
  /** The local sockets in each call. */
  private readonly peers = new Map<string, Set<Connection>>();
  /** Every peer of each call this node has heard of (local or not), and those that left (never re-added). */
  private readonly roster = new Map<string, Map<string, Peer>>();
  private readonly gone = new Map<string, Set<string>>();
  /** Agent tabs showing each appointment, per node, as the nodes announced them. */
  private readonly watching = new Map<string, Map<string, number>>();
  /** What this node last announced per appointment. */
  private readonly announced = new Map<string, number>();
  private readonly subscriptions = new Map<string, { holders: number; ready: Promise<(() => Promise<void>) | null> }>();
  private readonly departures = new Map<string, NodeJS.Timeout>();
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly bus: EventBus,
    private readonly log: HubLog,
    private readonly hooks: HubHooks,
    private readonly timings: { heartbeatMs: number; departureGraceMs: number },
  ) {
    // One sweep for all sockets rather than a timer each: a socket silent for three intervals is gone.
    this.sweeper = setInterval(() => this.sweep(), timings.heartbeatMs);
    this.sweeper.unref();
  }

  /** Sockets held by this node (for `/metrics` and the bench). */
  get size(): number {
    return this.connections.size;
  }

  /** Prometheus text: the sockets this node holds, by role (`none`: not greeted yet). */
  metrics(): Promise<string> {
    const counts = new Map<string, number>([['citizen', 0], ['agent', 0], ['none', 0]]);
    for (const conn of this.connections) counts.set(conn.role ?? 'none', (counts.get(conn.role ?? 'none') ?? 0) + 1);
    return Promise.resolve(
      [
        '# HELP finestreta_realtime_sockets WebSockets held by this node, by role.',
        '# TYPE finestreta_realtime_sockets gauge',
        ...[...counts].map(([role, n]) => `finestreta_realtime_sockets{role="${role}"} ${n}`),
        '',
      ].join('\n'),
    );
  }

  /** Starts holding a socket (before its hello). */
  add(conn: Connection): void {
    this.connections.add(conn);
    this.byId.set(conn.id, conn);
  }

  /** Forgets a closed socket: it leaves its call, its channels, and (a citizen) possibly the waiting room. */
  remove(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    this.byId.delete(conn.id);
    if (conn.callOf) this.leaveCall(conn);
    if (conn.appointmentId && conn.role === 'citizen') {
      const set = this.citizens.get(conn.appointmentId);
      set?.delete(conn);
      if (set?.size === 0) this.citizens.delete(conn.appointmentId);
      if (!conn.replaced && !this.citizens.has(conn.appointmentId)) this.scheduleDeparture(conn.appointmentId, conn.org.id);
    }
    if (conn.watch) this.unwatch(conn);
    for (const channel of conn.channels) void this.release(channel);
    conn.channels.clear();
  }

  // --- Citizens --------------------------------------------------------------------------------

  /** A citizen's socket said hello: it receives its appointment's events, and older sockets of the appointment are closed. */
  async addCitizen(conn: Connection, appointmentId: string, agentId: string): Promise<void> {
    // A socket that closed while its hello was being checked (the device check's probe closes right
    // after `welcome`) must not be registered, nor announce itself and so replace the live one.
    if (conn.closed) return;
    conn.appointmentId = appointmentId;
    conn.agentId = agentId;
    let set = this.citizens.get(appointmentId);
    if (!set) this.citizens.set(appointmentId, (set = new Set()));
    set.add(conn);
    this.cancelDeparture(appointmentId);
    await this.acquire(conn, appointmentChannel(appointmentId));
    if (conn.closed) return;
    await this.publishAppointment(appointmentId, { t: 'citizen', connectionId: conn.id });
    // Who is watching? The answers come back as `watchers` on the appointment's channel.
    await this.publishAgent(agentId, { t: 'query', appointmentId });
  }

  /** Sends the citizen their waiting status, with whether an agent's screen shows them. */
  sendView(conn: Connection): void {
    const { view, appointmentId } = conn;
    if (!view || !appointmentId) return;
    view.agentKnows = this.agentKnows(appointmentId);
    conn.send({ type: 'waiting_status', presence: view.presence, agentKnows: view.agentKnows, message: view.message, opensAt: view.opensAt });
  }

  private agentKnows(appointmentId: string): boolean {
    for (const count of this.watching.get(appointmentId)?.values() ?? []) if (count > 0) return true;
    return false;
  }

  private scheduleDeparture(appointmentId: string, organisationId: string): void {
    if (this.closing) return;
    this.cancelDeparture(appointmentId);
    // A dropped connection usually comes back within seconds (the client reconnects): only a
    // citizen still gone after the grace period has left the waiting room.
    const timer = setTimeout(() => {
      this.departures.delete(appointmentId);
      if (this.citizens.has(appointmentId)) return;
      this.hooks.citizenGone(appointmentId, organisationId).catch((error: unknown) => this.log.error({ err: error, appointmentId }, 'realtime: departure failed'));
    }, this.timings.departureGraceMs);
    timer.unref();
    this.departures.set(appointmentId, timer);
  }

  private cancelDeparture(appointmentId: string): void {
    const timer = this.departures.get(appointmentId);
    if (timer) clearTimeout(timer);
    this.departures.delete(appointmentId);
  }

  // --- Agents' queues --------------------------------------------------------------------------

  /** An agent tab shows the queue of `date` for `agents`: from now on it receives their appointments' changes. */
  async watch(conn: Connection, date: string, agents: string[]): Promise<void> {
    // Another day (or new offices): the new channels are taken before the old ones are given up.
    const previous = conn.watch;
    conn.watch = { date, agents: new Set(agents), shown: new Map() };
    for (const agentId of agents) {
      let set = this.watchers.get(agentId);
      if (!set) this.watchers.set(agentId, (set = new Set()));
      set.add(conn);
    }
    await Promise.all(agents.map((a) => this.acquire(conn, agentChannel(a))));
    if (previous) this.forgetWatch(conn, previous, conn.watch.agents);
  }

  /** The entries a watching tab shows: the citizens already waiting among them learn that an agent sees them. */
  async show(conn: Connection, entries: QueueEntry[]): Promise<void> {
    const watch = conn.watch;
    if (!watch) return;
    for (const e of entries) watch.shown.set(e.appointmentId, e.agentId);
    await Promise.all(entries.filter((e) => e.presence === 'waiting' || e.presence === 'in_call').map((e) => this.announce(e.appointmentId, e.agentId, true)));
  }

  private unwatch(conn: Connection): void {
    const watch = conn.watch;
    if (!watch) return;
    conn.watch = null;
    this.forgetWatch(conn, watch, new Set());
  }

  /** Drops what a tab watched before, except the agents it still watches. */
  private forgetWatch(conn: Connection, watch: QueueWatch, keep: ReadonlySet<string>): void {
    for (const agentId of watch.agents) {
      if (keep.has(agentId)) continue;
      const set = this.watchers.get(agentId);
      set?.delete(conn);
      if (set?.size === 0) this.watchers.delete(agentId);
      if (!conn.closed) {
        const channel = agentChannel(agentId);
        if (conn.channels.delete(channel)) void this.release(channel);
      }
    }
    for (const [appointmentId, agentId] of watch.shown) {
      void this.announce(appointmentId, agentId, false).catch((error: unknown) => this.log.warn({ err: error }, 'realtime: announce failed'));
    }
  }

  /** How many local tabs show an appointment. */
  private localWatchers(appointmentId: string, agentId: string): number {
    let n = 0;
    for (const conn of this.watchers.get(agentId) ?? []) if (conn.watch?.shown.has(appointmentId)) n++;
    return n;
  }

  /** Tells the appointment's citizen (wherever they are) how many tabs here show them, if that is news or asked. */
  private async announce(appointmentId: string, agentId: string, asked: boolean): Promise<void> {
    const count = this.localWatchers(appointmentId, agentId);
    const before = this.announced.get(appointmentId);
    if (!(count > 0 && asked) && count === (before ?? 0)) return;
    if (count === 0) this.announced.delete(appointmentId);
    else this.announced.set(appointmentId, count);
    await this.publishAppointment(appointmentId, { t: 'watchers', count });
  }

  /** Publishes a queue entry's change to every tab showing that agent's queue, on every node. */
  publishQueue(entry: QueueEntry, procedureNames: string, date: string, alert: boolean): Promise<void> {
    return this.publishAgent(entry.agentId, { t: 'queue', entry, names: procedureNames, date, alert });
  }

  /** A document arrived for an appointment: its agents' tabs refresh their documents list. */
  async publishUpload(agentId: string, appointmentId: string, documentId: string, slot: string): Promise<void> {
    await this.publishAgent(agentId, { t: 'uploaded', appointmentId, documentId, slot });
    await this.publishAppointment(appointmentId, {
      t: 'to_peers',
      agents: true,
      msg: { type: 'document_uploaded', appointmentId, documentId, slot },
    });
  }

  // --- Calls ----------------------------------------------------------------------------------

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
      if (conn.callOf) this.leaveCall(conn);
      conn.callOf = appointmentId;
      conn.knownPeers = new Set();
      local.add(conn);
      roster.set(conn.id, { peerId: conn.id, role: conn.role ?? 'citizen' });
    }
    // Told only once subscribed: a peer's offer right after `call_started` must not be missed.
    await Promise.all(joining.map((c) => this.acquire(c, appointmentChannel(appointmentId))));
    for (const conn of joining) if (conn.callOf === appointmentId) this.sendCallStarted(conn, appointmentId);
    this.tellLocalPeers(appointmentId);
    await this.publishAppointment(appointmentId, { t: 'peers', start, peers: [...local].map((c) => ({ peerId: c.id, role: c.role ?? 'citizen' })) });
  }

  /** An agent takes the call in this socket: their other sockets in it leave. */
  async takeCall(appointmentId: string, conn: Connection): Promise<void> {
    await this.joinCall(appointmentId, [conn], true);
    if (conn.staff) await this.publishAppointment(appointmentId, { t: 'taken', staffId: conn.staff.id, by: conn.id });
  }

  /** The local citizen sockets of an appointment (to pull into its call). */
  citizenSockets(appointmentId: string): Connection[] {
    return [...(this.citizens.get(appointmentId) ?? [])];
  }

  private sendCallStarted(conn: Connection, appointmentId: string): void {
    const peers = [...this.rosterOf(appointmentId).values()].filter((p) => p.peerId !== conn.id);
    conn.knownPeers = new Set(peers.map((p) => p.peerId));
    conn.send({ type: 'call_started', appointmentId, selfPeerId: conn.id, peers, iceServers: this.hooks.iceServers() });
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

  /** A socket leaves its call (closed, replaced, or the call moved to another tab). */
  private leaveCall(conn: Connection): void {
    const appointmentId = conn.callOf;
    if (!appointmentId) return;
    conn.callOf = null;
    conn.knownPeers = null;
    const local = this.peers.get(appointmentId);
    local?.delete(conn);
    if (local?.size === 0) this.peers.delete(appointmentId);
    this.forgetPeer(appointmentId, conn.id);
    void this.publishAppointment(appointmentId, { t: 'left', peerId: conn.id }).catch(() => undefined);
    // An agent's socket holds the appointment's channel only for the call.
    if (!conn.closed && conn.role !== 'citizen') {
      const channel = appointmentChannel(appointmentId);
      if (conn.channels.delete(channel)) void this.release(channel);
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

  /** Ends the call for the local sockets (everyone hears the event on the bus); `notify` tells each of them. */
  private endLocally(appointmentId: string, notify: (conn: Connection) => void): void {
    const targets = new Set([...(this.peers.get(appointmentId) ?? []), ...(this.citizens.get(appointmentId) ?? [])]);
    for (const conn of this.peers.get(appointmentId) ?? []) {
      conn.callOf = null;
      conn.knownPeers = null;
      if (conn.role !== 'citizen') {
        const channel = appointmentChannel(appointmentId);
        if (conn.channels.delete(channel)) void this.release(channel);
      }
    }
    this.peers.delete(appointmentId);
    this.roster.delete(appointmentId);
    this.gone.delete(appointmentId);
    for (const conn of targets) notify(conn);
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

  /** Whether a socket is a peer of that call (the sender's side of every call message). */
  inCall(conn: Connection, appointmentId: string): boolean {
    return conn.callOf === appointmentId;
  }

  // --- Publishing --------------------------------------------------------------------------------

  /** Publishes an event on an appointment's channel. */
  publishAppointment(appointmentId: string, e: AppointmentEvent): Promise<void> {
    // Shutting down: the sockets' last goodbyes have nobody left to hear them.
    if (this.closing) return Promise.resolve();
    return this.bus.publish(appointmentChannel(appointmentId), JSON.stringify({ n: this.node, e }));
  }

  private publishAgent(agentId: string, e: AgentEvent): Promise<void> {
    if (this.closing) return Promise.resolve();
    return this.bus.publish(agentChannel(agentId), JSON.stringify({ n: this.node, e }));
  }

  // --- Receiving ---------------------------------------------------------------------------------

  private readonly onMessage = (raw: string, channel: string): void => {
    const where = parseChannel(channel);
    let parsed;
    try {
      parsed = busEnvelope.safeParse(JSON.parse(raw));
    } catch {
      parsed = null;
    }
    if (!where || !parsed?.success) {
      this.log.warn({ channel }, 'realtime: malformed bus message ignored');
      return;
    }
    const { n, e } = parsed.data;
    if (where.kind === 'agent') this.onAgentEvent(where.id, e as AgentEvent);
    else this.onAppointmentEvent(where.id, n, e as AppointmentEvent);
  };

  private onAgentEvent(agentId: string, e: AgentEvent): void {
    const tabs = this.watchers.get(agentId);
    switch (e.t) {
      case 'queue': {
        for (const conn of tabs ?? []) {
          if (conn.watch?.date !== e.date) continue;
          conn.watch.shown.set(e.entry.appointmentId, agentId);
          const entry = { ...e.entry, procedureName: pickLocalised(localised(e.names), conn.lang) };
          conn.send({ type: 'queue_entry', entry });
          if (e.alert) conn.send({ type: 'citizen_waiting', entry });
        }
        void this.announce(e.entry.appointmentId, agentId, true).catch(() => undefined);
        return;
      }
      case 'query':
        void this.announce(e.appointmentId, agentId, true).catch(() => undefined);
        return;
      case 'uploaded':
        for (const conn of tabs ?? []) {
          if (conn.watch?.shown.has(e.appointmentId)) conn.send({ type: 'document_uploaded', appointmentId: e.appointmentId, documentId: e.documentId, slot: e.slot });
        }
        return;
    }
  }

  private onAppointmentEvent(appointmentId: string, node: string, e: AppointmentEvent): void {
    const citizens = this.citizens.get(appointmentId);
    switch (e.t) {
      case 'citizen':
        this.cancelDeparture(appointmentId);
        for (const conn of citizens ?? []) {
          if (conn.id === e.connectionId) continue;
          conn.replaced = true;
          conn.close(CLOSE_CODES.replaced, 'replaced');
        }
        return;
      case 'watchers': {
        let byNode = this.watching.get(appointmentId);
        if (!byNode) this.watching.set(appointmentId, (byNode = new Map<string, number>()));
        const before = this.agentKnows(appointmentId);
        if (e.count === 0) byNode.delete(node);
        else byNode.set(node, e.count);
        if (byNode.size === 0) this.watching.delete(appointmentId);
        if (before !== this.agentKnows(appointmentId)) for (const conn of citizens ?? []) this.sendView(conn);
        return;
      }
      case 'presence':
        for (const conn of citizens ?? []) {
          if (!conn.view) continue;
          conn.view.presence = e.presence;
          if (e.presence !== 'waiting') conn.view.message = null;
          this.sendView(conn);
        }
        return;
      case 'message':
        for (const conn of citizens ?? []) {
          if (!conn.view) continue;
          conn.view.message = e.message;
          this.sendView(conn);
        }
        return;
      case 'to_citizen':
        for (const conn of citizens ?? []) conn.send(e.msg);
        return;
      case 'to_peers':
        for (const conn of this.peers.get(appointmentId) ?? []) {
          if (conn.id === e.except || (e.agents && conn.role === 'citizen')) continue;
          // A tab that shows the queue already heard of an upload there.
          if (e.agents && conn.watch?.shown.has(appointmentId)) continue;
          conn.send(e.msg);
        }
        return;
      case 'to_peer': {
        const conn = this.byId.get(e.to);
        if (conn?.callOf === appointmentId) conn.send(e.msg);
        return;
      }
      case 'peers':
        this.onPeers(appointmentId, e.start, e.peers);
        return;
      case 'left':
        this.forgetPeer(appointmentId, e.peerId);
        return;
      case 'ended':
        this.endLocally(appointmentId, (conn) => conn.send({ type: 'call_ended', appointmentId, reason: e.reason }));
        return;
      case 'returned':
        this.endLocally(appointmentId, (conn) => {
          conn.send({ type: 'returned_to_waiting', appointmentId });
          if (conn.role !== 'citizen' || !conn.view) return;
          conn.view.presence = 'waiting';
          this.sendView(conn);
        });
        return;
      case 'taken':
        for (const conn of [...(this.peers.get(appointmentId) ?? [])]) {
          if (conn.staff?.id !== e.staffId || conn.id === e.by) continue;
          conn.send(errorMessage(new RealtimeError('call_taken_elsewhere'), conn.lang, undefined));
          this.leaveCall(conn);
        }
        return;
    }
  }

  /** Peers announced on the bus: learn them, pull the citizen in when the call starts, and answer with ours. */
  private onPeers(appointmentId: string, start: boolean, peers: Peer[]): void {
    const roster = this.rosterOf(appointmentId);
    const gone = this.gone.get(appointmentId);
    let learned = 0;
    for (const p of peers) {
      if (roster.has(p.peerId) || gone?.has(p.peerId)) continue;
      roster.set(p.peerId, p);
      learned++;
    }
    const pulled = start ? this.citizenSockets(appointmentId).filter((c) => c.callOf !== appointmentId) : [];
    if (pulled.length > 0) {
      void this.joinCall(appointmentId, pulled, false).catch((error: unknown) => this.log.error({ err: error }, 'realtime: joining the call failed'));
      return;
    }
    this.tellLocalPeers(appointmentId);
    const local = this.peers.get(appointmentId);
    if (learned > 0 && local && local.size > 0) {
      void this.publishAppointment(appointmentId, { t: 'peers', start: false, peers: [...local].map((c) => ({ peerId: c.id, role: c.role ?? 'citizen' })) }).catch(() => undefined);
    } else if (roster.size === 0) {
      this.roster.delete(appointmentId);
    }
  }

  // --- Channels, heartbeat, shutdown -------------------------------------------------------------

  /** Holds a bus channel for a socket; resolves once the subscription is live. */
  private async acquire(conn: Connection, channel: string): Promise<void> {
    if (conn.channels.has(channel)) return;
    conn.channels.add(channel);
    let sub = this.subscriptions.get(channel);
    if (!sub) {
      // A handler of its own: after a quick release and re-acquire, the old unsubscribe must not remove the new one.
      const ready = this.bus.subscribe(channel, (raw, ch) => this.onMessage(raw, ch)).catch((error: unknown) => {
        this.log.error({ err: error, channel }, 'realtime: subscription failed');
        return null;
      });
      sub = { holders: 0, ready };
      this.subscriptions.set(channel, sub);
    }
    sub.holders++;
    await sub.ready;
  }

  private async release(channel: string): Promise<void> {
    const sub = this.subscriptions.get(channel);
    if (!sub) return;
    sub.holders--;
    if (sub.holders > 0) return;
    this.subscriptions.delete(channel);
    const unsubscribe = await sub.ready;
    // Someone took the channel again meanwhile: the new subscription is theirs.
    await unsubscribe?.().catch(() => undefined);
  }

  private sweep(): void {
    const limit = Date.now() - 3 * this.timings.heartbeatMs;
    for (const conn of this.connections) if (conn.lastSeen < limit) conn.close(CLOSE_CODES.heartbeatTimeout, 'heartbeat timeout');
  }

  /** Stops the heartbeat and departure timers and drops every subscription (the server closes the sockets). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const timer of this.departures.values()) clearTimeout(timer);
    this.departures.clear();
    const subs = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subs.map(async (s) => (await s.ready)?.().catch(() => undefined)));
  }
}
