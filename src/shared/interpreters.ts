import { z } from 'zod';

/**
 * An interpreter as a third participant of a call: the agent invites one
 * (sign language, or a spoken language) with a link; the interpreter opens
 * it without an account, checks their devices, consents to the recording
 * and joins the same call as a third peer of the mesh. This is the contract
 * of the HTTP routes both sides use; the call itself is the real-time
 * protocol's (`hello` with role `interpreter` and the link's token as
 * `invitation`, see signalling.ts).
 */

/** Limits shared by the server's validation and the agent's form. */
export const INTERPRETER_LIMITS = {
  languageMax: 60,
  nameMax: 80,
  emailMax: 254,
  /** Invitations that may be open at once for one appointment (not revoked, not expired). */
  openPerAppointment: 3,
  /** A link stays valid until this long after the appointment's end (a call that runs late). */
  validAfterEndMinutes: 60,
  /** Failed link look-ups (unknown tokens) allowed per address and window before answering 429. */
  failedLookups: 10,
  failedLookupWindowMs: 10 * 60_000,
} as const;

/** What kind of interpreting is needed. */
export const interpreterKind = z.enum(['sign_language', 'spoken_language']);
export type InterpreterKind = z.infer<typeof interpreterKind>;

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/** `POST /api/staff/appointments/:id/interpreters`: the spoken language is required for a spoken-language interpreter. */
export const invitationRequest = z
  .object({
    kind: interpreterKind,
    language: optionalText(INTERPRETER_LIMITS.languageMax),
    name: optionalText(INTERPRETER_LIMITS.nameMax),
    email: z.email('invalid_email').max(INTERPRETER_LIMITS.emailMax).optional(),
  })
  .strict()
  .refine((r) => r.kind !== 'spoken_language' || r.language !== undefined, { message: 'language_required', path: ['language'] });
export type InvitationRequest = z.infer<typeof invitationRequest>;

/** Where an invitation stands: not opened yet, opened (the interpreter consented), revoked by staff, or past its time. */
export const invitationStatus = z.enum(['pending', 'opened', 'revoked', 'expired']);
export type InvitationStatus = z.infer<typeof invitationStatus>;

/** One invitation as staff see it (never the token: only its hash is stored). */
export const staffInvitationView = z.object({
  id: z.string(),
  kind: interpreterKind,
  language: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  status: invitationStatus,
  createdAt: z.string(),
  expiresAt: z.string(),
  openedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type StaffInvitationView = z.infer<typeof staffInvitationView>;

/** An appointment's invitations, newest first, and whether another may be created now. */
export const staffInvitationsView = z.object({ invitations: z.array(staffInvitationView), canInvite: z.boolean() });
export type StaffInvitationsView = z.infer<typeof staffInvitationsView>;

/** A new invitation and its link: the only time the link exists in clear. */
export const createdInvitationView = z.object({ invitation: staffInvitationView, link: z.string() });
export type CreatedInvitationView = z.infer<typeof createdInvitationView>;

/** The link's token, as the interpreter's page sends it (in a body, never in a query string that logs keep). */
export const invitationToken = z.string().min(16).max(200);

/** `POST /api/interpreter/invitation`. */
export const invitationLookup = z.object({ token: invitationToken }).strict();

/** `POST /api/interpreter/invitation/consent`: joining a recorded call needs the recording consent. */
export const interpreterConsent = z.object({ token: invitationToken, consents: z.object({ recording: z.literal(true) }).strict() }).strict();

/**
 * The appointment as the interpreter sees it: personal data minimised to the
 * citizen's first name; no procedure, no documents, no contact details.
 */
export const interpreterInvitationView = z.object({
  organisation: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  citizenFirstName: z.string(),
  kind: interpreterKind,
  language: z.string().nullable(),
  interpreterName: z.string().nullable(),
  /** The recording consent has been given on this link. */
  consented: z.boolean(),
});
export type InterpreterInvitationView = z.infer<typeof interpreterInvitationView>;
