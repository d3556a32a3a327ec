import { randomInt, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { isUniqueViolation, isUniqueViolationOf } from '../db/database.ts';
import type { Appointment, Organisation, Procedure } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { availabilityFor, localDateOf } from '../availability/availability.service.ts';
import { busyUnits, type Slot } from '../availability/availability.engine.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { procedureChannels } from '../catalogue/catalogue.present.ts';
import { bookingRepo } from './booking.repo.ts';
import { uploadDeadline } from './deadlines.ts';
import { appointmentChanged, appointmentCommitted, type Actor, type AppointmentChange } from './appointment-hooks.ts';
import type { BookingRequest, CitizenInput, SlotView } from './booking.schema.ts';
import { checkSolution } from './captcha.ts';

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short reference people can read over the phone (no 0/O, 1/I). */
export function newReference(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `V-${s}`;
}

/**
 * Procedures change rarely (an administrator's edit) and every booking reads
 * one, so each node keeps them for a few seconds, like opening hours.
 */
const PROCEDURE_TTL_MS = 5_000;
const procedureCache = new Map<string, { at: number; procedure: Procedure | undefined }>();

/** Forgets cached procedures (after the catalogue changes). */
export function invalidateProcedures(): void {
  procedureCache.clear();
}

/** A bookable procedure of the organisation, or 404. */
export async function bookableProcedure(ctx: AppContext, org: Organisation, procedureId: string): Promise<Procedure> {
  const key = `${org.id}:${procedureId}`;
  let hit = procedureCache.get(key);
  if (!hit || Date.now() - hit.at >= PROCEDURE_TTL_MS) {
    hit = { at: Date.now(), procedure: await catalogueRepo.procedure(ctx.db, org.id, procedureId) };
    if (procedureCache.size > 1000) procedureCache.clear();
    procedureCache.set(key, hit);
  }
  if (!hit.procedure || hit.procedure.active !== 1) throw errors.notFound();
  return hit.procedure;
}

/** The requested slot as computed now (busy agents excluded), or null when the time is not offered at all. */
export async function findSlot(
  ctx: AppContext,
  org: Organisation,
  procedure: Procedure,
  startMs: number,
  exceptAppointmentId?: string,
  opts: { ignoreNotice?: boolean } = {},
): Promise<(Slot & { loadByAgent: Map<string, number> }) | null> {
  const date = localDateOf(org, startMs);
  const loadByAgent = new Map<string, number>();
  const days = await availabilityFor(ctx, org, procedure, {
    fromDate: date,
    toDate: date,
    includeFull: true,
    onlyStartMs: startMs,
    loadOut: loadByAgent,
    ...(opts.ignoreNotice ? { ignoreNotice: true } : {}),
    ...(exceptAppointmentId ? { exceptAppointmentId } : {}),
  });
  const slot = days[0]?.slots.find((s) => s.startMs === startMs);
  return slot ? { ...slot, loadByAgent } : null;
}

/**
 * Up to six free slots nearest to a time that was just taken, over the next
 * few days, so the citizen can pick another without starting again.
 */
export async function alternativesNear(
  ctx: AppContext,
  org: Organisation,
  procedure: Procedure,
  startMs: number,
  exceptAppointmentId?: string,
  agentIds?: readonly string[],
): Promise<(SlotView & { date: string })[]> {
  const from = DateTime.fromMillis(startMs, { zone: org.time_zone });
  const days = await availabilityFor(ctx, org, procedure, {
    fromDate: from.toISODate() ?? '',
    toDate: from.plus({ days: 7 }).toISODate() ?? '',
    ...(exceptAppointmentId ? { exceptAppointmentId } : {}),
  });
  // Staff booking within their offices are offered only times those agents can take.
  const usable = (ids: string[]) => (agentIds ? ids.filter((a) => agentIds.includes(a)) : ids);
  return days
    .flatMap((d) => d.slots.map((s) => ({ ...s, agentIds: usable(s.agentIds), date: d.date })).filter((s) => s.agentIds.length > 0))
    .sort((a, b) => Math.abs(a.startMs - startMs) - Math.abs(b.startMs - startMs))
    .slice(0, 6)
    .sort((a, b) => a.startMs - b.startMs)
    .map((s) => ({
      startsAt: new Date(s.startMs).toISOString(),
      localTime: s.localTime,
      capacity: s.agentIds.length,
      date: s.date,
    }));
}

/** Orders the free agents least loaded around that time first, ties at random, so work spreads and racers spread out. */
export function candidateOrder(slot: Slot & { loadByAgent: Map<string, number> }): string[] {
  return slot.agentIds
    .map((id) => ({ id, load: slot.loadByAgent.get(id) ?? 0, tie: Math.random() }))
    .sort((a, b) => a.load - b.load || a.tie - b.tie)
    .map((c) => c.id);
}

/** Thrown inside a booking transaction when the proof of work was spent by a concurrent request. */
class ChallengeReplayed extends Error {}

/** The outcome of a successful booking. */
export interface Booked {
  appointment: Appointment;
  procedure: Procedure;
  /** The queued confirmation email (video appointments). */
  mailId: string | null;
}

/**
 * Books a video appointment. The slot must be one the schedule offers; the
 * agent is claimed by inserting its occupancy units, which the database
 * refuses when another request got there first — then the next free agent is
 * tried, and when none is left the citizen is told the time was just taken
 * and offered the nearest free ones.
 */
export function bookAppointment(ctx: AppContext, org: Organisation, req: BookingRequest): Promise<Booked> {
  return createBooking(ctx, org, req, { actor: 'citizen', captcha: req.captcha });
}

/** What any booking channel (citizen web, staff, integration API) provides. */
export interface BookingInput {
  procedureId: string;
  startsAt: string;
  /** Video, or in person (staff only: the town's desk appointments, which may be offered video later). */
  channel: 'video' | 'in_person';
  citizen: CitizenInput;
}

/** How a booking is made: by whom, and with the citizen's proof of work when it comes from the public web. */
export interface BookingOptions {
  actor: Actor;
  captcha?: BookingRequest['captcha'];
  /** Only these agents may take it (staff book within their own offices). */
  agentIds?: readonly string[];
}

/**
 * Books a video appointment for any channel. Same rules for everyone: the
 * slot must be offered, the per-citizen limit holds, the database decides
 * races. The public web adds a proof of work (`captcha`).
 */
export async function createBooking(ctx: AppContext, org: Organisation, req: BookingInput, opts: BookingOptions): Promise<Booked> {
  // The proof of work is checked (HMACs, off the main thread) while the
  // slot is looked up; its verdict still comes first for the citizen.
  const captchaCheck = opts.captcha ? checkSolution(ctx, opts.captcha) : Promise.resolve(null);
  captchaCheck.catch(() => undefined);
  const startMs = Date.parse(req.startsAt);
  let procedure: Procedure;
  let candidates: string[];
  try {
    procedure = await bookableProcedure(ctx, org, req.procedureId);
    if (!procedureChannels(procedure).includes(req.channel)) throw errors.unprocessable('channel_not_offered');
    // The citizen's open appointments are counted while the slot is checked
    // (on PostgreSQL, one round trip instead of two); the slot's verdict still comes first.
    const [found, open] = await Promise.all([
      findSlot(ctx, org, procedure, startMs),
      bookingRepo.countOpenFor(ctx.db, org.id, req.citizen.email, req.citizen.idNumber, ctx.clock.now().toISOString()),
    ]);
    if (!found) throw errors.unprocessable('slot_unavailable');
    const allowed = opts.agentIds;
    const slot = allowed ? { ...found, agentIds: found.agentIds.filter((a) => allowed.includes(a)) } : found;
    if (slot.agentIds.length === 0) {
      await captchaCheck;
      throw errors.conflict('slot_taken', { alternatives: await alternativesNear(ctx, org, procedure, startMs, undefined, opts.agentIds) });
    }
    if (open >= ctx.config.limits.maxOpenAppointments) {
      throw errors.conflict('too_many_open_appointments', { max: ctx.config.limits.maxOpenAppointments });
    }
    candidates = candidateOrder(slot);
  } catch (error) {
    await captchaCheck;
    throw error;
  }
  const captcha = await captchaCheck;

  for (const agentId of candidates) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await insertBooking(ctx, org, procedure, req, agentId, startMs, captcha, opts.actor);
      } catch (error) {
        if (error instanceof ChallengeReplayed) throw errors.badRequest('captcha_failed');
        // A reference drawn twice (rare): draw again for the same agent.
        if (attempt < 3 && isUniqueViolationOf(error, 'appointments_org_reference', 'appointments.reference')) continue;
        if (!isUniqueViolation(error)) throw error;
        // Another request claimed this agent for an overlapping time: try the next one.
        break;
      }
    }
  }
  throw errors.conflict('slot_taken', { alternatives: await alternativesNear(ctx, org, procedure, startMs, undefined, opts.agentIds) });
}

async function insertBooking(
  ctx: AppContext,
  org: Organisation,
  procedure: Procedure,
  { citizen, channel }: BookingInput,
  agentId: string,
  startMs: number,
  captcha: { signature: string; expiresAt: string } | null,
  actor: Actor,
): Promise<Booked> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const endMs = startMs + procedure.duration_minutes * 60_000;
  const appointment: Appointment = {
    id: randomUUID(),
    organisation_id: org.id,
    reference: newReference(),
    procedure_id: procedure.id,
    agent_id: agentId,
    channel,
    status: 'booked',
    starts_at: new Date(startMs).toISOString(),
    ends_at: new Date(endMs).toISOString(),
    ...busyUnits(startMs, endMs + procedure.buffer_minutes * 60_000),
    citizen_name: citizen.name,
    citizen_surnames: citizen.surnames,
    citizen_id_type: citizen.idType,
    citizen_id_number: citizen.idNumber,
    citizen_email: citizen.email,
    citizen_phone: citizen.phone,
    language: citizen.language,
    needs: JSON.stringify(citizen.needs),
    access_token_hash: null,
    password_hash: null,
    failed_logins: 0,
    locked_until: null,
    upload_deadline: uploadDeadline(org, startMs, now.getTime()),
    ics_sequence: 0,
    cancelled_at: null,
    uploads_reopened_until: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  const change: AppointmentChange = { type: 'booked', appointment, organisation: org, actor, at: nowIso };
  // The video confirmation carries the personal link and password; an
  // in-person appointment gets it only if video is offered later. Queued
  // with the booking's own rows (as `enqueueMail` would, without a
  // de-duplication key): on PostgreSQL in the same statement.
  const mailId = channel === 'video' ? randomUUID() : null;
  await ctx.db.transaction().execute(async (trx) => {
    try {
      await bookingRepo.insertBooking(trx, {
        appointment,
        units: bookingRepo.unitRows(org.id, agentId, appointment.id, startMs, endMs + procedure.buffer_minutes * 60_000),
        event: {
          organisation_id: org.id,
          appointment_id: appointment.id,
          type: 'appointment.booked',
          actor,
          at: nowIso,
          data: JSON.stringify({ channel, startsAt: appointment.starts_at }),
        },
        ...(captcha ? { challenge: { signature: captcha.signature, expires_at: captcha.expiresAt } } : {}),
        ...(mailId
          ? {
              mail: {
                id: mailId,
                organisation_id: org.id,
                appointment_id: appointment.id,
                kind: 'booking_confirmation' as const,
                status: 'pending' as const,
                attempts: 0,
                next_attempt_at: nowIso,
                last_error: null,
                created_at: nowIso,
                sent_at: null,
                dedupe_key: null,
              },
            }
          : {}),
      });
    } catch (error) {
      // Spent by a concurrent request: its primary key refused the second spend.
      if (captcha && isUniqueViolationOf(error, 'used_challenges_pkey', 'used_challenges.signature')) throw new ChallengeReplayed();
      throw error;
    }
    await appointmentChanged(trx, change);
  });
  await appointmentCommitted(ctx, change);
  return { appointment, procedure, mailId };
}
