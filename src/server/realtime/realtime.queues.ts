import { localised } from '../catalogue/catalogue.present.ts';
import { pickLocalised } from '../../shared/localised.ts';
import type { QueueEntry } from '../../shared/signalling.ts';
import type { Connection, QueueWatch } from './realtime.connection.ts';
import { agentChannel, type AgentEvent, type AppointmentEvent } from './realtime.events.ts';

/** What the queues need of the hub that owns them. */
export interface QueueHost {
  /** Holds a bus channel for a socket; resolves once the subscription is live. */
  acquire(conn: Connection, channel: string): Promise<void>;
  /** Gives up a socket's hold on a channel (if it held it). */
  drop(conn: Connection, channel: string): void;
  publishAgent(agentId: string, e: AgentEvent): Promise<void>;
  publishAppointment(appointmentId: string, e: AppointmentEvent): Promise<void>;
  log: { warn(obj: object, msg: string): void };
}

/**
 * The agents' live queues on this node: which tabs show which agents'
 * appointments of which day, the events of the agents' channels turned into
 * each tab's messages (in its language), and, for each appointment, how
 * many tabs here show it — told to its citizen (wherever they are) as
 * "the agent knows you are here". Split out of the hub, which owns the
 * sockets and the bus channels.
 */
export class AgentQueues {
  /** The tabs watching each agent's queue. */
  private readonly watchers = new Map<string, Set<Connection>>();
  /** What this node last announced per appointment. */
  private readonly announced = new Map<string, number>();

  constructor(private readonly host: QueueHost) {}

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
    await Promise.all(agents.map((a) => this.host.acquire(conn, agentChannel(a))));
    if (previous) this.forgetWatch(conn, previous, conn.watch.agents);
  }

  /** The entries a watching tab shows: the citizens already waiting among them learn that an agent sees them. */
  async show(conn: Connection, entries: QueueEntry[]): Promise<void> {
    const watch = conn.watch;
    if (!watch) return;
    for (const e of entries) watch.shown.set(e.appointmentId, e.agentId);
    await Promise.all(entries.filter((e) => e.presence === 'waiting' || e.presence === 'in_call').map((e) => this.announce(e.appointmentId, e.agentId, true)));
  }

  /** A tab stops watching (it closed). */
  unwatch(conn: Connection): void {
    const watch = conn.watch;
    if (!watch) return;
    conn.watch = null;
    this.forgetWatch(conn, watch, new Set());
  }

  /** Handles an event of an agent's channel. */
  onEvent(agentId: string, e: AgentEvent): void {
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
      case 'removed':
        for (const conn of tabs ?? []) {
          // Only if shown as this agent's: a tab watching the new agent too may already show it there.
          if (conn.watch?.date !== e.date || conn.watch.shown.get(e.appointmentId) !== agentId) continue;
          conn.watch.shown.delete(e.appointmentId);
          conn.send({ type: 'queue_removed', appointmentId: e.appointmentId });
        }
        return;
      case 'uploaded':
        for (const conn of tabs ?? []) {
          if (conn.watch?.shown.has(e.appointmentId)) conn.send({ type: 'document_uploaded', appointmentId: e.appointmentId, documentId: e.documentId, slot: e.slot });
        }
        return;
    }
  }

  /** Drops what a tab watched before, except the agents it still watches. */
  private forgetWatch(conn: Connection, watch: QueueWatch, keep: ReadonlySet<string>): void {
    for (const agentId of watch.agents) {
      if (keep.has(agentId)) continue;
      const set = this.watchers.get(agentId);
      set?.delete(conn);
      if (set?.size === 0) this.watchers.delete(agentId);
      if (!conn.closed) this.host.drop(conn, agentChannel(agentId));
    }
    for (const [appointmentId, agentId] of watch.shown) {
      void this.announce(appointmentId, agentId, false).catch((error: unknown) => this.host.log.warn({ err: error }, 'realtime: announce failed'));
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
    await this.host.publishAppointment(appointmentId, { t: 'watchers', count });
  }
}
