import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Recordings of calls. One recording per appointment; a segment per
 * MediaRecorder stream (a new one after the agent's page reloads or loses its
 * recorder); a chunk per acknowledged slice of a segment, with its size, the
 * SHA-256 of its plaintext (checked on arrival against the sender's) and the
 * encrypted blob it rests in. Once finalised, the recording points at the
 * blob of the joined, seekable WebM. Each step is also in `appointment_events`.
 */
export const m0012Recordings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('recordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().unique().references('appointments.id'))
      // recording | stopped | ready | failed
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('stopped_at', 'text')
      .addColumn('file_blob_id', 'text')
      .addColumn('file_size', 'integer')
      .addColumn('file_sha256', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('finalised_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('recording_segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
      // 1, 2, 3… in the order they began.
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      // stopped | interrupted; null while open.
      .addColumn('end_reason', 'text')
      .addUniqueConstraint('recording_segments_number', ['recording_id', 'number'])
      .execute();
    await db.schema
      .createTable('recording_chunks')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('segment_id', 'text', (c) => c.notNull().references('recording_segments.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('blob_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('recording_chunks_pk', ['segment_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists recording_chunks`.execute(db);
    await sql`drop table if exists recording_segments`.execute(db);
    await sql`drop table if exists recordings`.execute(db);
  },
};
