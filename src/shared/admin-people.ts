/**
 * The administration console's Staff and Organisation sections (issue 9):
 * request schemas and the views answered, shared by the server's
 * validation and the web forms. Error codes in `.regex()`/`.min()` messages
 * are field-level ids the web translates.
 */
import { z } from 'zod';
import { LANGUAGES, LIMITS } from './limits.ts';

/** Limits of the two sections. */
export const ADMIN_PEOPLE_LIMITS = {
  /** How long an invitation link works. */
  invitationValidHours: 72,
  displayNameMax: 120,
  officesMax: 50,
  organisationNameMax: 120,
  /** Logo: PNG or JPEG (no SVG: a script inside would run on our origin), at most 200 KiB. */
  logoMaxBytes: 200 * 1024,
  logoTypes: ['image/png', 'image/jpeg'] as const,
  consentTextMax: 300,
  recordingNoticeMax: 1000,
  emailNoteMax: 1000,
  noShowMinutes: { min: 1, max: 120 },
  uploadDeadlineHours: { min: 0, max: 720 },
  retentionDays: { min: 0, max: 36_500 },
} as const;

export const STAFF_ROLE_VALUES = ['agent', 'supervisor', 'admin'] as const;
export const staffRole = z.enum(STAFF_ROLE_VALUES);
export type StaffRoleValue = z.infer<typeof staffRole>;

const officeIds = z.array(z.string().uuid('office_invalid')).max(ADMIN_PEOPLE_LIMITS.officesMax).refine((ids) => new Set(ids).size === ids.length, 'office_duplicate');

/** `POST /api/admin/staff/invitations`. */
export const inviteRequest = z
  .object({
    email: z.string().trim().toLowerCase().max(LIMITS.emailMax, 'email_invalid').pipe(z.email('email_invalid')),
    displayName: z.string().trim().min(1, 'name_required').max(ADMIN_PEOPLE_LIMITS.displayNameMax, 'name_too_long'),
    role: staffRole,
    officeIds,
  })
  .strict();
export type InviteRequest = z.infer<typeof inviteRequest>;

/** `PUT /api/admin/staff/:id`: role and offices. */
export const staffChangeRequest = z.object({ role: staffRole, officeIds }).strict();
export type StaffChangeRequest = z.infer<typeof staffChangeRequest>;

/** Bodies of the action routes (disable, enable, reset second factor, re-send). */
export const emptyRequest = z.object({}).strict();

export const officeView = z.object({ id: z.string(), name: z.string() });
export type OfficeView = z.infer<typeof officeView>;

/** One member of staff as the administrators see them. */
export const staffMemberView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: staffRole,
  offices: z.array(officeView),
  active: z.boolean(),
  totpEnabled: z.boolean(),
  /** When they last signed in; null before their first sign-in. */
  lastSignInAt: z.string().nullable(),
});
export type StaffMemberView = z.infer<typeof staffMemberView>;

/** A pending or expired invitation (accepted and revoked ones are not listed). */
export const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: staffRole,
  offices: z.array(officeView),
  createdAt: z.string(),
  expiresAt: z.string(),
  expired: z.boolean(),
});
export type InvitationView = z.infer<typeof invitationView>;

/** `GET /api/admin/staff`. */
export const staffListView = z.object({ staff: z.array(staffMemberView), invitations: z.array(invitationView), offices: z.array(officeView) });
export type StaffListView = z.infer<typeof staffListView>;

/** `POST /api/staff/invitation/lookup` and `…/accept`: the token travels in the body, never in a URL the logs keep. */
export const invitationTokenRequest = z.object({ token: z.string().trim().min(10).max(200) }).strict();
export const acceptInvitationRequest = z
  .object({
    token: z.string().trim().min(10).max(200),
    password: z.string().min(LIMITS.staffPasswordMin, 'password_too_short').max(LIMITS.staffPasswordMax, 'password_too_long'),
  })
  .strict();

/** What the invitation page shows before the invitee chooses a password. */
export const publicInvitationView = z.object({ email: z.string(), displayName: z.string(), organisation: z.string(), role: staffRole, expiresAt: z.string() });
export type PublicInvitationView = z.infer<typeof publicInvitationView>;

// --- Organisation ------------------------------------------------------------------------------

export const LANGUAGE_VALUES = LANGUAGES;
const language = z.enum(LANGUAGES);

/** A text per language; an empty or absent language uses the built-in text. */
function perLanguage(max: number) {
  return z.object({ ca: z.string().trim().max(max, 'text_too_long').optional(), es: z.string().trim().max(max, 'text_too_long').optional(), en: z.string().trim().max(max, 'text_too_long').optional() }).strict();
}

/** Per-language overrides of the texts the platform shows or sends. */
export const organisationTexts = z
  .object({
    /** The citizen's confirmation ("I confirm these data are correct…"), recorded verbatim in the evidence. */
    consent: perLanguage(ADMIN_PEOPLE_LIMITS.consentTextMax),
    /** What the agent reads out when announcing the recording. */
    recordingNotice: perLanguage(ADMIN_PEOPLE_LIMITS.recordingNoticeMax),
    /** A paragraph added to every appointment email (e.g. the office's phone and opening hours). */
    emailNote: perLanguage(ADMIN_PEOPLE_LIMITS.emailNoteMax),
  })
  .strict();
export type OrganisationTexts = z.infer<typeof organisationTexts>;

const days = z.number().int('days_invalid').min(ADMIN_PEOPLE_LIMITS.retentionDays.min, 'days_invalid').max(ADMIN_PEOPLE_LIMITS.retentionDays.max, 'days_invalid');

/** How long things are kept, in days (the retention job reads them). */
export const retentionPeriods = z
  .object({
    /** Citizens' uploaded documents, after the appointment. */
    documentsDays: days,
    /** Call recordings, after the appointment. */
    recordingsDays: days,
    /** Sealed evidence packages, after delivery. */
    evidenceDays: days,
    /** Appointments' personal data (name, ID, contact), after the appointment. */
    appointmentsDays: days,
  })
  .strict();
export type RetentionPeriods = z.infer<typeof retentionPeriods>;

/** DIR3 code of an organ: a letter and eight letters or digits (e.g. L01080193 for a town hall). */
export const DIR3_PATTERN = /^[A-Z][A-Z0-9]{8}$/;

/** `PUT /api/admin/organisation`. */
export const organisationSettingsRequest = z
  .object({
    name: z.string().trim().min(1, 'name_required').max(ADMIN_PEOPLE_LIMITS.organisationNameMax, 'name_too_long'),
    dir3: z.string().trim().toUpperCase().regex(DIR3_PATTERN, 'organ_code_invalid'),
    timeZone: z.string().trim().min(1, 'time_zone_invalid').max(64, 'time_zone_invalid'),
    languages: z
      .array(language)
      .min(1, 'languages_required')
      .refine((l) => new Set(l).size === l.length, 'languages_duplicate'),
    primaryColor: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'colour_invalid'),
    texts: organisationTexts,
    noShowMinutes: z.number().int('minutes_invalid').min(ADMIN_PEOPLE_LIMITS.noShowMinutes.min, 'minutes_invalid').max(ADMIN_PEOPLE_LIMITS.noShowMinutes.max, 'minutes_invalid'),
    uploadDeadlineHours: z
      .number()
      .int('hours_invalid')
      .min(ADMIN_PEOPLE_LIMITS.uploadDeadlineHours.min, 'hours_invalid')
      .max(ADMIN_PEOPLE_LIMITS.uploadDeadlineHours.max, 'hours_invalid'),
    retention: retentionPeriods,
  })
  .strict();
export type OrganisationSettingsRequest = z.infer<typeof organisationSettingsRequest>;

/** `GET /api/admin/organisation`: the settings, plus the built-in texts an empty field falls back to. */
export const organisationSettingsView = organisationSettingsRequest.omit({ primaryColor: true }).extend({
  primaryColor: z.string(),
  logo: z.object({ url: z.string(), type: z.string(), bytes: z.number() }).nullable(),
  defaults: z.object({ consent: z.record(z.string(), z.string()) }),
});
export type OrganisationSettingsView = z.infer<typeof organisationSettingsView>;

/** `POST /api/admin/organisation/email-preview`: the appointment confirmation with a draft note. */
export const emailPreviewRequest = z.object({ language, note: z.string().trim().max(ADMIN_PEOPLE_LIMITS.emailNoteMax, 'text_too_long') }).strict();
export const emailPreviewView = z.object({ subject: z.string(), text: z.string() });
export type EmailPreviewView = z.infer<typeof emailPreviewView>;
