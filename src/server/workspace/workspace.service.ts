import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { UNIT_MS } from '../availability/availability.engine.ts';
import { ZoneClock, addDays, daysBetween } from '../availability/zone-clock.ts';
import { appointmentChanged, appointmentCommitted, type AppointmentChange } from '../booking/appointment-hooks.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { bookableProcedure, findSlot } from '../booking/booking.service.ts';
import { localised, procedureChannels } from '../catalogue/catalogue.present.ts';
import { enqueueMail } from '../mail/mail.queue.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { workspaceRepo, type AppointmentWithNames } from './workspace.repo.ts';
import type { AgendaItem, StaffAppointmentView } from './workspace.schema.ts';

const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

/**
 * The agents whose appointments a member of staff may see: an administrator
 * sees the whole organisation (null = no limit); agents and supervisors see
 * the agents of their own offices.
 */
export async function visibleAgents(ctx: AppContext, org: Organisation, viewer: Staff): Promise<string[] | null> {
  if (viewer.role === 'admin') return null;
  return workspaceRepo.officeMates(ctx.db, org.id, viewer.id);
}

function present(a: AppointmentWithNames, lang: string): AgendaItem {
  const needs = JSON.parse(a.needs) as Partial<AgendaItem['needs']>;
  return {
    id: a.id,
    reference: a.reference,
    status: a.status,
    channel: a.channel,
    startsAt: a.starts_at,
    endsAt: a.ends_at,
    procedure: { id: a.procedure_id, name: pickLocalised(localised(a.procedure_name), lang) },
    agent: { id: a.agent_id, displayName: a.agent_name },
    citizen: { name: a.citizen_name, surnames: a.citizen_surnames, language: a.language },
    needs: { signLanguage: needs.signLanguage === true, languageInterpreter: needs.languageInterpreter ?? null, other: needs.other ?? null },
  };
}

/** The agenda between two local dates, for the agents the viewer may see (optionally one office's, or one agent's). */
export async function agenda(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  q: { from: string; to: string; agentId?: string | undefined; officeId?: string | undefined },
  lang: string,
) {
  if (daysBetween(q.from, q.to) > 31) throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  const visible = await visibleAgents(ctx, org, viewer);
  const agents = await workspaceRepo.agents(ctx.db, org.id, visible ?? undefined);
  let ids = agents.map((a) => a.id);
  if (visible) ids = [...new Set([...ids, ...visible])];
  const offices = (await workspaceRepo.offices(ctx.db, org.id, viewer.role === 'admin' ? undefined : viewer.id)).map((o) => ({ id: o.id, name: o.name }));
  let shown = agents;
  if (q.officeId) {
    // Another office's id (or one outside the organisation) shows nothing rather than telling it exists.
    const inOffice = offices.some((o) => o.id === q.officeId) ? await workspaceRepo.officeStaff(ctx.db, q.officeId) : [];
    ids = ids.filter((id) => inOffice.includes(id));
    shown = agents.filter((a) => inOffice.includes(a.id));
  }
  if (q.agentId) ids = ids.includes(q.agentId) ? [q.agentId] : [];
  const clock = new ZoneClock(org.time_zone, q.from, q.to);
  const rows = await workspaceRepo.agenda(
    ctx.db,
    org.id,
    new Date(clock.localToMs(q.from, '00:00')).toISOString(),
    new Date(clock.localToMs(addDays(q.to, 1), '00:00')).toISOString(),
    ids,
  );
  return { timeZone: org.time_zone, offices, agents: shown, appointments: rows.map((r) => present(r, lang)) };
}

/** One appointment the viewer may see, or 404 (also for another office's or organisation's). */
export async function visibleAppointment(ctx: AppContext, org: Organisation, viewer: Staff, id: string): Promise<AppointmentWithNames> {
  const row = await workspaceRepo.one(ctx.db, org.id, id);
  const visible = await visibleAgents(ctx, org, viewer);
  if (!row || (visible && !visible.includes(row.agent_id))) throw errors.notFound();
  return row;
}

/**
 * An appointment the viewer may act on as the one attending it: one they can
 * see (another office's: 404) whose agent they are, or any as a supervisor or
 * administrator (another agent's: 403 `not_your_appointment`).
 */
export async function attendedAppointment(ctx: AppContext, org: Organisation, viewer: Staff, id: string): Promise<AppointmentWithNames> {
  const appointment = await visibleAppointment(ctx, org, viewer, id);
  if (viewer.role === 'agent' && appointment.agent_id !== viewer.id) throw errors.forbiddenWith('not_your_appointment');
  return appointment;
}

/** The detail page: data, history and the actions open to this viewer. */
export async function appointmentDetail(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  id: string,
  lang: string,
): Promise<StaffAppointmentView> {
  const a = await visibleAppointment(ctx, org, viewer, id);
  const procedure = await bookableProcedure(ctx, org, a.procedure_id).catch(() => null);
  const history = await workspaceRepo.history(ctx.db, org.id, a.id);
  const staffIds = [...new Set(history.flatMap((h) => (h.actor.startsWith('staff:') ? [h.actor.slice(6)] : [])))];
  const names = new Map((await workspaceRepo.names(ctx.db, org.id, staffIds)).map((s) => [s.id, s.display_name]));
  const canReassign = viewer.role !== 'agent' && isOpen(a.status);
  const visible = await visibleAgents(ctx, org, viewer);
  const base = present(a, lang);
  return {
    appointment: {
      ...base,
      citizen: {
        name: a.citizen_name,
        surnames: a.citizen_surnames,
        idType: a.citizen_id_type,
        idNumber: a.citizen_id_number,
        email: a.citizen_email,
        phone: a.citizen_phone,
        language: a.language,
      },
      uploadDeadline: a.upload_deadline,
      createdAt: a.created_at,
    },
    history: history.map((h) => ({
      type: h.type,
      actor: h.actor,
      actorName: h.actor.startsWith('staff:') ? (names.get(h.actor.slice(6)) ?? null) : null,
      at: h.at,
      data: JSON.parse(h.data) as Record<string, unknown>,
    })),
    agents: canReassign ? (await workspaceRepo.agents(ctx.db, org.id, visible ?? undefined)).filter((g) => g.id !== a.agent_id) : [],
    canOfferVideo: a.channel === 'in_person' && isOpen(a.status) && procedure !== null && procedureChannels(procedure).includes('video'),
    canReassign,
    canCancel: isOpen(a.status),
  };
}

/**
 * Offers the video channel for an in-person appointment: the citizen gets the
 * same confirmation email as a web booking (personal link and password).
 */
export async function offerVideo(ctx: AppContext, org: Organisation, viewer: Staff, id: string): Promise<string> {
  const a = await visibleAppointment(ctx, org, viewer, id);
  if (a.channel === 'video') throw errors.conflict('already_video');
  const procedure = await bookableProcedure(ctx, org, a.procedure_id);
  if (!procedureChannels(procedure).includes('video')) throw errors.unprocessable('channel_not_offered');
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const actor = `staff:${viewer.id}` as const;
  const { procedure_name: _p, agent_name: _a, ...appointment } = a;
  const change: AppointmentChange = {
    type: 'video_offered',
    appointment: { ...appointment, channel: 'video', updated_at: nowIso },
    organisation: org,
    actor,
    at: nowIso,
  };
  const mailId = await ctx.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('appointments')
      .set({ channel: 'video', updated_at: nowIso })
      .where('organisation_id', '=', org.id)
      .where('id', '=', a.id)
      .where('channel', '=', 'in_person')
      .where('status', 'in', [...OPEN_STATUSES])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw errors.conflict('appointment_closed');
    await bookingRepo.addEvent(trx, org.id, a.id, 'appointment.video_offered', actor, nowIso);
    await appointmentChanged(trx, change);
    return enqueueMail(trx, { organisationId: org.id, appointmentId: a.id, kind: 'booking_confirmation', now });
  });
  await appointmentCommitted(ctx, change);
  return mailId;
}

/**
 * Gives an appointment to another agent who is free then (supervisors and
 * administrators). The occupancy moves in one transaction; if the agent was
 * taken meanwhile the database refuses and nothing changes.
 */
export async function reassign(ctx: AppContext, org: Organisation, viewer: Staff, id: string, agentId: string): Promise<void> {
  const a = await visibleAppointment(ctx, org, viewer, id);
  if (!isOpen(a.status)) throw errors.conflict('appointment_closed');
  if (a.agent_id === agentId) return;
  const visible = await visibleAgents(ctx, org, viewer);
  const target = await ctx.db.selectFrom('staff').select(['id']).where('organisation_id', '=', org.id).where('id', '=', agentId).where('active', '=', 1).executeTakeFirst();
  if (!target || (visible && !visible.includes(agentId))) throw errors.unprocessable('unknown_agent');
  const procedure = await bookableProcedure(ctx, org, a.procedure_id);
  const startMs = Date.parse(a.starts_at);
  // Free for the whole time and working then; the appointment's own occupancy does not count.
  const slot = await findSlot(ctx, org, procedure, startMs, a.id, { ignoreNotice: true });
  if (!slot?.agentIds.includes(agentId)) throw errors.conflict('agent_busy');
  const nowIso = ctx.clock.now().toISOString();
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('appointments')
        .set({ agent_id: agentId, updated_at: nowIso })
        .where('organisation_id', '=', org.id)
        .where('id', '=', a.id)
        .where('agent_id', '=', a.agent_id)
        .where('status', 'in', [...OPEN_STATUSES])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw errors.conflict('appointment_closed');
      await bookingRepo.releaseUnits(trx, a.id);
      await bookingRepo.claimUnits(trx, org.id, agentId, a.id, a.busy_start_unit * UNIT_MS, a.busy_end_unit * UNIT_MS);
      await bookingRepo.addEvent(trx, org.id, a.id, 'appointment.reassigned', `staff:${viewer.id}`, nowIso, { from: a.agent_id, to: agentId });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.conflict('agent_busy');
    throw error;
  }
  // Not an appointment change for reminders or webhooks (same time, same citizen), but the two agents' queues change.
  const { procedure_name: _p, agent_name: _a, ...appointment } = a;
  await appointmentCommitted(ctx, {
    type: 'rescheduled',
    appointment: { ...appointment, agent_id: agentId, updated_at: nowIso },
    organisation: org,
    previousStartsAt: a.starts_at,
    previousAgentId: a.agent_id,
    actor: `staff:${viewer.id}`,
    at: nowIso,
  });
}
