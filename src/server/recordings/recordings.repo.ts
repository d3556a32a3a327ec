import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { RecordingStatus } from '../../shared/recordings.ts';
import type { ChunkRow, RecordingRow, RecordingsTable, SegmentRow } from './recordings.tables.ts';

type Executor = Db | Transaction<Database>;

/** A segment with what its chunks add up to. */
export interface SegmentSummary extends SegmentRow {
  chunks: number;
  bytes: number;
  /** Highest acknowledged sequence number, or null without chunks. */
  last_seq: number | null;
}

/** All SQL of recordings; every query is scoped to the organisation. */
export const recordingsRepo = {
  /** The recording of an appointment, if any. */
  byAppointment(db: Executor, organisationId: string, appointmentId: string): Promise<RecordingRow | undefined> {
    return db.selectFrom('recordings').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointmentId).executeTakeFirst();
  },

  /**
   * Recordings left behind, in every organisation: still `recording` although
   * their call is over (no page can send to them any more), or `stopped`
   * (a stop whose finalisation never ended: the process went away) since
   * before `stoppedBefore`.
   */
  abandoned(db: Executor, stoppedBefore: string, limit: number): Promise<(RecordingRow & { appointment_status: string })[]> {
    return db
      .selectFrom('recordings as r')
      .innerJoin('appointments as a', (join) => join.onRef('a.id', '=', 'r.appointment_id').onRef('a.organisation_id', '=', 'r.organisation_id'))
      .selectAll('r')
      .select('a.status as appointment_status')
      .where((eb) => eb.or([eb.and([eb('r.status', '=', 'recording'), eb('a.status', '<>', 'in_call')]), eb.and([eb('r.status', '=', 'stopped'), eb('r.stopped_at', '<', stoppedBefore)])]))
      .orderBy('r.updated_at')
      .limit(limit)
      .execute();
  },

  /** When a page last sent a chunk of the recording (or began a segment), ISO; null without segments. */
  async lastActivity(db: Executor, organisationId: string, recordingId: string): Promise<string | null> {
    const row = await db
      .selectFrom('recording_segments as s')
      .leftJoin('recording_chunks as c', 'c.segment_id', 's.id')
      .select((eb) => [eb.fn.max('s.started_at').as('segment'), eb.fn.max('c.received_at').as('chunk')])
      .where('s.organisation_id', '=', organisationId)
      .where('s.recording_id', '=', recordingId)
      .executeTakeFirst();
    const times = [row?.segment, row?.chunk].filter((t): t is string => typeof t === 'string');
    return times.length ? (times.sort().at(-1) ?? null) : null;
  },

  async insertRecording(trx: Executor, row: RecordingsTable): Promise<void> {
    await trx.insertInto('recordings').values(row).execute();
  },

  /** Moves a recording between statuses; false when it was not in one of `from`. */
  async setStatus(
    trx: Executor,
    organisationId: string,
    id: string,
    from: readonly RecordingStatus[],
    set: Partial<Pick<RecordingsTable, 'status' | 'stopped_at' | 'file_blob_id' | 'file_size' | 'file_sha256' | 'duration_ms' | 'finalised_at'>> & { updated_at: string },
  ): Promise<boolean> {
    const res = await trx
      .updateTable('recordings')
      .set(set)
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** The segments of a recording in order, with their chunk counts. */
  async segments(db: Executor, organisationId: string, recordingId: string): Promise<SegmentSummary[]> {
    const rows = await db
      .selectFrom('recording_segments as s')
      .leftJoin('recording_chunks as c', 'c.segment_id', 's.id')
      .select((eb) => [
        's.id',
        's.organisation_id',
        's.recording_id',
        's.number',
        's.started_by',
        's.started_at',
        's.ended_at',
        's.end_reason',
        eb.fn.count<number | string>('c.seq').as('chunks'),
        eb.fn.coalesce(eb.fn.sum<number | string>('c.size'), eb.val(0)).as('bytes'),
        eb.fn.max<number | null>('c.seq').as('last_seq'),
      ])
      .where('s.organisation_id', '=', organisationId)
      .where('s.recording_id', '=', recordingId)
      .groupBy(['s.id', 's.organisation_id', 's.recording_id', 's.number', 's.started_by', 's.started_at', 's.ended_at', 's.end_reason'])
      .orderBy('s.number')
      .execute();
    // PostgreSQL answers COUNT and SUM as strings.
    return rows.map((r) => ({ ...r, chunks: Number(r.chunks), bytes: Number(r.bytes), last_seq: r.last_seq === null ? null : Number(r.last_seq) }));
  },

  /** One segment of a recording by its number. */
  segment(db: Executor, organisationId: string, recordingId: string, number: number): Promise<SegmentRow | undefined> {
    return db
      .selectFrom('recording_segments')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('recording_id', '=', recordingId)
      .where('number', '=', number)
      .executeTakeFirst();
  },

  async insertSegment(trx: Executor, row: SegmentRow): Promise<void> {
    await trx.insertInto('recording_segments').values(row).execute();
  },

  /** Closes an open segment; false when it was closed already. */
  async endSegment(trx: Executor, organisationId: string, segmentId: string, reason: 'stopped' | 'interrupted', nowIso: string): Promise<boolean> {
    const res = await trx
      .updateTable('recording_segments')
      .set({ ended_at: nowIso, end_reason: reason })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', segmentId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** One chunk of a segment. */
  chunk(db: Executor, organisationId: string, segmentId: string, seq: number): Promise<ChunkRow | undefined> {
    return db.selectFrom('recording_chunks').selectAll().where('organisation_id', '=', organisationId).where('segment_id', '=', segmentId).where('seq', '=', seq).executeTakeFirst();
  },

  /**
   * Records an acknowledged chunk. False when that sequence number was
   * taken meanwhile (a concurrent send of the same chunk): the caller then
   * compares with the stored one.
   */
  async insertChunk(db: Executor, row: ChunkRow): Promise<boolean> {
    const res = await db.insertInto('recording_chunks').values(row).onConflict((oc) => oc.columns(['segment_id', 'seq']).doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  },

  /** The chunks of a segment in sequence order. */
  chunks(db: Executor, organisationId: string, segmentId: string): Promise<ChunkRow[]> {
    return db.selectFrom('recording_chunks').selectAll().where('organisation_id', '=', organisationId).where('segment_id', '=', segmentId).orderBy('seq').execute();
  },
};
