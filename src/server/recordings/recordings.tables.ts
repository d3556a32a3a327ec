import type { Selectable } from 'kysely';
import type { RecordingStatus } from '../../shared/recordings.ts';

/** The recording of one appointment's call (migration 0012). */
export interface RecordingsTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  status: RecordingStatus;
  /** `staff:<id>` of who started it. */
  started_by: string;
  started_at: string;
  stopped_at: string | null;
  /** The final WebM's encrypted blob, its plaintext size and SHA-256, once ready. */
  file_blob_id: string | null;
  file_size: number | null;
  file_sha256: string | null;
  duration_ms: number | null;
  finalised_at: string | null;
  updated_at: string;
}

/** One MediaRecorder stream of a recording. */
export interface RecordingSegmentsTable {
  id: string;
  organisation_id: string;
  recording_id: string;
  number: number;
  started_by: string;
  started_at: string;
  ended_at: string | null;
  end_reason: 'stopped' | 'interrupted' | null;
}

/** One acknowledged chunk of a segment. */
export interface RecordingChunksTable {
  organisation_id: string;
  segment_id: string;
  seq: number;
  size: number;
  /** SHA-256 (hex) of the chunk's plaintext. */
  sha256: string;
  blob_id: string;
  received_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    recordings: RecordingsTable;
    recording_segments: RecordingSegmentsTable;
    recording_chunks: RecordingChunksTable;
  }
}

export type RecordingRow = Selectable<RecordingsTable>;
export type SegmentRow = Selectable<RecordingSegmentsTable>;
export type ChunkRow = Selectable<RecordingChunksTable>;
