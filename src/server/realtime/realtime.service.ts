import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { reopenUploads, slotsOf } from '../documents/documents.service.ts';
import { errors } from '../http/errors.ts';
import type { MailDispatcher } from '../mail/mail.queue.ts';
import { visibleAppointment } from '../workspace/workspace.service.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { quickMessage, type ClientMessage } from '../../shared/signalling.ts';
import { desist, type Desisted } from './no-show.service.ts';
import type { Connection } from './realtime.connection.ts';
import { RealtimeError } from './realtime.errors.ts';
import type { RealtimeHub } from './realtime.hub.ts';
import { agentsVisibleTo } from './realtime.policy.ts';
import { dayBounds, localDate, opensAt, presenceOf, presentEntry } from './realtime.present.ts';
import { NOT_ARRIVED_STATUSES, realtimeRepo, type QueueRow } from './realtime.repo.ts';

type Msg<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

/**
 * The waiting room's rules: who may enter when, what an agent may do to
 * whose appointment, and what each change tells whom. Every change is a
 * status move guarded by the status it starts from, written with its
 * history event in one transaction; the sockets hear of it after the commit.
 */
export class RealtimeService {
  constructor(
    readonly ctx: AppContext,
    readonly hub: RealtimeHub,
    private readonly mailer: MailDispatcher,
  ) {}

  /** Publishes an appointment's current queue entry to its agents' tabs on every node. */
  async publishEntry(org: Pick<Organisation, 'id' | 'time_zone'>, appointmentId: string, alert: boolean): Promise<QueueRow | undefined> {
    const row = await realtimeRepo.one(this.ctx.db, org.id, appointmentId);
    if (!row || row.channel !== 'video') return row;
    // Localised per tab on delivery: the entry carries the names, each tab picks its language.
    await this.hub.publishQueue(presentEntry(row, ''), row.procedure_name, localDate(org, row.starts_at), alert);
    return row;
  }

  // --- Citizen -----------------------------------------------------------------------------------

  /** A citizen's socket said hello: it gets its state back (waiting status, or the call again). */
  async greetCitizen(conn: Connection, appointmentId: string, agentId: string): Promise<void> {
    const row = await this.loadOwn(conn, appointmentId);
    conn.view = { presence: presenceOf(row), agentKnows: false, message: null, opensAt: this.opensAtFor(conn.org, row) };
    if (row.status === 'waiting' && row.waiting_since) {
      const last = await realtimeRepo.lastMessageSince(this.ctx.db, conn.org.id, row.id, row.waiting_since);
      const parsed = last ? quickMessage.safeParse(JSON.parse(last)) : null;
      if (parsed?.success) conn.view.message = parsed.data;
    }
    if (conn.closed) return;
    await this.hub.addCitizen(conn, appointmentId, agentId);
    if (row.status === 'in_call') await this.hub.joinCall(row.id, [conn], false);
    else this.hub.sendView(conn);
  }

  /** The citizen enters the waiting room, having passed the device check and given both consents. */
  async join(conn: Connection, msg: Msg<'join_waiting_room'>): Promise<void> {
    const appointmentId = this.citizenAppointment(conn);
    const row = await this.loadOwn(conn, appointmentId);
    if (row.status === 'in_call') return this.hub.joinCall(row.id, [conn], false);
    if (!isOpen(row.status)) throw errors.conflict('appointment_closed');
    const now = this.ctx.clock.now();
    if (now.getTime() < opensAt(conn.org, row).getTime()) {
      this.hub.sendView(conn);
      throw new RealtimeError('waiting_room_not_open');
    }
    if (now.toISOString() >= row.ends_at) throw new RealtimeError('appointment_over');
    const nowIso = now.toISOString();
    const wasWaiting = row.status === 'waiting';
    if (wasWaiting && row.consent_recording === (msg.consents.recording ? 1 : 0)) {
      // A page that reconnected says it again: nothing has changed, nothing is recorded twice.
      this.hub.sendView(conn);
      return;
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await realtimeRepo.setStatus(trx, conn.org.id, row.id, [...NOT_ARRIVED_STATUSES, 'waiting'], 'waiting', nowIso))) throw errors.conflict('appointment_closed');
      await realtimeRepo.enter(trx, conn.org.id, row.id, msg.consents.recording, nowIso);
      // Both consents are evidence (Orden ETD/465/2021: express prior consent to the call and to its recording).
      await bookingRepo.addEvent(trx, conn.org.id, row.id, 'citizen.consented', 'citizen', nowIso, { processing: true, recording: msg.consents.recording });
      if (!wasWaiting) await bookingRepo.addEvent(trx, conn.org.id, row.id, 'citizen.arrived', 'citizen', nowIso, { first: row.arrived_at === null, devices: msg.devices });
    });
    if (conn.view) {
      conn.view.presence = 'waiting';
      conn.view.opensAt = null;
    }
    await this.publishEntry(conn.org, row.id, !wasWaiting);
    this.hub.sendView(conn);
  }

  /** The citizen leaves the waiting room (or their socket stayed away past the grace period). */
  async leave(org: Pick<Organisation, 'id' | 'time_zone'>, appointmentId: string, reason: 'left' | 'disconnected'): Promise<boolean> {
    const nowIso = this.ctx.clock.now().toISOString();
    const left = await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await realtimeRepo.setStatus(trx, org.id, appointmentId, ['waiting'], 'booked', nowIso))) return false;
      await realtimeRepo.setWaitingSince(trx, appointmentId, null, nowIso);
      await bookingRepo.addEvent(trx, org.id, appointmentId, 'citizen.left', 'citizen', nowIso, { reason });
      return true;
    });
    if (!left) return false;
    await this.publishEntry(org, appointmentId, false);
    await this.hub.publishAppointment(appointmentId, { t: 'presence', presence: 'left' });
    return true;
  }

  // --- Agent -------------------------------------------------------------------------------------

  /** An agent tab shows one day's queue and from now on hears of its changes. */
  async watchQueue(conn: Connection, msg: Msg<'watch_queue'>): Promise<void> {
    const staff = this.staffOf(conn);
    const date = msg.date ?? localDate(conn.org, this.ctx.clock.now());
    const agents = await agentsVisibleTo(this.ctx, conn.org, staff);
    // Subscribe first, then read: a change in between arrives twice rather than never.
    await this.hub.watch(conn, date, agents);
    const { from, to } = dayBounds(conn.org, date);
    const entries = (await realtimeRepo.day(this.ctx.db, conn.org.id, from, to, agents)).map((r) => presentEntry(r, conn.lang));
    conn.send({ type: 'queue', date, entries });
    await this.hub.show(conn, entries);
  }

  /** The agent brings the waiting citizen into the call (again, from this tab, if the call is already on). */
  async admit(conn: Connection, msg: Msg<'admit'>): Promise<void> {
    const staff = this.staffOf(conn);
    const appointment = await visibleAppointment(this.ctx, conn.org, staff, msg.appointmentId);
    if (appointment.status === 'in_call') return this.hub.takeCall(appointment.id, conn);
    if (appointment.status !== 'waiting') throw new RealtimeError('citizen_not_waiting');
    const nowIso = this.ctx.clock.now().toISOString();
    await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await realtimeRepo.setStatus(trx, conn.org.id, appointment.id, ['waiting'], 'in_call', nowIso))) throw new RealtimeError('citizen_not_waiting');
      await realtimeRepo.setWaitingSince(trx, appointment.id, null, nowIso);
      await bookingRepo.addEvent(trx, conn.org.id, appointment.id, 'call.admitted', `staff:${staff.id}`, nowIso);
      await realtimeRepo.callStarted(trx, conn.org.id, appointment.id, nowIso);
    });
    // The citizen's sockets on this node join at once; those elsewhere when they hear `peers` (start).
    await this.hub.joinCall(appointment.id, [conn, ...this.hub.citizenSockets(appointment.id)], true);
    await this.hub.publishAppointment(appointment.id, { t: 'taken', staffId: staff.id, by: conn.id });
    await this.publishEntry(conn.org, appointment.id, false);
  }

  /** A quick message for the waiting citizen ("running 5 minutes late"), translated on their side. */
  async sendMessage(conn: Connection, msg: Msg<'send_message'>): Promise<void> {
    const staff = this.staffOf(conn);
    const appointment = await visibleAppointment(this.ctx, conn.org, staff, msg.appointmentId);
    if (!isOpen(appointment.status)) throw errors.conflict('appointment_closed');
    await bookingRepo.addEvent(this.ctx.db, conn.org.id, appointment.id, 'agent.message', `staff:${staff.id}`, this.ctx.clock.now().toISOString(), msg.message);
    await this.hub.publishAppointment(appointment.id, { t: 'message', message: msg.message });
  }

  /** Back to the waiting room from the call (the agent needs a moment; the citizen waits again). */
  async returnToWaiting(conn: Connection, msg: Msg<'return_to_waiting'>): Promise<void> {
    const staff = this.staffOf(conn);
    const appointment = await visibleAppointment(this.ctx, conn.org, staff, msg.appointmentId);
    const nowIso = this.ctx.clock.now().toISOString();
    const moved = await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await realtimeRepo.setStatus(trx, conn.org.id, appointment.id, ['in_call'], 'waiting', nowIso))) return false;
      await realtimeRepo.setWaitingSince(trx, appointment.id, nowIso, nowIso);
      await bookingRepo.addEvent(trx, conn.org.id, appointment.id, 'call.returned_to_waiting', `staff:${staff.id}`, nowIso);
      return true;
    });
    if (!moved) throw new RealtimeError('not_in_call');
    await this.hub.publishAppointment(appointment.id, { t: 'returned' });
    await this.publishEntry(conn.org, appointment.id, false);
  }

  /** The agent declares the citizen absent (after the start, while they are neither waiting nor in the call). */
  async markNoShow(conn: Connection, msg: Msg<'mark_no_show'>): Promise<void> {
    const staff = this.staffOf(conn);
    const appointment = await visibleAppointment(this.ctx, conn.org, staff, msg.appointmentId);
    if (appointment.status === 'waiting' || appointment.status === 'in_call') throw new RealtimeError('citizen_present');
    if (!isOpen(appointment.status)) throw errors.conflict('appointment_closed');
    const now = this.ctx.clock.now();
    if (now.toISOString() < appointment.starts_at) throw new RealtimeError('too_early');
    const done = await this.ctx.db.transaction().execute((trx) => desist(trx, appointment, `staff:${staff.id}`, 'marked_by_agent', now));
    if (!done) throw new RealtimeError('citizen_present');
    await this.mailer.deliver(done.mailId);
    await this.announceDesisted(done, 'no_show');
  }

  /** Tells everyone an appointment was desisted: the agents' queues and the citizen's page. */
  async announceDesisted(d: Pick<Desisted, 'appointmentId' | 'organisationId'>, reason: 'no_show' | 'desisted' = 'desisted'): Promise<void> {
    const org = await this.ctx.db.selectFrom('organisations').select(['id', 'time_zone']).where('id', '=', d.organisationId).executeTakeFirst();
    if (!org) return;
    await this.publishEntry(org, d.appointmentId, false);
    await this.hub.publishAppointment(d.appointmentId, { t: 'presence', presence: 'left' });
    await this.hub.publishAppointment(d.appointmentId, { t: 'ended', reason });
  }

  /** Asks the citizen for a document now: uploads re-open for that appointment and their page shows the upload panel. */
  async requestDocument(conn: Connection, msg: Msg<'request_document'>): Promise<void> {
    const staff = this.staffOf(conn);
    const appointment = await visibleAppointment(this.ctx, conn.org, staff, msg.appointmentId);
    const slot = (await slotsOf(this.ctx, appointment)).find((s) => s.id === msg.slot);
    if (!slot) throw errors.notFound();
    const now = this.ctx.clock.now();
    // Open until an hour after the appointment's end: long enough for a photo taken after the call.
    const hours = Math.max(1, (Date.parse(appointment.ends_at) - now.getTime()) / 3_600_000 + 1);
    const { procedure_name: _p, agent_name: _a, ...row } = appointment;
    await reopenUploads(this.ctx, conn.org, row, hours, `staff:${staff.id}`);
    await bookingRepo.addEvent(this.ctx.db, conn.org.id, appointment.id, 'document.requested', `staff:${staff.id}`, now.toISOString(), {
      slot: slot.id,
      note: msg.note ?? null,
    });
    const name = slot.requirement ? pickLocalised(localised(slot.requirement.name), appointment.language) : '';
    await this.hub.publishAppointment(appointment.id, {
      t: 'to_citizen',
      msg: { type: 'document_requested', appointmentId: appointment.id, slot: slot.id, name, note: msg.note ?? null },
    });
  }

  // --- Helpers -----------------------------------------------------------------------------------

  private opensAtFor(org: Organisation, row: QueueRow): string | null {
    const at = opensAt(org, row);
    return this.ctx.clock.now().getTime() < at.getTime() ? at.toISOString() : null;
  }

  /** The citizen's own appointment (the session names it; anything else does not exist for them). */
  private async loadOwn(conn: Connection, appointmentId: string): Promise<QueueRow> {
    const row = await realtimeRepo.one(this.ctx.db, conn.org.id, appointmentId);
    if (!row) throw errors.notFound();
    return row;
  }

  private citizenAppointment(conn: Connection): string {
    if (conn.role !== 'citizen' || !conn.appointmentId) throw errors.forbidden();
    return conn.appointmentId;
  }

  private staffOf(conn: Connection) {
    if (conn.role !== 'agent' || !conn.staff) throw errors.forbidden();
    return conn.staff;
  }
}
