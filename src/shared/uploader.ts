import { z } from 'zod';
import { documentSlotView } from './documents.ts';

/**
 * "Continue on your phone": the contract between the server, the citizen's
 * computer (which asks for a link and shows it as a QR code) and the phone
 * (which exchanges the link for an uploader session that may only upload to
 * that appointment's document space).
 */

/** Lifetimes and limits of phone links. */
export const UPLOADER_LIMITS = {
  /** How long a phone link can be opened after it is made, minutes. */
  linkMinutes: 10,
  /** How long the phone may keep uploading once it opened the link, minutes. */
  sessionMinutes: 30,
  /** Links of one appointment that may be alive (not yet expired or revoked) at once. */
  activePerAppointment: 3,
  /** Random bytes in a link's token (192 bits). */
  tokenBytes: 24,
} as const;

/** Path of the phone's page; the link is `${UPLOADER_PAGE}/<token>` under the organisation's address. */
export const UPLOADER_PAGE = '/u';

/** The tus endpoint of uploader sessions (the citizen's own is `TUS_PATH`). */
export const UPLOADER_TUS_PATH = '/api/uploader/uploads';

/**
 * A token as it travels in a link: 192 random bits in lower-case base32
 * (RFC 4648 alphabet, no padding: 39 characters), easy to type on a phone.
 * Upper case is accepted (some scanners upper-case URLs).
 */
export const uploaderToken = z
  .string()
  .regex(/^[a-zA-Z2-7]{39}$/)
  .transform((s) => s.toLowerCase());

/** The citizen asks for a phone link, for one slot (a live request) or for the whole space. */
export const issueUploaderRequest = z.object({ slot: z.string().min(1).max(64).optional() }).strict();
export type IssueUploaderRequest = z.infer<typeof issueUploaderRequest>;

/** A link just made: shown once, as a QR code and as text. */
export const issuedUploaderView = z.object({
  id: z.string(),
  /** The absolute address the phone opens. */
  url: z.string(),
  expiresAt: z.string(),
  /** The slot it is limited to, or null for every slot. */
  slot: z.string().nullable(),
});
export type IssuedUploaderView = z.infer<typeof issuedUploaderView>;

/** The phone hands in the token of the link it opened. */
export const exchangeUploaderRequest = z.object({ token: uploaderToken }).strict();

/**
 * One slot as the phone sees it: what it takes and its status, never the
 * files in it (their names and contents are the citizen's personal data).
 */
export const uploaderSlotView = documentSlotView.omit({ documents: true }).extend({
  /** Documents the slot holds now. */
  count: z.number().int(),
});
export type UploaderSlotView = z.infer<typeof uploaderSlotView>;

/** What an uploader session may know: the procedure's name and the slots it may upload to. */
export const uploaderView = z.object({
  procedureName: z.string(),
  /** The appointment's language, for a phone that has no preference yet. */
  language: z.string(),
  /** The slot the link is limited to, or null. */
  slot: z.string().nullable(),
  expiresAt: z.string(),
  csrfToken: z.string(),
  slots: z.array(uploaderSlotView),
});
export type UploaderView = z.infer<typeof uploaderView>;
