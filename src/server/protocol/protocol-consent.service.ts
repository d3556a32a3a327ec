import { randomInt, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AppContext } from '../context.ts';
import type { Appointment, Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { canonicalJson, type JsonValue } from '../evidence/event-log.ts';
import { AppError, errors } from '../http/errors.ts';
import { translate } from '../i18n/translate.ts';
import { renderMailHtml, renderMailText, type MailDocument } from '../mail/mail.layout.ts';
import { safeEqual, sha256Hex } from '../security/secrets.ts';
import { consentTextFor, NO_TEXTS } from '../organisation-admin/organisation-settings.ts';
import { PROTOCOL_LIMITS, type CitizenProtocolView, type ProtocolView } from '../../shared/protocol.ts';
import { consentOpen, presentCitizenProtocol, presentProtocol, type ProtocolState } from './protocol.present.ts';
import { protocolRepo } from './protocol.repo.ts';
import { assertInCall, assertNext, languageOf, loadState, recordStep, staffAppointment, type ProtocolNotifier } from './protocol.service.ts';

/**
 * Step 5, consent: the citizen's own action, from their screen, never the
 * agent's. Either they press the confirmation button (the exact text shown,
 * in their language, and the SHA-256 of the data it confirms go to the
 * evidence; their spoken confirmation is in the recording), or they sign
 * with a one-time code sent to their email: a simple electronic signature
 * (Reglamento eIDAS art. 3.10; Ley 39/2015 art. 10.2.c) whose record is
 * sealed by the organ and kept encrypted.
 *
 * External signature providers (e.g. AOC VÀLid's basic signature, which
 * returns XAdES-T over the data) would be one more method, behind the
 * `ExternalSignatureProvider` interface below; none is implemented yet.
 */

/**
 * An external signature service the citizen signs with, outside this
 * platform (documented, not implemented). The flow: `start` gives a URL the
 * citizen's screen opens (a popup or a redirect to the provider, e.g. VÀLid
 * with idCAT Mòbil or Cl@ve), the provider calls back, `complete` fetches
 * and checks the signature over exactly `dataSha256` and returns it to be
 * stored encrypted beside the seal, and the consent step records
 * `protocol.signature_external` with the provider, the signature's SHA-256
 * and the signer's identity as the provider asserted it (ID number checked
 * against the booking like the identification step).
 */
export interface ExternalSignatureProvider {
  /** Stable id recorded in the evidence, e.g. `aoc-valid`. */
  readonly id: string;
  /** Signature format the provider returns, e.g. `XAdES-T` (VÀLid's basic signature) or `CAdES-T`. */
  readonly format: 'XAdES-T' | 'XAdES-B' | 'CAdES-T' | 'PAdES-T';
  /** Starts a signature of the data whose SHA-256 is given; answers where to send the citizen and the state to expect back. */
  start(request: { appointmentId: string; dataSha256: string; language: string; returnUrl: string }): Promise<{ redirectUrl: string; state: string }>;
  /** Completes it from the provider's callback: the signature, its signer and its time, checked over `dataSha256`. */
  complete(callback: { state: string; code: string; dataSha256: string }): Promise<{
    signature: Buffer;
    mediaType: string;
    signer: { idNumber: string; name: string; assuranceLevel: 'low' | 'substantial' | 'high' };
    signedAt: string;
  }>;
}

/** The actor of what the citizen does, in the appointment's history. */
const CITIZEN = 'citizen';

/** The one-time code's hash: bound to the appointment, so a code is worth nothing elsewhere. */
const otpHash = (appointmentId: string, code: string) => sha256Hex(`finestreta-otp\u0000${appointmentId}\u0000${code}`);

/** Everything that must hold for the citizen to confirm now; the matching 409 otherwise. */
function assertConsentOpen(state: ProtocolState, formSha256: string | null): void {
  assertInCall(state);
  assertNext(state, 'consent');
  if (!consentOpen(state) || !state.form) throw errors.conflict('consent_not_open');
  // The citizen confirms what their screen showed: if the agent saved other data meanwhile, they must look again.
  if (formSha256 !== null && formSha256 !== state.form.sha256) throw errors.conflict('protocol_form_changed');
}

/** The protocol as the citizen's screen shows it. */
export async function citizenProtocol(ctx: AppContext, appointment: Appointment): Promise<CitizenProtocolView> {
  return presentCitizenProtocol(await loadState(ctx, appointment.organisation_id, appointment), languageOf(appointment.language));
}

/** The citizen presses "I confirm these data are correct and I submit the request". */
export async function confirmConsent(ctx: AppContext, appointment: Appointment, formSha256: string, notify: ProtocolNotifier): Promise<CitizenProtocolView> {
  const state = await loadState(ctx, appointment.organisation_id, appointment);
  assertConsentOpen(state, formSha256);
  const language = languageOf(appointment.language);
  const text = consentTextFor(state.texts ?? NO_TEXTS, language);
  const at = ctx.clock.now().toISOString();
  const data = { method: 'button', text, language, formSha256 };
  await recordStep(
    ctx,
    { organisation_id: appointment.organisation_id, appointment_id: appointment.id, step: 'consent', status: 'done', actor: CITIZEN, at, reason: null, data: JSON.stringify(data) },
    { type: 'protocol.consent_confirmed', data },
  );
  await notify(appointment.organisation_id, appointment.id);
  return citizenProtocol(ctx, appointment);
}

function otpMail(org: Organisation, appointment: Appointment, code: string): { subject: string; html: string; text: string; language: string } {
  const lang = languageOf(appointment.language);
  const t = (key: string, values: Record<string, unknown> = {}) => translate(lang, `mail.protocol_otp.${key}`, values);
  const minutes = PROTOCOL_LIMITS.otpValidMs / 60_000;
  const doc: MailDocument = {
    language: lang,
    title: t('subject', { organisation: org.name }),
    brand: org.name,
    heading: t('heading'),
    blocks: [
      { kind: 'paragraph', text: t('intro', { reference: appointment.reference }) },
      { kind: 'secret', label: t('code_label'), value: code, note: t('code_note', { minutes }) },
      { kind: 'paragraph', text: t('not_you') },
    ],
    footer: [t('footer', { organisation: org.name })],
  };
  return { subject: doc.title, html: renderMailHtml(doc), text: renderMailText(doc), language: lang };
}

/**
 * Staff ask for a one-time code: six digits, valid ten minutes, five wrong
 * attempts. Sent at once, not through the mail queue: a code that arrives
 * after its ten minutes is useless, and the queue would keep it in clear
 * until sent. Only its hash is stored; asking again replaces it.
 */
export async function sendOtp(ctx: AppContext, org: Organisation, viewer: Staff, id: string, lang: string, notify: ProtocolNotifier): Promise<ProtocolView> {
  const appointment = await staffAppointment(ctx, org, viewer, id, 'write');
  const state = await loadState(ctx, org.id, appointment);
  assertConsentOpen(state, null);
  if (!appointment.citizen_email) throw errors.conflict('citizen_email_missing');
  const code = String(randomInt(0, 10 ** PROTOCOL_LIMITS.otpDigits)).padStart(PROTOCOL_LIMITS.otpDigits, '0');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + PROTOCOL_LIMITS.otpValidMs).toISOString();
  const mail = otpMail(org, appointment, code);
  await ctx.db.transaction().execute(async (trx) => {
    await protocolRepo.setOtp(trx, org.id, appointment.id, otpHash(appointment.id, code), expiresAt);
    await bookingRepo.addEvent(trx, org.id, appointment.id, 'protocol.otp_sent', `staff:${viewer.id}`, now.toISOString(), {
      emailSha256: sha256Hex(appointment.citizen_email.trim().toLowerCase()),
      expiresAt,
      formSha256: state.form?.sha256 ?? null,
    });
  });
  try {
    await ctx.mail.send({ to: appointment.citizen_email, ...mail }, ctx.config.mailFrom);
  } catch (error) {
    // Transport errors can quote addresses: keep only the class.
    ctx.log.warn({ appointmentId: appointment.id, error: error instanceof Error ? error.name : 'Error' }, 'protocol: one-time code not sent');
    await protocolRepo.clearOtp(ctx.db, org.id, appointment.id);
    throw new AppError(503, 'otp_not_sent');
  }
  await notify(org.id, appointment.id);
  return presentProtocol(await loadState(ctx, org.id, appointment), languageOf(lang));
}

/** The simple electronic signature record: what was signed, when, how, by whom (their email's hash). */
interface SignatureRecord {
  type: 'finestreta-simple-signature';
  version: 1;
  appointmentId: string;
  method: 'email_otp';
  dataSha256: string;
  signedAt: string;
  emailSha256: string;
  consentText: string;
  language: string;
}

/**
 * The citizen types the code. Right: `protocol.signature_otp` with the data
 * hash, and the signature record sealed by the organ (CAdES detached over the
 * record) stored encrypted; the step holds its blob id. Wrong: one attempt
 * less (422 with the attempts left); none left or expired: ask for a new code.
 */
export async function signWithOtp(ctx: AppContext, org: Organisation, appointment: Appointment, code: string, formSha256: string, notify: ProtocolNotifier): Promise<CitizenProtocolView> {
  const now = ctx.clock.now();
  let state: ProtocolState | null = null;
  // Spend an attempt first (a few tries if parallel attempts race for the count), then check the code.
  for (let tries = 0; tries < PROTOCOL_LIMITS.otpAttempts && !state; tries++) {
    const current = await loadState(ctx, org.id, appointment);
    assertConsentOpen(current, formSha256);
    const pending = current.form;
    if (!pending?.otp_hash || !pending.otp_expires_at) throw errors.conflict('otp_not_requested');
    if (pending.otp_expires_at <= now.toISOString()) throw new AppError(410, 'otp_expired');
    if (pending.otp_attempts >= PROTOCOL_LIMITS.otpAttempts) throw new AppError(429, 'otp_attempts_exhausted');
    if (await protocolRepo.spendOtpAttempt(ctx.db, org.id, appointment.id, pending.otp_attempts)) state = current;
  }
  const form = state?.form;
  if (!form?.otp_hash) throw new AppError(429, 'otp_attempts_exhausted');
  if (!safeEqual(otpHash(appointment.id, code), form.otp_hash)) {
    const remaining = Math.max(0, PROTOCOL_LIMITS.otpAttempts - form.otp_attempts - 1);
    await bookingRepo.addEvent(ctx.db, org.id, appointment.id, 'protocol.otp_failed', CITIZEN, now.toISOString(), { remaining });
    if (remaining === 0) throw new AppError(429, 'otp_attempts_exhausted');
    throw errors.unprocessable('otp_wrong', { remaining });
  }
  const language = languageOf(appointment.language);
  const record: SignatureRecord = {
    type: 'finestreta-simple-signature',
    version: 1,
    appointmentId: appointment.id,
    method: 'email_otp',
    dataSha256: form.sha256,
    signedAt: now.toISOString(),
    emailSha256: sha256Hex(appointment.citizen_email.trim().toLowerCase()),
    consentText: consentTextFor(state?.texts ?? NO_TEXTS, language),
    language,
  };
  const recordJson = Buffer.from(canonicalJson(record as unknown as JsonValue), 'utf8');
  const recordSha256 = sha256Hex(recordJson.toString('utf8'));
  const { signCadesDetached } = await import('../evidence/cades.ts'); // loads the signing libraries on first use
  const seal = await signCadesDetached(Buffer.from(recordSha256, 'hex'), await ctx.seals.cadesOptions(now, org.id));
  // One blob: the record and its seal, as a small JSON (both are needed to check it later).
  const blobId = `protocol-signature-${randomUUID()}`;
  await ctx.blobs.create(blobId);
  await ctx.blobs.append(blobId, 0, Readable.from([Buffer.from(JSON.stringify({ record: recordJson.toString('utf8'), cades: seal.toString('base64') }), 'utf8')]));
  await ctx.blobs.finish(blobId);
  const data = { method: 'email_otp', formSha256: form.sha256, recordSha256, signatureBlobId: blobId, text: record.consentText, language };
  try {
    await recordStep(
      ctx,
      { organisation_id: org.id, appointment_id: appointment.id, step: 'consent', status: 'done', actor: CITIZEN, at: now.toISOString(), reason: null, data: JSON.stringify(data) },
      { type: 'protocol.signature_otp', data: { formSha256: form.sha256, recordSha256, emailSha256: record.emailSha256, signatureBlobId: blobId } },
      (trx) => protocolRepo.clearOtp(trx, org.id, appointment.id),
    );
  } catch (error) {
    await ctx.blobs.destroy(blobId);
    throw error;
  }
  await notify(org.id, appointment.id);
  return citizenProtocol(ctx, appointment);
}
