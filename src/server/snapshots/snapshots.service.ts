import { randomUUID } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { attendedAppointment, visibleAppointment } from '../workspace/workspace.service.ts';
import { SNAPSHOT_LIMITS, SNAPSHOT_TYPES, type SnapshotKind, type SnapshotView } from '../../shared/snapshots.ts';
import type { SnapshotRow } from './snapshots.tables.ts';

/** Passes bytes through up to `max`, failing beyond it; counts them. */
class SizeLimit extends Transform {
  bytes = 0;
  tooLarge = false;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      this.tooLarge = true;
      done(new Error('snapshot too large'));
      return;
    }
    done(null, chunk);
  }
}

export function presentSnapshot(row: SnapshotRow): SnapshotView {
  return { id: row.id, kind: row.kind, mediaType: row.media_type, size: row.size, sha256: row.sha256, takenAt: row.taken_at, takenBy: row.taken_by };
}

/**
 * Stores a frame the agent captured from the citizen's video during the
 * call: streamed into the encrypted store (never whole in memory, never in
 * plaintext on disk), refused beyond the size limit or when its bytes are
 * not the JPEG or PNG it claims to be, and recorded in the appointment's
 * history with its SHA-256 in the same transaction as its row.
 */
export async function takeSnapshot(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  appointmentId: string,
  kind: SnapshotKind,
  declaredType: string,
  body: Readable,
): Promise<SnapshotView> {
  const appointment = await attendedAppointment(ctx, org, viewer, appointmentId);
  if (appointment.status !== 'in_call') {
    body.resume();
    throw errors.conflict('snapshot_needs_call');
  }
  const taken = await ctx.db
    .selectFrom('identification_snapshots')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', org.id)
    .where('appointment_id', '=', appointment.id)
    .executeTakeFirstOrThrow();
  if (Number(taken.n) >= SNAPSHOT_LIMITS.perAppointment) {
    body.resume();
    throw errors.conflict('too_many_snapshots', { max: SNAPSHOT_LIMITS.perAppointment });
  }
  const blobId = `sn${randomUUID().replace(/-/g, '')}`;
  await ctx.blobs.create(blobId);
  const limit = new SizeLimit(SNAPSHOT_LIMITS.maxBytes);
  let digest: { size: number; sha256: string };
  let mediaType: string;
  try {
    void pipeline(body, limit).catch(() => undefined);
    await ctx.blobs.append(blobId, 0, limit).catch((error: unknown) => {
      if (limit.tooLarge) throw new AppError(413, 'snapshot_too_large', { maxBytes: SNAPSHOT_LIMITS.maxBytes });
      throw errors.badRequest('snapshot_upload_interrupted', { cause: error instanceof Error ? error.name : 'unknown' });
    });
    digest = await ctx.blobs.finish(blobId);
    const detected = await fileTypeFromBuffer(await ctx.blobs.head(blobId, 4100)).catch(() => undefined);
    mediaType = detected?.mime ?? '';
    if (!(SNAPSHOT_TYPES as readonly string[]).includes(mediaType) || mediaType !== declaredType) throw errors.badRequest('snapshot_not_image');
  } catch (error) {
    await ctx.blobs.destroy(blobId);
    throw error;
  }
  const actor = `staff:${viewer.id}`;
  const row: SnapshotRow = {
    id: randomUUID(),
    organisation_id: org.id,
    appointment_id: appointment.id,
    kind,
    blob_id: blobId,
    media_type: mediaType,
    size: digest.size,
    sha256: digest.sha256,
    taken_by: actor,
    taken_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('identification_snapshots').values(row).execute();
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'identification.snapshot', actor, row.taken_at, {
      snapshotId: row.id,
      kind,
      mediaType,
      size: digest.size,
      sha256: digest.sha256,
    });
  });
  return presentSnapshot(row);
}

/** The snapshots of an appointment the viewer can see, oldest first. */
export async function listSnapshots(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string): Promise<SnapshotRow[]> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  return snapshotsOf(ctx, org.id, appointment.id);
}

/** Every snapshot of an appointment, oldest first (also for the evidence package). */
export function snapshotsOf(ctx: Pick<AppContext, 'db'>, organisationId: string, appointmentId: string): Promise<SnapshotRow[]> {
  return ctx.db
    .selectFrom('identification_snapshots')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('appointment_id', '=', appointmentId)
    .orderBy('taken_at')
    .orderBy('id')
    .execute();
}

/** One snapshot for viewing; the view is recorded in the history (the image is personal data). */
export async function snapshotForViewing(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string, snapshotId: string): Promise<SnapshotRow> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  const row = await ctx.db
    .selectFrom('identification_snapshots')
    .selectAll()
    .where('organisation_id', '=', org.id)
    .where('appointment_id', '=', appointment.id)
    .where('id', '=', snapshotId)
    .executeTakeFirst();
  if (!row) throw errors.notFound();
  await bookingRepo.addEvent(ctx.db, org.id, appointment.id, 'identification.snapshot_viewed', `staff:${viewer.id}`, ctx.clock.now().toISOString(), { snapshotId: row.id });
  return row;
}

