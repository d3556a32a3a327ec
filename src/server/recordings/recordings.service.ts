import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../context.ts';
import type { Appointment, Organisation, Staff } from '../db/schema.ts';
import { BlobInterruptedError } from '../adapters/storage/blob-store.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { visibleAppointment } from '../workspace/workspace.service.ts';
import { RECORDING_LIMITS, type ChunkAck, type RecordingView } from '../../shared/recordings.ts';
import { remuxSegments } from './recording-remux.ts';
import { recordingsRepo, type SegmentSummary } from './recordings.repo.ts';
import type { ChunkRow, RecordingRow } from './recordings.tables.ts';

/** Tells the call's peers whether it is being recorded (the citizen's permanent indicator). */
export type RecordingNotifier = (appointmentId: string, active: boolean) => Promise<void>;

const newBlobId = (kind: 'rc' | 'rf') => `${kind}-${randomBytes(16).toString('hex')}`;

/**
 * Who may do what with an appointment's recording, deny by default: staff
 * who may see the appointment may see its recording; only its own agent
 * records (an agent's office mates see the appointment but it is not their
 * call), supervisors and administrators as they may run its call.
 */
export async function recordingAppointment(ctx: AppContext, org: Organisation, staff: Staff, appointmentId: string, mode: 'read' | 'write'): Promise<Appointment> {
  const { procedure_name: _p, agent_name: _a, ...appointment } = await visibleAppointment(ctx, org, staff, appointmentId);
  if (mode === 'write' && staff.role === 'agent' && appointment.agent_id !== staff.id) throw errors.forbiddenWith('not_appointment_agent');
  return appointment;
}

/** The recording as staff see it. */
export async function presentRecording(ctx: AppContext, recording: RecordingRow): Promise<RecordingView> {
  const segments = await recordingsRepo.segments(ctx.db, recording.organisation_id, recording.id);
  const ready = recording.status === 'ready' && recording.file_sha256 !== null;
  return {
    status: recording.status,
    startedAt: recording.started_at,
    stoppedAt: recording.stopped_at,
    segments: segments.map((s) => ({ number: s.number, chunks: s.chunks, bytes: s.bytes, endReason: s.end_reason })),
    file: ready ? { size: Number(recording.file_size ?? 0), sha256: recording.file_sha256 ?? '', durationMs: Number(recording.duration_ms ?? 0) } : null,
  };
}

/** Whether an appointment's call is being recorded now (the citizen's indicator when they join the call). */
export async function recordingActive(ctx: AppContext, organisationId: string, appointmentId: string): Promise<boolean> {
  return (await recordingsRepo.byAppointment(ctx.db, organisationId, appointmentId))?.status === 'recording';
}

/** The appointment's recording, or 404. */
export async function requireRecording(ctx: AppContext, appointment: Appointment): Promise<RecordingRow> {
  const recording = await recordingsRepo.byAppointment(ctx.db, appointment.organisation_id, appointment.id);
  if (!recording) throw new AppError(404, 'recording_not_found');
  return recording;
}

/** What an interrupted segment leaves, for the event log: its last acknowledged chunk (null: none). */
const keptOf = (s: SegmentSummary) => ({ segment: s.number, chunks: s.chunks, keptUpToChunk: s.last_seq });

/**
 * Starts a segment: the first one starts the recording; a later one follows
 * a reload or a lost recorder of the agent's page (the open segment before
 * it is closed as interrupted, and the log says up to which chunk it is
 * kept) or a stop (the recording resumes).
 */
export async function startSegment(ctx: AppContext, appointment: Appointment, staff: Staff, notify: RecordingNotifier): Promise<number> {
  if (appointment.status !== 'in_call') throw errors.conflict('call_not_in_progress');
  const actor = `staff:${staff.id}`;
  const org = appointment.organisation_id;
  const number = await ctx.db.transaction().execute(async (trx) => {
    const nowIso = ctx.clock.now().toISOString();
    let recording = await recordingsRepo.byAppointment(trx, org, appointment.id);
    if (!recording) {
      recording = {
        id: randomUUID(),
        organisation_id: org,
        appointment_id: appointment.id,
        status: 'recording',
        started_by: actor,
        started_at: nowIso,
        stopped_at: null,
        file_blob_id: null,
        file_size: null,
        file_sha256: null,
        duration_ms: null,
        finalised_at: null,
        updated_at: nowIso,
      };
      await recordingsRepo.insertRecording(trx, recording);
      await recordingsRepo.insertSegment(trx, { id: randomUUID(), organisation_id: org, recording_id: recording.id, number: 1, started_by: actor, started_at: nowIso, ended_at: null, end_reason: null });
      await bookingRepo.addEvent(trx, org, appointment.id, 'recording.started', actor, nowIso, { segment: 1 });
      return 1;
    }
    if (recording.status === 'ready') throw errors.conflict('recording_finalised');
    const segments = await recordingsRepo.segments(trx, org, recording.id);
    const last = segments.at(-1);
    const next = (last?.number ?? 0) + 1;
    if (next > RECORDING_LIMITS.maxSegments) throw errors.conflict('recording_too_many_segments', { max: RECORDING_LIMITS.maxSegments });
    const interrupted = last !== undefined && last.ended_at === null;
    if (interrupted && (await recordingsRepo.endSegment(trx, org, last.id, 'interrupted', nowIso))) {
      await bookingRepo.addEvent(trx, org, appointment.id, 'recording.interrupted', 'system', nowIso, keptOf(last));
    }
    if (recording.status !== 'recording') {
      await recordingsRepo.setStatus(trx, org, recording.id, [recording.status], { status: 'recording', stopped_at: null, updated_at: nowIso });
    }
    await recordingsRepo.insertSegment(trx, { id: randomUUID(), organisation_id: org, recording_id: recording.id, number: next, started_by: actor, started_at: nowIso, ended_at: null, end_reason: null });
    await bookingRepo.addEvent(trx, org, appointment.id, 'recording.segment_started', actor, nowIso, { segment: next, afterInterruption: interrupted });
    return next;
  });
  await notify(appointment.id, true).catch((error: unknown) => ctx.log.warn({ err: error, appointmentId: appointment.id }, 'recording state not pushed'));
  return number;
}

/** Counts bytes and refuses more than `max`, hashing what passes. */
class LimitedHash extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  tooLarge = false;

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      this.tooLarge = true;
      callback(new AppError(413, 'chunk_too_large', { maxBytes: this.max }));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

/** The answer for a chunk already stored: the same chunk again is acknowledged again, another body is a conflict. */
function ackFor(stored: ChunkRow, segment: number, sha256: string): ChunkAck {
  if (stored.sha256 !== sha256) throw errors.conflict('chunk_conflict', { segment, seq: stored.seq });
  return { segment, seq: stored.seq, sha256 };
}

/**
 * Stores one chunk of a segment: encrypted as it streams in, hashed on the
 * way, checked against the sender's SHA-256 before it is acknowledged.
 * Nothing is kept of a refused chunk. Sending an acknowledged chunk again
 * gets the same acknowledgement (its body is hashed, not stored twice).
 */
export async function storeChunk(
  ctx: AppContext,
  appointment: Appointment,
  input: { segment: number; seq: number; sha256: string; body: Readable },
): Promise<ChunkAck> {
  const org = appointment.organisation_id;
  const recording = await requireRecording(ctx, appointment);
  const segment = await recordingsRepo.segment(ctx.db, org, recording.id, input.segment);
  if (!segment) throw new AppError(404, 'recording_segment_not_found');
  const meter = new LimitedHash(RECORDING_LIMITS.maxChunkBytes);
  const existing = await recordingsRepo.chunk(ctx.db, org, segment.id, input.seq);
  if (existing) {
    // Hash the body to know whether it is the same chunk; nothing is stored.
    await pipeline(input.body, meter, async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source);
    }).catch(bodyError);
    if (meter.hash.digest('hex') !== input.sha256) throw errors.badRequest('chunk_digest_mismatch');
    return ackFor(existing, input.segment, input.sha256);
  }
  if (segment.ended_at !== null || recording.status !== 'recording') throw errors.conflict('recording_segment_closed');
  const blobId = newBlobId('rc');
  await ctx.blobs.create(blobId);
  let digest: { size: number; sha256: string };
  try {
    // A body that breaks destroys the meter too, so the store sees the failure (pipe() would not pass it on).
    void pipeline(input.body, meter).catch(() => undefined);
    await ctx.blobs.append(blobId, 0, meter).catch((error: unknown) => {
      if (meter.tooLarge) throw new AppError(413, 'chunk_too_large', { maxBytes: RECORDING_LIMITS.maxChunkBytes });
      bodyError(error);
    });
    digest = await ctx.blobs.finish(blobId);
    if (digest.size === 0) throw errors.badRequest('chunk_empty');
    if (digest.sha256 !== input.sha256) throw errors.badRequest('chunk_digest_mismatch');
  } catch (error) {
    await ctx.blobs.destroy(blobId);
    throw error;
  }
  const row: ChunkRow = { organisation_id: org, segment_id: segment.id, seq: input.seq, size: digest.size, sha256: digest.sha256, blob_id: blobId, received_at: ctx.clock.now().toISOString() };
  if (await recordingsRepo.insertChunk(ctx.db, row)) return { segment: input.segment, seq: input.seq, sha256: digest.sha256 };
  // The same sequence number was stored meanwhile (a concurrent send): ours is one copy too many.
  await ctx.blobs.destroy(blobId);
  const stored = await recordingsRepo.chunk(ctx.db, org, segment.id, input.seq);
  if (!stored) throw errors.conflict('chunk_conflict', { segment: input.segment, seq: input.seq });
  return ackFor(stored, input.segment, input.sha256);
}

/** A body that failed on the way in: our own refusals pass, a connection that broke is an incomplete chunk. */
function bodyError(error: unknown): never {
  if (error instanceof AppError) throw error;
  if (error instanceof BlobInterruptedError && error.cause instanceof AppError) throw error.cause;
  throw errors.badRequest('chunk_incomplete');
}

// Finalisations running in this process, so two stops do not remux the same recording at once.
const finalising = new Set<string>();

/**
 * Stops the recording and makes the final file. `segment` is the segment the
 * stopping page was recording (it has sent all its chunks); an open segment
 * it does not name was left by a page that was lost, and the log says up to
 * which chunk it is kept. Stopping a stopped or failed recording finalises it
 * again; a ready one is left as it is. `actor` is `staff:<id>`, or `system`
 * for a recording whose page never came back (e.g. before packaging the evidence).
 */
export async function stopRecording(ctx: AppContext, appointment: Appointment, actor: string, segment: number | undefined, notify: RecordingNotifier): Promise<RecordingRow> {
  const org = appointment.organisation_id;
  const recording = await requireRecording(ctx, appointment);
  if (recording.status === 'recording') {
    await ctx.db.transaction().execute(async (trx) => {
      const nowIso = ctx.clock.now().toISOString();
      if (!(await recordingsRepo.setStatus(trx, org, recording.id, ['recording'], { status: 'stopped', stopped_at: nowIso, updated_at: nowIso }))) return;
      const segments = await recordingsRepo.segments(trx, org, recording.id);
      for (const s of segments.filter((x) => x.ended_at === null)) {
        const reason = s.number === segment ? 'stopped' : 'interrupted';
        await recordingsRepo.endSegment(trx, org, s.id, reason, nowIso);
        if (reason === 'interrupted') await bookingRepo.addEvent(trx, org, appointment.id, 'recording.interrupted', 'system', nowIso, keptOf(s));
      }
      await bookingRepo.addEvent(trx, org, appointment.id, 'recording.stopped', actor, nowIso, {
        segments: segments.length,
        chunks: segments.reduce((n, s) => n + s.chunks, 0),
      });
    });
    await notify(appointment.id, false).catch((error: unknown) => ctx.log.warn({ err: error, appointmentId: appointment.id }, 'recording state not pushed'));
  }
  const current = await requireRecording(ctx, appointment);
  if (current.status === 'stopped' || current.status === 'failed') await finaliseRecording(ctx, current);
  return requireRecording(ctx, appointment);
}

/** The chunks of a segment up to the first missing sequence number: a WebM stream cannot skip bytes. */
function contiguous(chunks: ChunkRow[]): { kept: ChunkRow[]; dropped: number } {
  const kept: ChunkRow[] = [];
  for (const c of chunks) {
    if (c.seq !== kept.length) break;
    kept.push(c);
  }
  return { kept, dropped: chunks.length - kept.length };
}

/**
 * Joins a stopped recording's segments into one seekable WebM, stored
 * encrypted; the recording becomes `ready` with the file's size, SHA-256 and
 * duration, or `failed` (its chunks stay; stopping again retries).
 */
export async function finaliseRecording(ctx: AppContext, recording: RecordingRow): Promise<void> {
  if (finalising.has(recording.id)) throw errors.conflict('recording_finalising');
  finalising.add(recording.id);
  const org = recording.organisation_id;
  const blobId = newBlobId('rf');
  try {
    const segments = await recordingsRepo.segments(ctx.db, org, recording.id);
    const parts: { number: number; chunks: ChunkRow[]; dropped: number }[] = [];
    for (const s of segments) {
      const { kept, dropped } = contiguous(await recordingsRepo.chunks(ctx.db, org, s.id));
      if (kept.length > 0) parts.push({ number: s.number, chunks: kept, dropped });
    }
    if (parts.length === 0) throw new Error('recording without chunks');
    const sources = parts.map((p) => () =>
      Readable.from(
        (async function* () {
          for (const c of p.chunks) yield* ctx.blobs.read(c.blob_id);
        })(),
      ),
    );
    await ctx.blobs.create(blobId);
    const durationMs = await remuxSegments(sources, async (webm) => {
      await ctx.blobs.append(blobId, 0, webm);
    });
    const digest = await ctx.blobs.finish(blobId);
    const nowIso = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      const set = { status: 'ready' as const, file_blob_id: blobId, file_size: digest.size, file_sha256: digest.sha256, duration_ms: durationMs, finalised_at: nowIso, updated_at: nowIso };
      if (!(await recordingsRepo.setStatus(trx, org, recording.id, ['stopped', 'failed'], set))) throw new Error('recording changed while finalising');
      await bookingRepo.addEvent(trx, org, recording.appointment_id, 'recording.finalised', 'system', nowIso, {
        sha256: digest.sha256,
        size: digest.size,
        durationMs,
        segments: parts.map((p) => ({ segment: p.number, chunks: p.chunks.length, droppedAfterGap: p.dropped })),
      });
    });
  } catch (error) {
    await ctx.blobs.destroy(blobId).catch(() => undefined);
    const nowIso = ctx.clock.now().toISOString();
    ctx.log.error({ err: error, recordingId: recording.id }, 'recording not finalised');
    await ctx.db.transaction().execute(async (trx) => {
      if (await recordingsRepo.setStatus(trx, org, recording.id, ['stopped'], { status: 'failed', updated_at: nowIso })) {
        await bookingRepo.addEvent(trx, org, recording.appointment_id, 'recording.finalise_failed', 'system', nowIso);
      }
    });
  } finally {
    finalising.delete(recording.id);
  }
}

/** How long after its last chunk a recording whose call is over is taken as abandoned (the stopping page's request has had time to arrive). */
export const ABANDONED_AFTER_MS = 2 * 60_000;
/** How long a stop may take to finalise before another process takes it over (a remux of hours of video takes well under this). */
export const FINALISE_STALE_MS = 15 * 60_000;

/**
 * Settles an appointment's recording that no page will stop: one still
 * `recording` after its call ended (the agent's tab died, or the browser
 * was closed without stopping) is stopped by `system` — its open segment is
 * kept up to its last acknowledged chunk and the history says so — and
 * finalised; one `stopped` whose finalisation was cut off is finalised.
 * `force` skips the grace period (sealing the evidence package now).
 * Answers whether anything was done.
 */
export async function settleRecording(ctx: AppContext, appointment: Appointment, force = false): Promise<boolean> {
  const recording = await recordingsRepo.byAppointment(ctx.db, appointment.organisation_id, appointment.id);
  if (!recording) return false;
  const now = ctx.clock.now().getTime();
  if (recording.status === 'recording') {
    if (appointment.status === 'in_call') return false;
    const last = await recordingsRepo.lastActivity(ctx.db, appointment.organisation_id, recording.id);
    if (!force && last !== null && now - Date.parse(last) < ABANDONED_AFTER_MS) return false;
    await stopRecording(ctx, appointment, 'system', undefined, async () => undefined);
    return true;
  }
  if (recording.status === 'stopped' && !finalising.has(recording.id) && (force || now - Date.parse(recording.stopped_at ?? recording.updated_at) >= FINALISE_STALE_MS)) {
    await finaliseRecording(ctx, recording);
    return true;
  }
  return false;
}

/** Settles the recordings left behind in every organisation (housekeeping); answers how many. */
export async function settleAbandonedRecordings(ctx: AppContext, limit = 20): Promise<number> {
  const stoppedBefore = new Date(ctx.clock.now().getTime() - FINALISE_STALE_MS).toISOString();
  let settled = 0;
  for (const candidate of await recordingsRepo.abandoned(ctx.db, stoppedBefore, limit)) {
    const appointment = await bookingRepo.byId(ctx.db, candidate.organisation_id, candidate.appointment_id);
    if (!appointment) continue;
    try {
      if (await settleRecording(ctx, appointment)) settled += 1;
    } catch (error) {
      ctx.log.error({ err: error, recordingId: candidate.id }, 'abandoned recording not settled');
    }
  }
  return settled;
}
