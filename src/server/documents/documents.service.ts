import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Appointment, Database, Organisation, RequiredDocument } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import type { Actor } from '../booking/appointment-hooks.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { errors } from '../http/errors.ts';
import { enqueueMail } from '../mail/mail.queue.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import {
  DEFAULT_ACCEPTED_TYPES,
  extensionsFor,
  OTHER_SLOT,
  type CitizenDocumentView,
  type DocumentSpaceView,
  type ReviewRequest,
  type StaffDocumentsView,
  type StaffDocumentView,
} from '../../shared/documents.ts';
import { documentsRepo } from './documents.repo.ts';
import { workspaceRepo } from '../workspace/workspace.repo.ts';
import { documentStatusOf, type DocumentRow } from './documents.tables.ts';

type Trx = Transaction<Database>;

/** A place a document goes: one of the procedure's required documents, or "other documents". */
export interface Slot {
  /** The required document's id, or `other`. */
  id: string;
  requirement: RequiredDocument | null;
  acceptedTypes: string[];
  maxBytes: number;
}

/** The slots of an appointment: its procedure's required documents in catalogue order, then "other". */
export async function slotsOf(ctx: AppContext, appointment: Pick<Appointment, 'organisation_id' | 'procedure_id'>, db: Db | Trx = ctx.db): Promise<Slot[]> {
  const requirements = await catalogueRepo.requiredDocuments(db, appointment.organisation_id, [appointment.procedure_id]);
  const max = ctx.config.documents.maxBytes;
  return [
    ...requirements.map((r) => {
      const types = parseTypes(r.accepted_types);
      return { id: r.id, requirement: r, acceptedTypes: types, maxBytes: Math.min(max, r.max_size_mb * 1024 * 1024) };
    }),
    { id: OTHER_SLOT, requirement: null, acceptedTypes: [...DEFAULT_ACCEPTED_TYPES], maxBytes: max },
  ];
}

function parseTypes(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // A malformed catalogue row falls back to the default list rather than locking the slot.
  }
  return [...DEFAULT_ACCEPTED_TYPES];
}

/**
 * Whether the citizen may upload now: the appointment is still ahead and
 * either the deadline has not passed or the office re-opened uploads.
 */
export function uploadsOpen(appointment: Pick<Appointment, 'status' | 'upload_deadline' | 'uploads_reopened_until'>, now: Date): boolean {
  if (!(OPEN_STATUSES as readonly string[]).includes(appointment.status)) return false;
  const iso = now.toISOString();
  if (iso < appointment.upload_deadline) return true;
  return appointment.uploads_reopened_until !== null && iso < appointment.uploads_reopened_until;
}

/**
 * Whether one slot takes uploads now. The deadline closes the required
 * documents (the office checks them before the day); "other documents" stay
 * open until the appointment starts, for what the citizen thinks of late.
 */
export function slotOpen(slotId: string, appointment: Pick<Appointment, 'status' | 'upload_deadline' | 'uploads_reopened_until' | 'starts_at'>, now: Date): boolean {
  if (uploadsOpen(appointment, now)) return true;
  return slotId === OTHER_SLOT && (OPEN_STATUSES as readonly string[]).includes(appointment.status) && now.toISOString() < appointment.starts_at;
}

function presentForCitizen(d: DocumentRow): CitizenDocumentView {
  return {
    id: d.id,
    fileName: d.file_name,
    mediaType: d.media_type,
    size: d.size,
    status: documentStatusOf(d),
    rejectionReason: d.review_status === 'rejected' ? d.rejection_reason : null,
    uploadedAt: d.uploaded_at,
  };
}

function presentForStaff(d: DocumentRow, names: ReadonlyMap<string, string>): StaffDocumentView {
  return {
    ...presentForCitizen(d),
    slot: d.requirement_id ?? OTHER_SLOT,
    scan: d.scan_status,
    scanSignature: d.scan_signature,
    sha256: d.sha256,
    // The reviewer's name as staff know it; the raw actor only if the account is gone.
    reviewedBy: d.reviewed_by ? (names.get(d.reviewed_by) ?? d.reviewed_by) : null,
    reviewedAt: d.reviewed_at,
    viewable: d.scan_status !== 'infected' && d.scan_status !== 'pending' && d.blob_id !== null && d.purged_at === null,
  };
}

async function slotViews<T>(
  ctx: AppContext,
  appointment: Appointment,
  lang: string,
  present: (d: DocumentRow, names: ReadonlyMap<string, string>) => T,
) {
  const [slots, docs] = await Promise.all([slotsOf(ctx, appointment), documentsRepo.current(ctx.db, appointment.organisation_id, appointment.id)]);
  const reviewers = [...new Set(docs.flatMap((d) => (d.reviewed_by?.startsWith('staff:') ? [d.reviewed_by.slice('staff:'.length)] : [])))];
  const names = new Map((await workspaceRepo.names(ctx.db, appointment.organisation_id, reviewers)).map((s) => [`staff:${s.id}`, s.display_name]));
  const now = ctx.clock.now();
  return slots.map((slot) => {
    const mine = docs.filter((d) => (d.requirement_id ?? OTHER_SLOT) === slot.id);
    const latest = mine.at(-1);
    return {
      slot: slot.id,
      name: slot.requirement ? pickLocalised(localised(slot.requirement.name), lang) : '',
      description: slot.requirement ? pickLocalised(localised(slot.requirement.description), lang) : '',
      mandatory: slot.requirement?.mandatory === 1,
      acceptedTypes: slot.acceptedTypes,
      acceptedExtensions: extensionsFor(slot.acceptedTypes),
      maxBytes: slot.maxBytes,
      open: slotOpen(slot.id, appointment, now),
      status: latest ? documentStatusOf(latest) : ('missing' as const),
      documents: mine.map((d) => present(d, names)),
    };
  });
}

/** The citizen's document space. The "other" slot's name is left to the client's translations (empty here). */
export async function documentSpace(ctx: AppContext, appointment: Appointment, lang: string): Promise<DocumentSpaceView> {
  return {
    deadline: appointment.upload_deadline,
    reopenedUntil: reopenedUntil(appointment, ctx.clock.now()),
    slots: await slotViews(ctx, appointment, lang, presentForCitizen),
  };
}

/** What staff see of an appointment's documents. */
export async function staffDocuments(ctx: AppContext, appointment: Appointment, lang: string): Promise<StaffDocumentsView> {
  return {
    deadline: appointment.upload_deadline,
    reopenedUntil: reopenedUntil(appointment, ctx.clock.now()),
    slots: await slotViews(ctx, appointment, lang, presentForStaff),
  };
}

function reopenedUntil(appointment: Pick<Appointment, 'uploads_reopened_until'>, now: Date): string | null {
  const until = appointment.uploads_reopened_until;
  return until !== null && until > now.toISOString() ? until : null;
}

/** The citizen withdraws a document they uploaded, while uploads are open and the office has not accepted it. */
export async function withdrawDocument(ctx: AppContext, appointment: Appointment, documentId: string): Promise<void> {
  const doc = await documentsRepo.currentOne(ctx.db, appointment.organisation_id, appointment.id, documentId);
  if (!doc) throw errors.notFound();
  if (!slotOpen(doc.requirement_id ?? OTHER_SLOT, appointment, ctx.clock.now())) throw errors.conflict('uploads_closed');
  if (doc.review_status === 'accepted') throw errors.conflict('document_already_accepted');
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await documentsRepo.retire(trx, [doc.id], now);
    await bookingRepo.addEvent(trx, appointment.organisation_id, appointment.id, 'document.withdrawn', 'citizen', now, { documentId: doc.id, fileName: doc.file_name });
  });
}

/**
 * An agent accepts or rejects a document. A rejection emails the citizen
 * (with every document currently rejected and why) so they can upload a new
 * one; it also re-opens uploads for a day if the deadline has passed, since
 * asking for a correction the citizen cannot make would be pointless.
 * Returns the id of the queued email, if any.
 */
export async function reviewDocument(
  ctx: AppContext,
  org: Organisation,
  appointment: Appointment,
  documentId: string,
  decision: ReviewRequest,
  actor: Actor,
): Promise<string | null> {
  const doc = await documentsRepo.currentOne(ctx.db, org.id, appointment.id, documentId);
  if (!doc) throw errors.notFound();
  if (doc.scan_status === 'pending') throw errors.conflict('document_still_scanning');
  if (doc.scan_status === 'infected') throw errors.conflict('document_quarantined');
  if (!(OPEN_STATUSES as readonly string[]).includes(appointment.status)) throw errors.conflict('appointment_not_open');
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    await documentsRepo.review(trx, doc.id, {
      review_status: decision.decision === 'accept' ? 'accepted' : 'rejected',
      rejection_reason: decision.decision === 'reject' ? decision.reason : null,
      reviewed_by: actor,
      reviewed_at: nowIso,
    });
    await bookingRepo.addEvent(trx, org.id, appointment.id, decision.decision === 'accept' ? 'document.accepted' : 'document.rejected', actor, nowIso, {
      documentId: doc.id,
      fileName: doc.file_name,
      slot: doc.requirement_id ?? OTHER_SLOT,
    });
    if (decision.decision === 'accept') return null;
    if (!uploadsOpen(appointment, now)) {
      const until = new Date(Math.min(now.getTime() + 24 * 3_600_000, Date.parse(appointment.starts_at))).toISOString();
      if (until > nowIso) {
        await documentsRepo.setReopenedUntil(trx, org.id, appointment.id, until, nowIso);
        await bookingRepo.addEvent(trx, org.id, appointment.id, 'documents.reopened', actor, nowIso, { until });
      }
    }
    return enqueueMail(trx, { organisationId: org.id, appointmentId: appointment.id, kind: 'document_rejected', now });
  });
}

/** The office re-opens uploads for `hours` from now (a correction, a late document). */
export async function reopenUploads(ctx: AppContext, org: Organisation, appointment: Appointment, hours: number, actor: Actor): Promise<void> {
  if (!(OPEN_STATUSES as readonly string[]).includes(appointment.status)) throw errors.conflict('appointment_not_open');
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + hours * 3_600_000).toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await documentsRepo.setReopenedUntil(trx, org.id, appointment.id, until, now.toISOString());
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'documents.reopened', actor, now.toISOString(), { until });
  });
}

/**
 * Marks every document of an appointment for crypto-shredding and abandons
 * its unfinished uploads, inside the caller's transaction (a cancellation,
 * the end of the retention period). The shredder destroys the blobs after
 * the commit; the rows stay, without content, for the history.
 */
export async function purgeAppointmentDocuments(trx: Trx, appointment: Pick<Appointment, 'id' | 'organisation_id'>, reason: 'cancelled' | 'retention', at: string): Promise<number> {
  const ids = (await documentsRepo.unpurged(trx, appointment.id)).map((d) => d.id);
  await documentsRepo.abandonReceiving(trx, appointment.id);
  const purged = await documentsRepo.retire(trx, ids, at);
  if (purged > 0) await bookingRepo.addEvent(trx, appointment.organisation_id, appointment.id, 'documents.purged', 'system', at, { reason, count: purged });
  return purged;
}

/** Records that staff opened or downloaded a document (every view is in the appointment's history). */
export function recordAccess(ctx: AppContext, appointment: Appointment, doc: DocumentRow, kind: 'viewed' | 'downloaded', actor: Actor): Promise<unknown> {
  return bookingRepo.addEvent(ctx.db, appointment.organisation_id, appointment.id, `document.${kind}`, actor, ctx.clock.now().toISOString(), {
    documentId: doc.id,
    fileName: doc.file_name,
  });
}
