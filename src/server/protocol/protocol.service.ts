import type { AppContext } from '../context.ts';
import { organisationTextsOf } from '../organisation-admin/organisation-settings.ts';
import type { Appointment, Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { canonicalJson } from '../evidence/event-log.ts';
import { AppError, errors } from '../http/errors.ts';
import { recordingActive } from '../recordings/recordings.service.ts';
import { registerAppointmentAsStaff } from '../registry/appointment-registry.service.ts';
import { sha256Hex } from '../security/secrets.ts';
import { visibleAppointment } from '../workspace/workspace.service.ts';
import { normaliseIdNumber, isPlausiblePassport, isValidNie, isValidNif } from '../../shared/id-document.ts';
import { DEFAULT_LANGUAGE, isLanguage, OPEN_STATUSES, type Language } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { checkFormData, displayValue, FALLBACK_FORM, formDefinition, type FormData, type FormDefinition } from '../../shared/procedure-forms.ts';
import { emptyRequest, formDataRequest, identificationRequest, PROTOCOL_STEPS, type ProtocolStep, type ProtocolView } from '../../shared/protocol.ts';
import { REGISTRY_LIMITS } from '../../shared/registry.ts';
import { formData, presentProtocol, type ProtocolState } from './protocol.present.ts';
import { protocolRepo } from './protocol.repo.ts';
import type { StepRow } from './protocol.tables.ts';

/**
 * The rules of the guided protocol. Staff who may see an appointment may
 * read its protocol; its agent (or a supervisor or administrator) takes the
 * steps, in order, each done or skipped with a written reason, only while
 * the call is on. Each step is an event of the appointment's history with
 * the server's time (these events become the evidence package's hash-chained
 * `events.json`). After every change the citizen's screen is told (`notify`).
 */

/** Tells the appointment's open pages that its protocol changed (never rejects). */
export type ProtocolNotifier = (organisationId: string, appointmentId: string) => Promise<void>;

/** What an appointment's protocol rules need to know of it. */
type AppointmentFacts = Pick<Appointment, 'id' | 'status' | 'procedure_id'>;

/** A language the platform ships, from a request's or a booking's. */
export const languageOf = (lang: string): Language => (isLanguage(lang) ? lang : DEFAULT_LANGUAGE);

/** SHA-256 (hex) of the canonical JSON of form data: what the citizen confirms, what a signature covers. */
export const formSha256 = (data: FormData): string => sha256Hex(canonicalJson(data));

/** A procedure's form definition (the fallback free-text form when it defines none, or a stored one no longer parses). */
export async function formDefinitionOf(ctx: AppContext, organisationId: string, procedureId: string): Promise<FormDefinition> {
  const raw = await protocolRepo.formDefinition(ctx.db, organisationId, procedureId);
  if (raw === undefined) return FALLBACK_FORM;
  const parsed = formDefinition.safeParse(JSON.parse(raw));
  if (parsed.success) return parsed.data;
  ctx.log.error({ procedureId }, 'protocol: stored form definition is not valid, the fallback form is used');
  return FALLBACK_FORM;
}

/** Sets a procedure's form definition (catalogue administration, seeds); validated first. */
export async function setFormDefinition(ctx: AppContext, organisationId: string, procedureId: string, definition: unknown): Promise<FormDefinition> {
  const parsed = formDefinition.safeParse(definition);
  if (!parsed.success) throw errors.validation(parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })));
  await protocolRepo.putFormDefinition(ctx.db, organisationId, procedureId, JSON.stringify(parsed.data), ctx.clock.now().toISOString());
  return parsed.data;
}

/** The state of an appointment's protocol. */
export async function loadState(ctx: AppContext, organisationId: string, appointment: AppointmentFacts): Promise<ProtocolState> {
  const [definition, steps, form, texts] = await Promise.all([
    formDefinitionOf(ctx, organisationId, appointment.procedure_id),
    protocolRepo.steps(ctx.db, organisationId, appointment.id),
    protocolRepo.form(ctx.db, organisationId, appointment.id),
    organisationTextsOf(ctx.db, organisationId),
  ]);
  return { appointmentId: appointment.id, status: appointment.status, definition, steps, form, now: ctx.clock.now(), texts };
}

/**
 * The appointment for a member of staff: any who may see it may read
 * (another office's: 404); only its agent, a supervisor or an administrator
 * may act (another agent: 403), as for registering it.
 */
export async function staffAppointment(ctx: AppContext, org: Organisation, viewer: Staff, id: string, mode: 'read' | 'write') {
  const appointment = await visibleAppointment(ctx, org, viewer, id);
  if (mode === 'write' && viewer.role === 'agent' && appointment.agent_id !== viewer.id) throw errors.forbiddenWith('not_your_appointment');
  return appointment;
}

/** The protocol as staff see it, labels in `lang`. */
export async function readProtocol(ctx: AppContext, org: Organisation, viewer: Staff, id: string, lang: string): Promise<ProtocolView> {
  const appointment = await staffAppointment(ctx, org, viewer, id, 'read');
  return presentProtocol(await loadState(ctx, org.id, appointment), languageOf(lang));
}

/** Refuses a step already recorded, or one whose previous steps are neither done nor skipped. */
export function assertNext(state: ProtocolState, step: ProtocolStep): void {
  if (state.steps.some((s) => s.step === step)) throw errors.conflict('protocol_step_recorded', { step });
  const missing = PROTOCOL_STEPS.slice(0, PROTOCOL_STEPS.indexOf(step)).find((s) => !state.steps.some((r) => r.step === s));
  if (missing) throw errors.conflict('protocol_step_out_of_order', { step, missing });
}

/**
 * The protocol's steps are taken during the call (its events say what
 * happened in it). The receipt may also be issued right after the agent hung
 * up (appointment completed): the data were confirmed in the call, and a
 * dropped line must not leave them unregistered.
 */
export function assertInCall(state: Pick<ProtocolState, 'status'>, step?: ProtocolStep): void {
  if (state.status === 'in_call' || (step === 'receipt' && state.status === 'completed')) return;
  throw errors.conflict('protocol_needs_call');
}

/** Records a step and its event in one transaction; a second recording of the same step is refused (409). */
export async function recordStep(ctx: AppContext, row: StepRow, event: { type: string; data: object }, also?: (trx: Parameters<typeof protocolRepo.insertStep>[0]) => Promise<void>): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await protocolRepo.insertStep(trx, row))) throw errors.conflict('protocol_step_recorded', { step: row.step });
    if (also) await also(trx);
    await bookingRepo.addEvent(trx, row.organisation_id, row.appointment_id, event.type, row.actor, row.at, event.data);
  });
}

/** A body checked against a step's schema: 400 `validation_failed` with the field paths otherwise. */
function parseBody<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string; code: string }[] } } }, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw errors.validation(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: /^[a-z_]+$/.test(i.message) ? i.message : i.code })));
}

/** Checks form data against the definition; 400 with each refused field named and explained in `lang`. */
function validForm(definition: FormDefinition, data: unknown, draft: boolean, lang: Language): FormData {
  const checked = checkFormData(definition, data, { draft, lang });
  if (!checked.ok) throw new AppError(400, 'validation_failed', { issues: checked.issues });
  return checked.data;
}

/**
 * Identification: the number on the document the citizen shows must be a
 * well-formed NIF/NIE (control letter, RD 1553/2005; a NIE's X/Y/Z counts as
 * 0/1/2) or passport number, and the booking's. A mismatch is refused and
 * recorded all the same: a wrong document shown in a call is evidence too.
 */
function checkIdentification(appointment: Pick<Appointment, 'citizen_id_type' | 'citizen_id_number'>, shown: string): 'match' | 'mismatch' | 'invalid' {
  const number = normaliseIdNumber(shown);
  const wellFormed = isValidNif(number) || isValidNie(number) || (appointment.citizen_id_type === 'passport' && isPlausiblePassport(number));
  if (!wellFormed) return 'invalid';
  return number === normaliseIdNumber(appointment.citizen_id_number) ? 'match' : 'mismatch';
}

/** The summary of a registry entry: the procedure and each filled field, in the citizen's language. */
export function summaryOf(procedureName: string, definition: FormDefinition, data: FormData, lang: Language): string {
  const parts = definition.fields.filter((f) => data[f.key] !== undefined && data[f.key] !== null).map((f) => `${f.label[lang]}: ${displayValue(f, data[f.key], lang)}`);
  const summary = parts.length ? `${procedureName}. ${parts.join('; ')}` : procedureName;
  return summary.length > REGISTRY_LIMITS.summaryMax ? `${summary.slice(0, REGISTRY_LIMITS.summaryMax - 1)}…` : summary;
}

/**
 * Completes a step as staff. What each step needs in `body`:
 * recording_notice, documents, receipt: nothing; identification: the number
 * shown (and snapshot ids); registry_data: the form's data (complete).
 * Consent is the citizen's own action (their route), never staff's.
 */
export async function completeStep(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  id: string,
  step: ProtocolStep,
  body: unknown,
  lang: string,
  notify: ProtocolNotifier,
): Promise<ProtocolView> {
  const appointment = await staffAppointment(ctx, org, viewer, id, 'write');
  const state = await loadState(ctx, org.id, appointment);
  const language = languageOf(lang);
  if (step === 'consent') throw errors.conflict('consent_by_citizen');
  assertInCall(state, step);
  assertNext(state, step);
  const actor = `staff:${viewer.id}`;
  const now = ctx.clock.now().toISOString();
  const row = (data: object): StepRow => ({ organisation_id: org.id, appointment_id: appointment.id, step, status: 'done', actor, at: now, reason: null, data: JSON.stringify(data) });

  switch (step) {
    case 'recording_notice': {
      parseBody(emptyRequest, body);
      // Not a condition (the recording is the agent's page's, and may start a moment later): a fact for the evidence.
      const data = { recordingActive: await recordingActive(ctx, org.id, appointment.id).catch(() => false) };
      await recordStep(ctx, row(data), { type: 'protocol.recording_notice', data });
      break;
    }
    case 'documents':
      parseBody(emptyRequest, body);
      await recordStep(ctx, row({}), { type: 'protocol.documents', data: {} });
      break;
    case 'identification': {
      const { idNumber, snapshotIds } = parseBody(identificationRequest, body);
      const result = checkIdentification(appointment, idNumber);
      if (result === 'invalid') throw errors.unprocessable('id_number_invalid');
      if (result === 'mismatch') {
        await bookingRepo.addEvent(ctx.db, org.id, appointment.id, 'protocol.identification_mismatch', actor, now, {
          idType: appointment.citizen_id_type,
          shown: normaliseIdNumber(idNumber),
          snapshotIds: snapshotIds ?? [],
        });
        throw errors.unprocessable('identification_mismatch');
      }
      const data = { idType: appointment.citizen_id_type, idNumberMatches: true, snapshotIds: snapshotIds ?? [] };
      await recordStep(ctx, row(data), { type: 'protocol.identification', data });
      break;
    }
    case 'registry_data': {
      const { data: input } = parseBody(formDataRequest, body);
      const data = validForm(state.definition, input, false, language);
      const sha256 = formSha256(data);
      await recordStep(ctx, row({ formSha256: sha256 }), { type: 'protocol.registry_data', data: { formSha256: sha256, data } }, (trx) =>
        protocolRepo.saveForm(trx, { organisationId: org.id, appointmentId: appointment.id, data: JSON.stringify(data), sha256, savedBy: actor, savedAt: now }),
      );
      break;
    }
    case 'receipt': {
      parseBody(emptyRequest, body);
      if (!state.form || !state.steps.some((s) => s.step === 'registry_data' && s.status === 'done')) throw errors.conflict('protocol_form_missing');
      const data = formData(state.form);
      const citizenLang = languageOf(appointment.language);
      const summary = summaryOf(pickLocalised(localised(appointment.procedure_name), citizenLang), state.definition, data, citizenLang);
      // Registering is idempotent (one entry per appointment): a retry after a failed seal completes the same entry.
      const { entry } = await registerAppointmentAsStaff(ctx, org, viewer, appointment.id, data, summary);
      const produced = { entryNumber: entry.number, csv: entry.csv, formSha256: state.form.sha256 };
      await recordStep(ctx, { ...row(produced), at: ctx.clock.now().toISOString() }, { type: 'protocol.receipt', data: produced });
      break;
    }
  }
  await notify(org.id, appointment.id);
  return presentProtocol(await loadState(ctx, org.id, appointment), language);
}

/** Skips a step with a written reason (recorded verbatim in the evidence). */
export async function skipStep(ctx: AppContext, org: Organisation, viewer: Staff, id: string, step: ProtocolStep, reason: string, lang: string, notify: ProtocolNotifier): Promise<ProtocolView> {
  const appointment = await staffAppointment(ctx, org, viewer, id, 'write');
  const state = await loadState(ctx, org.id, appointment);
  assertInCall(state, step);
  assertNext(state, step);
  const at = ctx.clock.now().toISOString();
  await recordStep(
    ctx,
    { organisation_id: org.id, appointment_id: appointment.id, step, status: 'skipped', actor: `staff:${viewer.id}`, at, reason, data: '{}' },
    { type: 'protocol.step_skipped', data: { step, reason } },
  );
  await notify(org.id, appointment.id);
  return presentProtocol(await loadState(ctx, org.id, appointment), languageOf(lang));
}

/**
 * Saves the form as the agent fills it (a draft: required fields may still
 * be empty, everything present must be valid). The citizen's screen follows
 * each save. Once the registry-data step is recorded the data no longer change.
 */
export async function saveDraft(ctx: AppContext, org: Organisation, viewer: Staff, id: string, body: unknown, lang: string, notify: ProtocolNotifier): Promise<ProtocolView> {
  const appointment = await staffAppointment(ctx, org, viewer, id, 'write');
  const state = await loadState(ctx, org.id, appointment);
  const language = languageOf(lang);
  if (!(OPEN_STATUSES as readonly string[]).includes(appointment.status)) throw errors.conflict('appointment_closed');
  if (state.steps.some((s) => s.step === 'registry_data')) throw errors.conflict('protocol_form_locked');
  const { data: input } = parseBody(formDataRequest, body);
  const data = validForm(state.definition, input, true, language);
  await protocolRepo.saveForm(ctx.db, { organisationId: org.id, appointmentId: appointment.id, data: JSON.stringify(data), sha256: formSha256(data), savedBy: `staff:${viewer.id}`, savedAt: ctx.clock.now().toISOString() });
  await notify(org.id, appointment.id);
  return presentProtocol(await loadState(ctx, org.id, appointment), language);
}

/** The agent read the data aloud to the citizen (the recording has their voice; this marks when, and which data). */
export async function markReadAloud(ctx: AppContext, org: Organisation, viewer: Staff, id: string, lang: string, notify: ProtocolNotifier): Promise<ProtocolView> {
  const appointment = await staffAppointment(ctx, org, viewer, id, 'write');
  const state = await loadState(ctx, org.id, appointment);
  assertInCall(state);
  if (!state.form) throw errors.conflict('protocol_form_missing');
  const { sha256 } = state.form;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await protocolRepo.markReadAloud(trx, org.id, appointment.id, at);
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'protocol.form_read_aloud', `staff:${viewer.id}`, at, { formSha256: sha256 });
  });
  await notify(org.id, appointment.id);
  return presentProtocol(await loadState(ctx, org.id, appointment), languageOf(lang));
}
