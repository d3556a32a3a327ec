import { z } from 'zod';
import { formDataInput, formFieldType } from './procedure-forms.ts';
import { LANGUAGES, type Language } from './limits.ts';

/**
 * The guided legal protocol of a video-call procedure (issue 6): six steps
 * in order, each done or skipped with a written reason, each an event of the
 * appointment's hash-chained history with server time. This is the contract
 * of the staff routes, the citizen's consent route and the live `protocol`
 * message the citizen's screen follows.
 */

/** The steps, in the order they must be taken. */
export const PROTOCOL_STEPS = ['recording_notice', 'identification', 'documents', 'registry_data', 'consent', 'receipt'] as const;
export const protocolStep = z.enum(PROTOCOL_STEPS);
export type ProtocolStep = z.infer<typeof protocolStep>;

/** Where a step stands. */
export const stepStatus = z.enum(['pending', 'done', 'skipped']);
export type StepStatus = z.infer<typeof stepStatus>;

/** Limits shared by the server's validation and the agent's screen. */
export const PROTOCOL_LIMITS = {
  skipReasonMin: 10,
  skipReasonMax: 500,
  /** Snapshots (ID front, back, face) the identification step may name. */
  snapshotsMax: 6,
  idNumberMax: 20,
  /** One-time code: digits, validity, wrong attempts allowed. */
  otpDigits: 6,
  otpValidMs: 10 * 60_000,
  otpAttempts: 5,
} as const;

const id = z.string().min(1).max(64);

/** `POST …/protocol/steps/:step/skip`. */
export const skipStepRequest = z.object({ reason: z.string().trim().min(PROTOCOL_LIMITS.skipReasonMin).max(PROTOCOL_LIMITS.skipReasonMax) }).strict();

/** `POST …/protocol/steps/identification/complete`: the number on the document the citizen shows. */
export const identificationRequest = z
  .object({
    idNumber: z.string().trim().min(1).max(PROTOCOL_LIMITS.idNumberMax),
    /** Snapshots captured from the citizen's video (stored by the snapshot capture), if any. */
    snapshotIds: z.array(id).max(PROTOCOL_LIMITS.snapshotsMax).optional(),
  })
  .strict();

/** `POST …/protocol/steps/registry_data/complete` and `PUT …/protocol/form`: the form's data. */
export const formDataRequest = z.object({ data: formDataInput }).strict();

/** Body of the steps completed without data (recording notice, documents, receipt). */
export const emptyRequest = z.object({}).strict();

/** One step as staff see it. */
export const stepView = z.object({
  step: protocolStep,
  status: stepStatus,
  /** `staff:<id>`, `citizen` … who completed or skipped it. */
  actor: z.string().nullable(),
  at: z.string().nullable(),
  reason: z.string().nullable(),
  /** What the step produced: the snapshot ids, the form hash, the entry number and CSV, the signature record … */
  data: z.record(z.string(), z.unknown()),
});
export type StepView = z.infer<typeof stepView>;

/** A field of the form as a screen shows it, in one language. */
export const formFieldView = z.object({
  key: z.string(),
  type: formFieldType,
  required: z.boolean(),
  label: z.string(),
  help: z.string().nullable(),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).nullable(),
  /** The value as saved (null when empty), and as people read it. */
  value: z.unknown(),
  display: z.string(),
});
export type FormFieldView = z.infer<typeof formFieldView>;

/** The form with its data, in one language. */
export const formView = z.object({
  fields: z.array(formFieldView),
  /** SHA-256 (hex) of the canonical JSON of the saved data: what the citizen confirms. Null before the first save. */
  sha256: z.string().nullable(),
  savedAt: z.string().nullable(),
  readAloudAt: z.string().nullable(),
});
export type FormView = z.infer<typeof formView>;

/** `GET /api/staff/appointments/:id/protocol`. */
export const protocolView = z.object({
  appointmentId: z.string(),
  steps: z.array(stepView),
  /** The first step neither done nor skipped; null when the protocol is over. */
  current: protocolStep.nullable(),
  form: formView,
  /** A one-time code is pending for the citizen (sent, not used, not expired). */
  otpPending: z.boolean(),
  /** The organisation's own recording notice for the agent to read out (administration console); absent: the standard one. */
  recordingNotice: z.string().nullable().optional(),
});
export type ProtocolView = z.infer<typeof protocolView>;

/** The confirmation the citizen's screen shows on its button, and that the evidence records verbatim. */
export const CONSENT_TEXT: Record<Language, string> = {
  ca: 'Confirmo que aquestes dades són correctes i presento la sol·licitud.',
  es: 'Confirmo que estos datos son correctos y presento la solicitud.',
  en: 'I confirm these data are correct and I submit the request.',
};

/** The consent text in a language (Catalan for one the platform does not ship). */
export function consentText(lang: string): string {
  return (LANGUAGES as readonly string[]).includes(lang) ? CONSENT_TEXT[lang as Language] : CONSENT_TEXT.ca;
}

/** `POST /api/citizen/appointment/protocol/consent`: the citizen confirms the data their screen shows (by its hash). */
export const consentRequest = z.object({ formSha256: z.string().regex(/^[0-9a-f]{64}$/, 'invalid_hash') }).strict();

/** `POST /api/citizen/appointment/protocol/otp`: the code from the email and the data it signs. */
export const otpRequest = z
  .object({ code: z.string().trim().regex(/^\d{6}$/, 'invalid_code'), formSha256: z.string().regex(/^[0-9a-f]{64}$/, 'invalid_hash') })
  .strict();

/** What the citizen's screen shows of the protocol: read-only, in their language. */
export const citizenProtocolView = z.object({
  appointmentId: z.string(),
  steps: z.array(z.object({ step: protocolStep, status: stepStatus })),
  current: protocolStep.nullable(),
  form: formView,
  /** The text of the confirmation button, recorded as shown. */
  consentText: z.string(),
  /** Whether the citizen may confirm now (data registered by the agent, in the call, not confirmed yet). */
  canConsent: z.boolean(),
  otpPending: z.boolean(),
  /** Once the receipt step is done: the entry number (the receipt is downloaded by its own route). */
  entryNumber: z.string().nullable(),
});
export type CitizenProtocolView = z.infer<typeof citizenProtocolView>;
