import { z } from 'zod';

/**
 * The document space's contract, shared by the server's routes and the web
 * app: what a citizen and an agent see of an appointment's documents, the
 * tus endpoint's address and metadata, and the limits both sides check.
 */

/** Base path of the tus 1.0 endpoint (after the organisation prefix, if any). POST creates, HEAD/PATCH/DELETE `${TUS_PATH}/<id>`. */
export const TUS_PATH = '/api/uploads';

/**
 * `Upload-Metadata` keys a client sends when it creates an upload:
 * `slot` is a required document's id or `other`; `filename` the file's name
 * as the citizen's device calls it; `filetype` the type the browser declares.
 */
export const UPLOAD_METADATA = { slot: 'slot', filename: 'filename', filetype: 'filetype' } as const;

/** The slot for documents the procedure does not list. */
export const OTHER_SLOT = 'other';

/** Types every slot may be given unless the catalogue narrows it (and the "other documents" slot). */
export const DEFAULT_ACCEPTED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

/** File extensions each accepted type may carry (the name must agree with the bytes). */
export const EXTENSIONS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/heic': ['heic'],
  'image/tiff': ['tif', 'tiff'],
};

/** Limits of the document space. */
export const DOCUMENT_LIMITS = {
  fileNameMax: 120,
  rejectionReasonMax: 500,
  /** "Other documents" a citizen may add to one appointment. */
  otherDocumentsMax: 10,
  /** Pages of a photographed document turned into one PDF. */
  photoPagesMax: 20,
  /** Longest side of a photographed page after downscaling, pixels. */
  photoMaxSide: 2000,
} as const;

/**
 * Where one document is, as the citizen and the agent are told:
 * `scanning` the upload finished and the malware scan has not answered yet;
 * `uploaded` waiting for the office's review; `not_scanned` too large for the
 * scanner (never shown as clean); `quarantined` the scanner found malware;
 * `accepted` / `rejected` the office's review.
 */
export const documentStatus = z.enum(['scanning', 'uploaded', 'not_scanned', 'quarantined', 'accepted', 'rejected']);
export type DocumentStatus = z.infer<typeof documentStatus>;

/** The malware scan's answer. `not_configured`: no scanner is set up (CLAMD_URL). */
export const scanStatus = z.enum(['pending', 'clean', 'infected', 'too_large', 'not_configured']);
export type ScanStatus = z.infer<typeof scanStatus>;

/** One uploaded document, as its citizen sees it. */
export const citizenDocumentView = z.object({
  id: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  status: documentStatus,
  rejectionReason: z.string().nullable(),
  uploadedAt: z.string(),
});
export type CitizenDocumentView = z.infer<typeof citizenDocumentView>;

/** One slot: a document the procedure asks for, or the "other documents" slot. */
export const documentSlotView = z.object({
  /** A required document's id, or `other`. */
  slot: z.string(),
  name: z.string(),
  description: z.string(),
  mandatory: z.boolean(),
  acceptedTypes: z.array(z.string()),
  /** Extensions matching acceptedTypes, for the file picker's `accept`. */
  acceptedExtensions: z.array(z.string()),
  maxBytes: z.number().int(),
  /** Whether the citizen may upload to this slot now (before the deadline, or re-opened by the office). */
  open: z.boolean(),
  /** `missing` when nothing is uploaded; else the latest document's status. */
  status: z.union([z.literal('missing'), documentStatus]),
  /** Required slots hold at most one document (a new upload replaces it); `other` holds several. */
  documents: z.array(citizenDocumentView),
});
export type DocumentSlotView = z.infer<typeof documentSlotView>;

/** The citizen's document space of one appointment. */
export const documentSpaceView = z.object({
  /** Instant after which required documents can no longer be uploaded (unless re-opened). */
  deadline: z.string(),
  /** Set while the office has re-opened uploads past the deadline. */
  reopenedUntil: z.string().nullable(),
  slots: z.array(documentSlotView),
});
export type DocumentSpaceView = z.infer<typeof documentSpaceView>;

/** One document as staff see it: with the scan's detail, its hash and who reviewed it. */
export const staffDocumentView = citizenDocumentView.extend({
  slot: z.string(),
  scan: scanStatus,
  /** The scanner's signature name when infected. */
  scanSignature: z.string().nullable(),
  sha256: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  /** Whether it can be opened in the viewer (not quarantined, not purged). */
  viewable: z.boolean(),
});
export type StaffDocumentView = z.infer<typeof staffDocumentView>;

/** Staff view of an appointment's documents. */
export const staffDocumentsView = z.object({
  deadline: z.string(),
  reopenedUntil: z.string().nullable(),
  slots: z.array(documentSlotView.omit({ documents: true }).extend({ documents: z.array(staffDocumentView) })),
});
export type StaffDocumentsView = z.infer<typeof staffDocumentsView>;

/** An agent's decision on one document. */
export const reviewRequest = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('accept') }).strict(),
  z.object({ decision: z.literal('reject'), reason: z.string().trim().min(3).max(DOCUMENT_LIMITS.rejectionReasonMax) }).strict(),
]);
export type ReviewRequest = z.infer<typeof reviewRequest>;

/** Re-opening uploads past the deadline, for a number of hours (default 24). */
export const reopenRequest = z.object({ hours: z.number().int().min(1).max(24 * 14).default(24) }).strict();
export type ReopenRequest = z.infer<typeof reopenRequest>;

/** Extensions accepted for a list of types, for file pickers and messages. */
export function extensionsFor(types: readonly string[]): string[] {
  return types.flatMap((t) => EXTENSIONS_BY_TYPE[t] ?? []);
}
