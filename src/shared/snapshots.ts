import { z } from 'zod';

/** What the agent photographs during identification: both sides of the ID document, and the face. */
export const SNAPSHOT_KINDS = ['id_front', 'id_back', 'face'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** Image types a snapshot may be (the browser's canvas encodes JPEG; PNG for lossless captures). */
export const SNAPSHOT_TYPES = ['image/jpeg', 'image/png'] as const;

export const SNAPSHOT_LIMITS = {
  /** A full-HD frame as JPEG is ~0.3–1 MB; a 4K PNG can reach ~8 MB. */
  maxBytes: 12 * 1024 * 1024,
  /** Retakes included. */
  perAppointment: 20,
};

export const snapshotView = z.object({
  id: z.string(),
  kind: z.enum(SNAPSHOT_KINDS),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  takenAt: z.string(),
  takenBy: z.string(),
});
export type SnapshotView = z.infer<typeof snapshotView>;
