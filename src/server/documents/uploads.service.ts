import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Appointment } from '../db/schema.ts';
import type { Actor } from '../booking/appointment-hooks.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { DOCUMENT_LIMITS, EXTENSIONS_BY_TYPE, OTHER_SLOT, extensionsFor } from '../../shared/documents.ts';
import { documentsRepo } from './documents.repo.ts';
import { slotOpen, slotsOf, type Slot } from './documents.service.ts';
import { checkContent, fileExtension, sanitiseFileName } from './file-checks.ts';
import type { UploadRow } from './documents.tables.ts';
import { notifyDocumentUploaded } from '../realtime/realtime.hooks.ts';

/** Bytes read from each end of a finished upload to check its type. */
const PROBE_BYTES = 64 * 1024;

/** What a client declares when it creates an upload. */
export interface UploadRequest {
  slot: string;
  fileName: string;
  declaredType: string;
  /** Upload-Length; undefined when deferred (then checked as bytes arrive). */
  size: number | undefined;
}

/** A fresh upload id: 128 random bits, URL-safe, also the blob's id. */
export function newUploadId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Checks everything a new upload can be refused for before a byte is
 * stored — the slot exists for this appointment, uploads are open, the size
 * is within the slot's limit and not zero, the name's extension is one the
 * slot accepts — and records it. Throws an `AppError` the tus answer carries.
 */
export async function beginUpload(ctx: AppContext, appointment: Appointment, request: UploadRequest, id: string, actor: Actor): Promise<UploadRow> {
  const now = ctx.clock.now();
  const slot = (await slotsOf(ctx, appointment)).find((s) => s.id === request.slot);
  if (!slot) throw errors.notFound();
  if (!slotOpen(slot.id, appointment, now)) throw errors.conflict('uploads_closed');
  const fileName = sanitiseFileName(request.fileName);
  if (request.size !== undefined) {
    if (request.size === 0) throw errors.unprocessable('file_empty');
    if (request.size > slot.maxBytes) throw new AppError(413, 'file_too_large', { maxBytes: slot.maxBytes }, { maxMb: Math.floor(slot.maxBytes / 1024 ** 2) });
  }
  const extension = fileExtension(fileName);
  if (extension !== null && !extensionsFor(slot.acceptedTypes).includes(extension)) throw typeNotAllowed(slot);
  if (slot.id === OTHER_SLOT) {
    const current = (await documentsRepo.current(ctx.db, appointment.organisation_id, appointment.id)).filter((d) => d.requirement_id === null).length;
    const receiving = await documentsRepo.countReceivingOther(ctx.db, appointment.id, now.toISOString());
    if (current + receiving >= DOCUMENT_LIMITS.otherDocumentsMax) throw errors.conflict('too_many_documents', { max: DOCUMENT_LIMITS.otherDocumentsMax });
  }
  const row: UploadRow = {
    id,
    organisation_id: appointment.organisation_id,
    appointment_id: appointment.id,
    requirement_id: slot.requirement?.id ?? null,
    file_name: fileName,
    declared_type: request.declaredType.slice(0, 100),
    size: request.size ?? null,
    status: 'receiving',
    actor,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.config.documents.uploadExpiryHours * 3_600_000).toISOString(),
    blob_destroyed_at: null,
  };
  await documentsRepo.insertUpload(ctx.db, row);
  return row;
}

function typeNotAllowed(slot: Slot): AppError {
  return new AppError(422, 'file_type_not_allowed', { accepted: slot.acceptedTypes }, { types: extensionsFor(slot.acceptedTypes).map((e) => e.toUpperCase()).join(', ') });
}

/** Reasons the content check gives, and the error each becomes. */
const CONTENT_ERRORS: Record<string, string> = {
  empty: 'file_empty',
  type_not_allowed: 'file_type_not_allowed',
  type_unknown: 'file_type_not_allowed',
  extension_mismatch: 'file_extension_mismatch',
  pdf_encrypted: 'pdf_encrypted',
  pdf_broken: 'pdf_broken',
};

/**
 * Turns a finished upload into a document: seals the blob, checks the bytes
 * (type from the content against the slot's list and the name, PDFs neither
 * encrypted nor broken), then — in one transaction — records the document
 * with its SHA-256, retires the one it replaces in a required slot, and
 * queues it for the malware scan. A refused upload is destroyed and the
 * error says why, in the citizen's language. Idempotent: a second call for
 * an upload already completed returns without doing anything.
 */
export async function completeUpload(ctx: AppContext, upload: UploadRow): Promise<void> {
  if (upload.status !== 'receiving') return;
  const appointment = await bookingRepo.byId(ctx.db, upload.organisation_id, upload.appointment_id);
  if (!appointment) throw errors.notFound();
  const slot = (await slotsOf(ctx, appointment)).find((s) => s.id === (upload.requirement_id ?? OTHER_SLOT));
  const { size, sha256 } = await ctx.blobs.finish(upload.id);
  const refuse = async (error: AppError): Promise<never> => {
    if (await documentsRepo.setUploadStatus(ctx.db, upload.id, 'receiving', 'refused', { size })) {
      await ctx.blobs.destroy(upload.id);
      await documentsRepo.markUploadBlobDestroyed(ctx.db, upload.id, ctx.clock.now().toISOString());
    }
    throw error;
  };
  if (!slot) return refuse(errors.notFound());
  if (size > slot.maxBytes) return refuse(new AppError(413, 'file_too_large', { maxBytes: slot.maxBytes }, { maxMb: Math.floor(slot.maxBytes / 1024 ** 2) }));
  const head = await readSlice(ctx, upload.id, 0, Math.min(size, PROBE_BYTES));
  const tail = await readSlice(ctx, upload.id, Math.max(0, size - PROBE_BYTES), size);
  const verdict = await checkContent({ declaredName: upload.file_name, head, tail, size, acceptedTypes: slot.acceptedTypes });
  if (!verdict.ok) {
    const id = CONTENT_ERRORS[verdict.reason] ?? 'file_type_not_allowed';
    return refuse(id === 'file_type_not_allowed' ? typeNotAllowed(slot) : errors.unprocessable(id));
  }
  // A name without an extension gets the one its content calls for, so a download opens in the right program.
  const fileName = verdict.fileName;
  const now = ctx.clock.now().toISOString();
  const scanning = ctx.scanner !== null;
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await documentsRepo.setUploadStatus(trx, upload.id, 'receiving', 'completed', { size }))) return;
    if (upload.requirement_id !== null) {
      const replaced = (await documentsRepo.current(trx, upload.organisation_id, upload.appointment_id))
        .filter((d) => d.requirement_id === upload.requirement_id)
        .map((d) => d.id);
      await documentsRepo.retire(trx, replaced, now);
    }
    await documentsRepo.insertDocument(trx, {
      id: upload.id,
      organisation_id: upload.organisation_id,
      appointment_id: upload.appointment_id,
      requirement_id: upload.requirement_id,
      blob_id: upload.id,
      file_name: fileName,
      media_type: verdict.mediaType,
      size,
      sha256,
      // Without a scanner the document is usable at once, but never presented as clean.
      scan_status: scanning ? 'pending' : 'not_configured',
      scan_signature: null,
      review_status: 'pending',
      rejection_reason: null,
      reviewed_by: null,
      reviewed_at: null,
      uploaded_by: upload.actor,
      uploaded_at: now,
      superseded_at: null,
      purged_at: null,
    });
    await bookingRepo.addEvent(trx, upload.organisation_id, upload.appointment_id, 'document.uploaded', upload.actor, now, {
      documentId: upload.id,
      fileName,
      slot: upload.requirement_id ?? OTHER_SLOT,
      size,
      mediaType: verdict.mediaType,
      sha256,
    });
  });
  await notifyDocumentUploaded(ctx, { organisationId: upload.organisation_id, appointmentId: upload.appointment_id, documentId: upload.id, slot: upload.requirement_id ?? OTHER_SLOT });
}

async function readSlice(ctx: AppContext, id: string, start: number, endExclusive: number): Promise<Buffer> {
  if (endExclusive <= start) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.blobs.read(id, { start, end: endExclusive - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The canonical extensions of a detected type (for messages). */
export function extensionsOfType(type: string): readonly string[] {
  return EXTENSIONS_BY_TYPE[type] ?? [];
}
