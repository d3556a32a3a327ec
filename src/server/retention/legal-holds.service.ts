/**
 * Legal holds: while one is active on an appointment, neither the
 * retention job nor an erasure purges anything of it (see
 * `retention.service.ts`, which checks for one inside each purge's
 * transaction). Supervisors place and release holds on the appointments of
 * their offices, administrators on any of the organisation's; agents none
 * (the routes answer 403). Each is recorded in the appointment's history
 * and, by the routes, in the audit trail.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { errors } from '../http/errors.ts';
import { visibleAgents, visibleAppointment } from '../workspace/workspace.service.ts';
import type { LegalHoldView } from '../../shared/legal-holds.ts';
import { retentionRepo } from './retention.repo.ts';
import type { LegalHoldRow } from './retention.tables.ts';

const staffIdOf = (actor: string | null) => (actor?.startsWith('staff:') ? actor.slice('staff:'.length) : null);

/** Holds as staff see them, with the names of who placed and released them. */
async function present(ctx: AppContext, org: Organisation, rows: (LegalHoldRow & { reference: string })[]): Promise<LegalHoldView[]> {
  const ids = [...new Set(rows.flatMap((r) => [staffIdOf(r.placed_by), staffIdOf(r.released_by)]).filter((id): id is string => id !== null))];
  const names = await retentionRepo.staffNames(ctx.db, org.id, ids);
  const ref = (actor: string) => {
    const id = staffIdOf(actor);
    return { id: id ?? actor, displayName: id ? (names.get(id) ?? null) : null };
  };
  return rows.map((r) => ({
    id: r.id,
    appointment: { id: r.appointment_id, reference: r.reference },
    reason: r.reason,
    placedBy: ref(r.placed_by),
    placedAt: r.placed_at,
    releasedBy: r.released_by ? ref(r.released_by) : null,
    releasedAt: r.released_at,
    active: r.released_at === null,
  }));
}

/** The holds of one appointment the viewer may see (another office's: 404), newest first. */
export async function holdsOfAppointment(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string): Promise<LegalHoldView[]> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  const rows = await retentionRepo.holdsOf(ctx.db, org.id, appointment.id);
  return present(ctx, org, rows.map((r) => ({ ...r, reference: appointment.reference })));
}

/**
 * Places a hold on an appointment the viewer may see. One active hold per
 * appointment: a second is a conflict (`legal_hold_exists`), also when two
 * supervisors place one at the same moment (the database's unique index on
 * active holds refuses the second).
 */
export async function placeHold(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string, reason: string): Promise<LegalHoldView> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  const at = ctx.clock.now().toISOString();
  const row: LegalHoldRow = {
    id: randomUUID(),
    organisation_id: org.id,
    appointment_id: appointment.id,
    reason,
    placed_by: `staff:${viewer.id}`,
    placed_at: at,
    released_by: null,
    released_at: null,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      // After a purge running now, never beside it (see `lockAppointment`).
      await retentionRepo.lockAppointment(trx, org.id, appointment.id);
      await retentionRepo.insertHold(trx, row);
      // The reason stays out of the history: it may name a court case or a person.
      await bookingRepo.addEvent(trx, org.id, appointment.id, 'legal_hold.placed', row.placed_by, at, { holdId: row.id });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.conflict('legal_hold_exists');
    throw error;
  }
  const [view] = await present(ctx, org, [{ ...row, reference: appointment.reference }]);
  if (!view) throw errors.notFound();
  return view;
}

/** Releases an appointment's active hold; an unknown or another appointment's hold is 404, one released already 409 `legal_hold_released`. */
export async function releaseHold(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string, holdId: string): Promise<LegalHoldView> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  const hold = await retentionRepo.hold(ctx.db, org.id, holdId);
  if (!hold || hold.appointment_id !== appointment.id) throw errors.notFound();
  const at = ctx.clock.now().toISOString();
  const by = `staff:${viewer.id}`;
  const released = await ctx.db.transaction().execute(async (trx) => {
    if (!(await retentionRepo.releaseHold(trx, org.id, hold.id, by, at))) return false;
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'legal_hold.released', by, at, { holdId: hold.id });
    return true;
  });
  if (!released) throw errors.conflict('legal_hold_released');
  const [view] = await present(ctx, org, [{ ...hold, released_by: by, released_at: at, reference: appointment.reference }]);
  if (!view) throw errors.notFound();
  return view;
}

/** The organisation's active holds the viewer may see (a supervisor: their offices' appointments), oldest first. */
export async function activeHolds(ctx: AppContext, org: Organisation, viewer: Staff): Promise<LegalHoldView[]> {
  const agents = await visibleAgents(ctx, org, viewer);
  const rows = await retentionRepo.activeHolds(ctx.db, org.id, { agents, limit: 500 });
  return present(ctx, org, rows.map((r) => ({ ...r, reference: r.appointment_reference })));
}
