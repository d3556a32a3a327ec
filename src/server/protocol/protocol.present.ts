import type { Language } from '../../shared/limits.ts';
import { consentTextFor, NO_TEXTS, overrideFor } from '../organisation-admin/organisation-settings.ts';
import type { OrganisationTexts } from '../../shared/admin-people.ts';
import { displayValue, type FormData, type FormDefinition } from '../../shared/procedure-forms.ts';
import { PROTOCOL_STEPS, type CitizenProtocolView, type FormView, type ProtocolStep, type ProtocolView, type StepView } from '../../shared/protocol.ts';
import type { ProtocolFormRow, StepRow } from './protocol.tables.ts';

/** Everything a view of one appointment's protocol is made of. */
export interface ProtocolState {
  appointmentId: string;
  status: string;
  definition: FormDefinition;
  steps: StepRow[];
  form: ProtocolFormRow | undefined;
  now: Date;
  /** The organisation's texts (administration console): its consent wording per language, if it set one. */
  texts?: OrganisationTexts;
}

/** The steps in order, each with its row if it was done or skipped. */
export function stepsInOrder(steps: StepRow[]): { step: ProtocolStep; row: StepRow | undefined }[] {
  return PROTOCOL_STEPS.map((step) => ({ step, row: steps.find((s) => s.step === step) }));
}

/** The first step neither done nor skipped, null when all are. */
export function currentStep(steps: StepRow[]): ProtocolStep | null {
  return stepsInOrder(steps).find((s) => !s.row)?.step ?? null;
}

/** The saved form data, or none. */
export function formData(form: ProtocolFormRow | undefined): FormData {
  return form ? (JSON.parse(form.data) as FormData) : {};
}

/** The form with its data, labels in `lang`. */
export function presentForm(definition: FormDefinition, form: ProtocolFormRow | undefined, lang: Language): FormView {
  const data = formData(form);
  return {
    fields: definition.fields.map((f) => ({
      key: f.key,
      type: f.type,
      required: f.required,
      label: f.label[lang],
      help: f.help?.[lang] ?? null,
      choices: f.choices?.map((c) => ({ value: c.value, label: c.label[lang] })) ?? null,
      value: data[f.key] ?? null,
      display: displayValue(f, data[f.key], lang),
    })),
    sha256: form?.sha256 ?? null,
    savedAt: form?.saved_at ?? null,
    readAloudAt: form?.read_aloud_at ?? null,
  };
}

/** Whether a one-time code waits to be typed. */
export function otpPending(form: ProtocolFormRow | undefined, now: Date): boolean {
  return form?.otp_hash != null && form.otp_expires_at !== null && form.otp_expires_at > now.toISOString();
}

/** The protocol as staff see it. */
export function presentProtocol(state: ProtocolState, lang: Language): ProtocolView {
  const steps: StepView[] = stepsInOrder(state.steps).map(({ step, row }) => ({
    step,
    status: row?.status ?? 'pending',
    actor: row?.actor ?? null,
    at: row?.at ?? null,
    reason: row?.reason ?? null,
    data: row ? (JSON.parse(row.data) as Record<string, unknown>) : {},
  }));
  return { appointmentId: state.appointmentId, steps, current: currentStep(state.steps), form: presentForm(state.definition, state.form, lang), otpPending: otpPending(state.form, state.now), recordingNotice: overrideFor((state.texts ?? NO_TEXTS).recordingNotice, lang) };
}

/** Whether the citizen may confirm the data now: the agent registered them, the call is on, the confirmation is due. */
export function consentOpen(state: ProtocolState): boolean {
  return state.status === 'in_call' && state.form !== undefined && currentStep(state.steps) === 'consent' && state.steps.some((s) => s.step === 'registry_data' && s.status === 'done');
}

/** What the citizen's screen shows, read-only, in their language: no actors, no reasons, no staff ids. */
export function presentCitizenProtocol(state: ProtocolState, lang: Language): CitizenProtocolView {
  const receipt = state.steps.find((s) => s.step === 'receipt' && s.status === 'done');
  const entryNumber = receipt ? ((JSON.parse(receipt.data) as { entryNumber?: string }).entryNumber ?? null) : null;
  return {
    appointmentId: state.appointmentId,
    steps: stepsInOrder(state.steps).map(({ step, row }) => ({ step, status: row?.status ?? 'pending' })),
    current: currentStep(state.steps),
    form: presentForm(state.definition, state.form, lang),
    consentText: consentTextFor(state.texts ?? NO_TEXTS, lang),
    canConsent: consentOpen(state),
    otpPending: otpPending(state.form, state.now),
    entryNumber,
  };
}
