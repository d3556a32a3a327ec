import { randomUUID } from 'node:crypto';
import type { EventBus } from '../adapters/bus/event-bus.ts';
import { CLOSE_CODES, type IceServer, type QueueEntry } from '../../shared/signalling.ts';
import type { Connection } from './realtime.connection.ts';
import { InterpreterLobby } from './interpreter.lobby.ts';
import { CallRoster } from './realtime.calls.ts';
import { AgentQueues } from './realtime.queues.ts';
import { agentChannel, appointmentChannel, busEnvelope, parseChannel, type AgentEvent, type AppointmentEvent } from './realtime.events.ts';

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
  /** An interpreter's socket joined its call, or left it (closed, not replaced nor removed by staff); never rejects. */
  interpreterInCall(conn: Connection, what: 'joined' | 'left'): Promise<void>;
  /** Whether an appointment's call is being recorded (src/server/recordings); false when not wired. */
  recordingActive?(organisationId: string, appointmentId: string): Promise<boolean>;
}

/**
 * This process's registry of sockets, and its half of the fan-out between
 * nodes. Every socket is held by exactly one node; everything that concerns
 * sockets held elsewhere goes through the event bus, on one channel per
 * appointment (its citizen's sockets and its call's peers) and one per
 * agent (the tabs showing that agent's queue). A node subscribes to a
 * channel only while one of its sockets needs it, so a citizen's socket
 * never even receives another appointment's events. The calls' own state
 * lives in realtime.calls.ts, the agents' queues in realtime.queues.ts and the
 * interpreters' sockets in interpreter.lobby.ts.
 */
export class RealtimeHub {
  /** This node's name on the bus. */
  readonly node = randomUUID();
  private readonly connections = new Set<Connection>();
  private readonly byId = new Map<string, Connection>();
  private readonly citizens = new Map<string, Set<Connection>>();
  /** Agent tabs showing each appointment, per node, as the nodes announced them. */
  private readonly watching = new Map<string, Map<string, number>>();
  private readonly subscriptions = new Map<string, { holders: number; ready: Promise<(() => Promise<void>) | null> }>();
  private readonly departures = new Map<string, NodeJS.Timeout>();
  /** Interpreter sockets (interpreter.lobby.ts): pulled into their call when it starts, like the citizen's. */
  private readonly interpreters = new InterpreterLobby({ acquire: (conn, channel) => this.acquire(conn, channel), publish: (id, e) => this.publishAppointment(id, e) });
  /** The agents' tabs showing a queue, and what this node told the citizens of them (realtime.queues.ts). */
  private readonly queues = new AgentQueues({
    acquire: (conn, channel) => this.acquire(conn, channel),
    drop: (conn, channel) => this.drop(conn, channel),
    publishAgent: (id, e) => this.publishAgent(id, e),
    publishAppointment: (id, e) => this.publishAppointment(id, e),
    log: { warn: (obj, msg) => this.log.warn(obj, msg) },
  });
  /** The calls this node's sockets take part in (realtime.calls.ts). */
  private readonly calls = new CallRoster({
    acquire: (conn, channel) => this.acquire(conn, channel),
    drop: (conn, channel) => this.drop(conn, channel),
    publish: (id, e) => this.publishAppointment(id, e),
    connection: (id) => this.byId.get(id),
    waiting: (id) => [...this.citizenSockets(id), ...this.interpreters.of(id)],
    iceServers: () => this.hooks.iceServers(),
    interpreterJoined: (conn) => this.hooks.interpreterInCall(conn, 'joined'),
    sendView: (conn) => this.sendView(conn),
    recordingActive: async (organisationId, appointmentId) => (await this.hooks.recordingActive?.(organisationId, appointmentId).catch(() => false)) ?? false,
    log: { error: (obj, msg) => this.log.error(obj, msg) },
  });
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
    const counts = new Map<string, number>([['citizen', 0], ['agent', 0], ['interpreter', 0], ['none', 0]]);
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
    if (conn.callOf && conn.role === 'interpreter' && !conn.replaced) void this.hooks.interpreterInCall(conn, 'left');
    this.calls.leave(conn);
    if (conn.role === 'interpreter') this.interpreters.remove(conn);
    if (conn.appointmentId && conn.role === 'citizen') {
      const set = this.citizens.get(conn.appointmentId);
      set?.delete(conn);
      if (set?.size === 0) this.citizens.delete(conn.appointmentId);
      if (!conn.replaced && !this.citizens.has(conn.appointmentId)) this.scheduleDeparture(conn.appointmentId, conn.org.id);
    }
    this.queues.unwatch(conn);
    for (const channel of conn.channels) void this.release(channel);
    conn.channels.clear();
  }

  /**
   * Closes this node's sockets of a member of staff whose sessions an
   * administrator ended (account disabled); returns how many. The Staff
   * section calls it on every node through the event bus
   * (staff-admin.routes.ts); a socket missed anyway closes at its next
   * action, when the session is checked again (realtime.socket.ts).
   */
  endStaff(staffId: string): number {
    let closed = 0;
    for (const conn of this.connections) {
      if (conn.staff?.id !== staffId) continue;
      conn.close(CLOSE_CODES.unauthenticated, 'session ended');
      closed++;
    }
    return closed;
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

  // --- Agents' queues (realtime.queues.ts) ------------------------------------------------------

  /** An agent tab shows the queue of `date` for `agents`: from now on it receives their appointments' changes. */
  watch(conn: Connection, date: string, agents: string[]): Promise<void> {
    return this.queues.watch(conn, date, agents);
  }

  /** The entries a watching tab shows: the citizens already waiting among them learn that an agent sees them. */
  show(conn: Connection, entries: QueueEntry[]): Promise<void> {
    return this.queues.show(conn, entries);
  }

  /** Publishes a queue entry's change to every tab showing that agent's queue, on every node. */
  publishQueue(entry: QueueEntry, procedureNames: string, date: string, alert: boolean): Promise<void> {
    return this.publishAgent(entry.agentId, { t: 'queue', entry, names: procedureNames, date, alert });
  }

  /** Takes an appointment out of an agent's queue of a local day, in every tab showing it. */
  publishRemoved(agentId: string, appointmentId: string, date: string): Promise<void> {
    return this.publishAgent(agentId, { t: 'removed', appointmentId, date });
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

  // --- Calls (realtime.calls.ts) -------------------------------------------------------------

  /** Puts local sockets into a call (`start`: it begins, and the citizen's and interpreters' sockets everywhere join it). */
  joinCall(appointmentId: string, conns: Connection[], start: boolean): Promise<void> {
    return this.calls.joinCall(appointmentId, conns, start);
  }

  /** An agent takes the call in this socket: their other sockets in it leave. */
  takeCall(appointmentId: string, conn: Connection): Promise<void> {
    return this.calls.takeCall(appointmentId, conn);
  }

  /** The local citizen sockets of an appointment (to pull into its call). */
  citizenSockets(appointmentId: string): Connection[] {
    return [...(this.citizens.get(appointmentId) ?? [])];
  }

  /** An interpreter's socket said hello: it waits for its call (or joins it; see interpreter.realtime.ts). */
  addInterpreter(conn: Connection): Promise<void> {
    return this.interpreters.add(conn);
  }

  /** A socket leaves its call of its own accord (an interpreter leaving: the call goes on without them). */
  leave(conn: Connection): void {
    this.calls.leave(conn);
  }

  /** Whether a socket is a peer of that call (the sender's side of every call message). */
  inCall(conn: Connection, appointmentId: string): boolean {
    return this.calls.inCall(conn, appointmentId);
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
    if (where.kind === 'agent') this.queues.onEvent(where.id, e as AgentEvent);
    else this.onAppointmentEvent(where.id, n, e as AppointmentEvent);
  };

  private onAppointmentEvent(appointmentId: string, node: string, e: AppointmentEvent): void {
    if (this.interpreters.onEvent(appointmentId, e) || this.calls.onEvent(appointmentId, e)) return;
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

  /** Gives up a socket's hold on a channel, if it held it. */
  private drop(conn: Connection, channel: string): void {
    if (conn.channels.delete(channel)) void this.release(channel);
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
