/**
 * Retention (issue 7): after an appointment is over — and, when its
 * procedure delivers evidence to case management, after the receiver
 * acknowledged it — and after each kind's period, the platform
 * crypto-shreds what it held (documents, the recording, identification
 * snapshots, sealed packages) and minimises the citizen's personal data,
 * keeping the reference, dates, status, hashes and the acknowledgement.
 * A legal hold stops all of it. Every purge is in the appointment's history
 * (`retention.purged`) and the audit trail.
 *
 * A purge happens in two steps so that several processes may run it at once
 * and a crash anywhere leaves nothing half-done for good: (1) one
 * transaction re-checks the rule and marks the rows purged with conditional
 * updates (only the first process to get there marks anything, and only it
 * records the event); (2) after the commit the blobs are destroyed and the
 * rows marked shredded — idempotent, and a sweep finishes what a dead
 * process left.
 */
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { documentsRepo } from '../documents/documents.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { retentionOf } from '../organisation-admin/organisation-settings.ts';
import { minimiseAppointment } from './minimise.ts';
import { FINISHED_STATUSES, retentionRepo, type DueAppointment } from './retention.repo.ts';
import { withRetentionColumns } from './retention.tables.ts';

/** What a purge can remove. */
export const PURGE_KINDS = ['documents', 'recordings', 'snapshots', 'packages', 'personalData'] as const;
export type PurgeKind = (typeof PURGE_KINDS)[number];

/** Counts of what one purge removed (0: nothing of that kind left, or purged already). `personalData` is 1 when the appointment was minimised now. */
export type PurgeCounts = Record<PurgeKind, number>;

/** Why an appointment is kept: a legal hold, evidence not yet acknowledged by case management, or not over yet. */
export type KeptReason = 'legal_hold' | 'awaiting_delivery' | 'not_finished';

/** What `purgeAppointment` did. */
export type PurgeResult = { purged: PurgeCounts } | { kept: KeptReason };

/** The actor the retention job acts as, in the history and the audit trail. */
export const RETENTION_ACTOR = 'system:retention';

const DAY_MS = 86_400_000;
const BATCH = 50;
const ALL_KINDS: ReadonlySet<PurgeKind> = new Set(PURGE_KINDS);

const zero = (): PurgeCounts => ({ documents: 0, recordings: 0, snapshots: 0, packages: 0, personalData: 0 });
const total = (c: PurgeCounts) => PURGE_KINDS.reduce((n, k) => n + c[k], 0);

/**
 * What keeps an appointment from being purged now, or null: the same rule
 * as the job's queries (`purgeable` in the repo), for one appointment.
 */
export async function purgeBlocker(db: Db, organisationId: string, appointmentId: string): Promise<KeptReason | null> {
  const appointment = await retentionRepo.appointmentForPurge(db, organisationId, appointmentId);
  if (!appointment) throw errors.notFound();
  return blockerOf(db, appointment);
}

async function blockerOf(db: Db | Transaction<Database>, a: { id: string; status: string; delivery_connector: string }): Promise<KeptReason | null> {
  if (await retentionRepo.held(db, a.id)) return 'legal_hold';
  if (!(FINISHED_STATUSES as readonly string[]).includes(a.status)) return 'not_finished';
  const states = await retentionRepo.deliveryStates(db, a.id);
  if (states.some((s) => s !== 'acknowledged')) return 'awaiting_delivery';
  const exempt = a.status === 'cancelled' && states.length === 0;
  if (a.delivery_connector !== 'none' && !states.includes('acknowledged') && !exempt) return 'awaiting_delivery';
  return null;
}

/**
 * Purges `kinds` of one appointment now if the rule allows it (see the
 * module comment for the two steps). Records the event and the audit entry
 * when anything was purged.
 */
async function purgeKinds(ctx: AppContext, organisationId: string, appointmentId: string, kinds: ReadonlySet<PurgeKind>, by: { actor: string; reason: string }): Promise<PurgeResult> {
  const at = ctx.clock.now().toISOString();
  const result = await ctx.db.transaction().execute(async (trx): Promise<PurgeResult> => {
    await retentionRepo.lockAppointment(trx, organisationId, appointmentId);
    const appointment = await retentionRepo.appointmentForPurge(trx, organisationId, appointmentId);
    if (!appointment) throw errors.notFound();
    // Re-checked inside the transaction (after the row lock): a hold placed or a delivery queued since the job's query wins.
    const blocker = await blockerOf(trx, appointment);
    if (blocker) return { kept: blocker };
    const counts = zero();
    if (kinds.has('documents')) {
      const ids = (await documentsRepo.unpurged(trx, appointmentId)).map((d) => d.id);
      await documentsRepo.abandonReceiving(trx, appointmentId);
      counts.documents = await documentsRepo.retire(trx, ids, at);
    }
    if (kinds.has('recordings')) counts.recordings = await retentionRepo.markPurged(trx, 'recordings', appointmentId, at);
    if (kinds.has('snapshots')) counts.snapshots = await retentionRepo.markPurged(trx, 'identification_snapshots', appointmentId, at);
    if (kinds.has('packages')) counts.packages = await retentionRepo.markPurged(trx, 'evidence_packages', appointmentId, at);
    if (kinds.has('personalData')) counts.personalData = await minimiseAppointment(trx, organisationId, appointmentId, at);
    // After the minimisation, so the event itself is never redacted; it names kinds and counts only.
    if (total(counts) > 0) await bookingRepo.addEvent(trx, organisationId, appointmentId, 'retention.purged', by.actor, at, { reason: by.reason, purged: counts });
    return { purged: counts };
  });
  if ('purged' in result && total(result.purged) > 0) {
    await appendAudit(ctx, { organisationId, actor: by.actor, action: 'retention.purged', appointmentId, details: { reason: by.reason, ...result.purged } });
  }
  // Also when nothing was marked now: another process may have marked and not shredded yet.
  if ('purged' in result) await shred(ctx, appointmentId, Number.MAX_SAFE_INTEGER);
  return result;
}

/**
 * Purges everything of one appointment now, whatever the retention periods
 * (a data-protection erasure): documents, recording, snapshots and sealed
 * packages crypto-shredded, personal data minimised. Still refused, with
 * nothing changed, under a legal hold, before case management acknowledged
 * the evidence, or while the appointment is not over. Idempotent: a second
 * call answers `purged` with zero counts. Another organisation's
 * appointment is 404. `reason` is a short code (no personal data): it goes
 * into the history and the audit trail.
 */
export function purgeAppointment(ctx: AppContext, organisationId: string, appointmentId: string, opts: { actor: string; reason: string }): Promise<PurgeResult> {
  return purgeKinds(ctx, organisationId, appointmentId, ALL_KINDS, opts);
}

/**
 * Destroys the blobs of what was marked purged (of one appointment, or of
 * any when null): documents, recordings (the file and every chunk),
 * snapshots, packages. Destroying is idempotent, so two processes doing it
 * at once, or a pass repeating a dead process's work, are harmless.
 */
async function shred(ctx: AppContext, appointmentId: string | null, limit: number): Promise<number> {
  const at = () => ctx.clock.now().toISOString();
  let n = 0;
  for (const doc of await retentionRepo.documentsToShred(ctx.db, appointmentId, limit)) {
    if (!doc.blob_id) continue;
    await ctx.blobs.destroy(doc.blob_id);
    await retentionRepo.documentShredded(ctx.db, doc.id, doc.blob_id);
    n++;
  }
  for (const recording of await retentionRepo.recordingsToShred(ctx.db, appointmentId, limit)) {
    for (const blobId of recording.blobIds) await ctx.blobs.destroy(blobId);
    await retentionRepo.recordingShredded(ctx.db, recording.id, at());
    n++;
  }
  for (const table of ['identification_snapshots', 'evidence_packages'] as const) {
    for (const row of await retentionRepo.toShred(ctx.db, table, appointmentId, limit)) {
      await ctx.blobs.destroy(row.blob_id);
      await retentionRepo.shredded(ctx.db, table, row.id, at());
      n++;
    }
  }
  return n;
}

/**
 * The documents pass alone (the document worker's retention, folded in
 * here so that it follows each organisation's period and legal holds):
 * purges the documents of every appointment past its organisation's
 * `documentsDays`. Returns how many appointments had documents purged.
 */
export async function purgeDueDocuments(ctx: AppContext): Promise<number> {
  return runPasses(ctx, ['documents']);
}

/** One round of the retention job over every organisation and kind; returns how many purges and shreds it did. */
export async function runRetention(ctx: AppContext): Promise<number> {
  return (await runPasses(ctx, ['documents', 'media', 'packages', 'personalData'])) + (await shred(ctx, null, BATCH));
}

type Pass = 'documents' | 'media' | 'packages' | 'personalData';

async function runPasses(ctx: AppContext, passes: Pass[]): Promise<number> {
  const now = ctx.clock.now().getTime();
  const before = (days: number) => new Date(now - days * DAY_MS).toISOString();
  let n = 0;
  for (const organisationId of await retentionRepo.organisationIds(ctx.db)) {
    const periods = await retentionOf(ctx.db, organisationId, ctx.config.documents.retentionDays);
    // One purge per appointment with every kind due for it: one event, one audit entry.
    const due = new Map<string, Set<PurgeKind>>();
    const add = (rows: DueAppointment[], ...kinds: PurgeKind[]) => {
      for (const r of rows) {
        const set = due.get(r.id) ?? new Set<PurgeKind>();
        for (const k of kinds) set.add(k);
        due.set(r.id, set);
      }
    };
    if (passes.includes('documents')) add(await retentionRepo.documentsDue(ctx.db, organisationId, before(periods.documentsDays), BATCH), 'documents');
    if (passes.includes('media')) add(await retentionRepo.mediaDue(ctx.db, organisationId, before(periods.recordingsDays), BATCH), 'recordings', 'snapshots');
    if (passes.includes('packages')) add(await retentionRepo.packagesDue(ctx.db, organisationId, before(periods.evidenceDays), BATCH), 'packages');
    if (passes.includes('personalData')) add(await retentionRepo.personalDataDue(ctx.db, organisationId, before(periods.appointmentsDays), BATCH), 'personalData');
    for (const [appointmentId, kinds] of due) {
      try {
        const result = await purgeKinds(ctx, organisationId, appointmentId, kinds, { actor: RETENTION_ACTOR, reason: 'retention_period' });
        if ('purged' in result && total(result.purged) > 0) n++;
      } catch (error) {
        // One appointment's failure (a blob store hiccup) must not stop the others; the next round tries again.
        ctx.log.error({ err: error, appointmentId }, 'retention: purge failed');
      }
    }
  }
  return n;
}

/** Active legal holds of some appointments of the organisation, by appointment id. */
export async function activeHoldsFor(db: Db, organisationId: string, appointmentIds: readonly string[]): Promise<Map<string, { id: string; reason: string; placedAt: string; placedBy: string }>> {
  const rows = await retentionRepo.activeHolds(db, organisationId, { appointmentIds, limit: 10_000 });
  return new Map(rows.map((r) => [r.appointment_id, { id: r.id, reason: r.reason, placedAt: r.placed_at, placedBy: r.placed_by }]));
}

/**
 * Refuses to serve a recording, snapshot or package whose blobs retention destroyed:
 * 410 `purged_by_retention` (its hash and metadata stay listed; its bytes
 * are gone for good), rather than failing the stream half-way.
 */
export async function assertNotPurged(db: Db, table: 'recordings' | 'identification_snapshots' | 'evidence_packages', id: string): Promise<void> {
  const row = await withRetentionColumns(db).selectFrom(table).select('purged_at').where('id', '=', id).executeTakeFirst();
  if (row?.purged_at) throw new AppError(410, 'purged_by_retention');
}
