import { z } from 'zod';

/**
 * The recording of a call, as the agent's browser and the server speak of
 * it. The agent's page records the composed call with MediaRecorder and
 * sends each ~2 s chunk at once with `PUT …/recording/segments/:segment/chunks/:seq`
 * (the body is the chunk's bytes, `RECORDING_SHA256_HEADER` its SHA-256);
 * the server answers with an acknowledgement, and the page forgets a chunk
 * only then. A page that reloads (or reconnects after losing the recorder)
 * starts a new segment: a segment is one MediaRecorder stream, so one
 * self-contained WebM once its chunks are joined in order.
 */

/** Limits both ends apply. */
export const RECORDING_LIMITS = {
  /** Bytes of one chunk: a 2 s slice of a composed call is far below (≈ 0.5–1 MB at 2–4 Mbit/s). */
  maxChunkBytes: 16 * 1024 * 1024,
  /** Chunks of one segment (sequence numbers 0 … max-1): 2 s chunks for over 11 hours. */
  maxChunksPerSegment: 20_000,
  /** Segments of one recording (each reload or lost recorder adds one). */
  maxSegments: 64,
  /** MediaRecorder timeslice the page asks for. */
  timesliceMs: 2_000,
} as const;

/** Request header carrying the chunk's SHA-256 as 64 lowercase hexadecimal characters. */
export const RECORDING_SHA256_HEADER = 'x-chunk-sha256';

/** Media types a chunk may be sent as; the server stores bytes, never parses them on arrival. */
export const RECORDING_CHUNK_TYPES = ['video/webm', 'application/octet-stream'] as const;

/** Lowercase hex SHA-256. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** The server's answer to a stored chunk: the page may forget this chunk. */
export const chunkAck = z.object({ segment: z.number().int().min(1), seq: z.number().int().min(0), sha256: sha256Hex });
export type ChunkAck = z.infer<typeof chunkAck>;

/**
 * Where a recording stands: `recording` while a segment may receive chunks,
 * `stopped` between a stop and the final file, `ready` when the final
 * seekable WebM is stored, `failed` when it could not be produced (the
 * chunks are kept; finalising again may succeed).
 */
export const recordingStatus = z.enum(['recording', 'stopped', 'ready', 'failed']);
export type RecordingStatus = z.infer<typeof recordingStatus>;

/** `POST …/recording/segments`: a new segment (the first one starts the recording). */
export const startSegmentRequest = z.object({}).strict();

/**
 * `POST …/recording/stop`: the recording page says which segment it ran and
 * the last sequence number it had acknowledged; without them (another page
 * finishing a recording whose page was lost), an open segment is recorded
 * as interrupted.
 */
export const stopRecordingRequest = z
  .object({
    segment: z.number().int().min(1).max(RECORDING_LIMITS.maxSegments).optional(),
  })
  .strict();

/** A recording as staff see it. */
export const recordingView = z.object({
  status: recordingStatus,
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  /** The segment chunks go to now (the last one), and how many chunks each segment holds. */
  segments: z.array(z.object({ number: z.number().int(), chunks: z.number().int(), bytes: z.number().int(), endReason: z.enum(['stopped', 'interrupted']).nullable() })),
  /** When ready: the final file's size, SHA-256 and duration. */
  file: z.object({ size: z.number().int(), sha256: sha256Hex, durationMs: z.number().int() }).nullable(),
});
export type RecordingView = z.infer<typeof recordingView>;

/** `POST …/recording/segments` answer: the segment number to send chunks to. */
export const segmentStarted = z.object({ segment: z.number().int().min(1), recording: recordingView });
export type SegmentStarted = z.infer<typeof segmentStarted>;
