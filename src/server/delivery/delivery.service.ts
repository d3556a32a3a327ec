import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Database, Organisation, Staff } from '../db/schema.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { visibleAgents } from '../workspace/workspace.service.ts';
import { deliveryLinkKey, verifyDeliveryLink } from './delivery-link.ts';
import { deliveryRepo, type DeliveryForAttempt } from './delivery.repo.ts';
import type { DeliveryState } from './delivery.tables.ts';

/**
 * Queues the delivery of a package just sealed, in the sealing transaction:
 * when the appointment's procedure names a connector, the outbox row exists
 * if and only if the package does, and nothing is lost between the two. One
 * delivery per package (a package sealed again later is a new package, and
 * a new delivery). Returns the delivery id, or null when the procedure has
 * no connector.
 */
export async function enqueueDelivery(
  trx: Transaction<Database>,
  config: AppContext['config'],
  p: { organisationId: string; appointmentId: string; packageId: string; now: Date; actor: string },
): Promise<string | null> {
  const connector = await deliveryRepo.connectorOf(trx, p.organisationId, p.appointmentId);
  if (connector === 'none') return null;
  const id = randomUUID();
  const at = p.now.toISOString();
  await deliveryRepo.insert(trx, {
    id,
    organisation_id: p.organisationId,
    appointment_id: p.appointmentId,
    package_id: p.packageId,
    connector,
    state: 'pending',
    attempts: 0,
    next_attempt_at: at,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    reference: null,
    acknowledged_at: null,
    dead_after: new Date(p.now.getTime() + config.delivery.deadAfterHours * 3_600_000).toISOString(),
    dead_at: null,
    alerted_at: null,
    created_at: at,
  });
  await bookingRepo.addEvent(trx, p.organisationId, p.appointmentId, 'delivery.queued', p.actor, at, { deliveryId: id, packageId: p.packageId, connector });
  return id;
}

/** Supervisors see the deliveries of their offices' appointments, administrators all; agents none (the route says 403). */
export async function listDeliveries(ctx: AppContext, org: Organisation, viewer: Staff, state: DeliveryState | undefined) {
  const agents = await visibleAgents(ctx, org, viewer);
  return deliveryRepo.list(ctx.db, org.id, { state, agents, limit: 200 });
}

/**
 * Makes a pending or dead delivery due now (a supervisor's "retry"), with a
 * new dead-letter deadline; recorded in the appointment's history. One the
 * viewer cannot see is "not found"; an acknowledged one is a conflict.
 */
export async function retryDelivery(ctx: AppContext, org: Organisation, viewer: Staff, id: string): Promise<void> {
  const row = await deliveryRepo.one(ctx.db, org.id, id);
  if (!row) throw errors.notFound();
  const agents = await visibleAgents(ctx, org, viewer);
  if (agents) {
    const appointment = await bookingRepo.byId(ctx.db, org.id, row.appointment_id);
    if (!appointment || !agents.includes(appointment.agent_id)) throw errors.notFound();
  }
  const now = ctx.clock.now();
  const before = await deliveryRepo.retry(ctx.db, org.id, id, now.toISOString(), new Date(now.getTime() + ctx.config.delivery.deadAfterHours * 3_600_000).toISOString());
  if (!before) throw errors.notFound();
  if (before.state === 'acknowledged') throw errors.conflict('delivery_acknowledged');
  await bookingRepo.addEvent(ctx.db, org.id, row.appointment_id, 'delivery.retried', `staff:${viewer.id}`, now.toISOString(), { deliveryId: id, was: before.state });
}

/**
 * The package a signed link points at, for the receiver to download:
 * a bad signature or another organisation's delivery is "not found", an
 * expired link is 410. Each download is recorded in the appointment's
 * history and the audit trail (personal data leaving, to whom and from where).
 */
export async function packageForLink(ctx: AppContext, org: Organisation, id: string, q: { expires: number; signature: string }, ip: string): Promise<DeliveryForAttempt> {
  const now = ctx.clock.now();
  const key = deliveryLinkKey(ctx.masterKey);
  // The signature first (checked as if at the epoch, so expiry is not yet looked at): only a genuine link learns that it expired.
  if (!verifyDeliveryLink(key, org.id, id, q.expires, q.signature, new Date(0))) throw errors.notFound();
  if (q.expires * 1000 <= now.getTime()) throw new AppError(410, 'delivery_link_expired');
  const row = await deliveryRepo.forAttempt(ctx.db, id);
  if (!row || row.organisation_id !== org.id) throw errors.notFound();
  await bookingRepo.addEvent(ctx.db, org.id, row.appointment_id, 'delivery.downloaded', `connector:${row.connector}`, now.toISOString(), { deliveryId: id, packageId: row.package_id });
  await appendAudit(ctx, {
    organisationId: org.id,
    actor: `connector:${row.connector}`,
    action: 'evidence.downloaded_by_receiver',
    appointmentId: row.appointment_id,
    target: `evidence:${row.package_id}`,
    ip,
    details: { deliveryId: id },
  });
  return row;
}
