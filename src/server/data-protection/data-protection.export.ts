import type { Writable } from 'node:stream';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { ZipWriter } from '../evidence/zip-writer.ts';
import { dataProtectionRepo, type Subject, type SubjectAppointment } from './data-protection.repo.ts';

/** One file of the export: where it goes in the ZIP and which blob it streams from. */
export interface ExportFile {
  path: string;
  blobId: string;
  /** The plaintext size the store reports (lets the ZIP skip ZIP64 for small files). */
  size: number;
}

/** Everything an export holds, gathered before the first byte is sent (metadata only; files stream later). */
export interface ExportPlan {
  citizen: Record<string, unknown>;
  files: ExportFile[];
  appointments: number;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/** Parses stored JSON text; a damaged value is exported as the text it is rather than failing the export. */
function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A safe ZIP path segment: letters, digits and `._ -` only, never empty, never `.`/`..`. */
function segment(value: string, fallback: string): string {
  const safe = value.replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '_').slice(0, 100);
  return safe || fallback;
}

const two = (i: number) => String(i + 1).padStart(2, '0');
const byAppointment = <T extends { appointment_id: string | null }>(rows: T[], id: string) => rows.filter((r) => r.appointment_id === id);

/** The file name an image gets from its type. */
const imageExtension = (mediaType: string) => (mediaType === 'image/png' ? 'png' : 'jpg');

/**
 * What the README inside the export says, in the three languages of the
 * platform (the citizen reads it, whichever language the administrator uses).
 */
export const EXPORT_README = `Finestreta — data-protection export

[ca] Aquest fitxer conté totes les dades que l'ajuntament té sobre la persona
sol·licitant a Finestreta (article 15 del RGPD):
- citizen.json: les cites (dades personals, tràmit, dates, estat), l'historial de
  cada cita amb els missatges del xat, les metadades dels documents, de la
  gravació i de les captures d'identificació, les respostes a l'enquesta, el
  formulari del protocol, els assentaments de registre, els paquets d'evidències
  i el seu lliurament a l'expedient, els correus enviats i qui ha consultat les
  dades (registre d'auditoria, sense continguts).
- appointments/<referència>/: els fitxers que encara es conserven (documents,
  captures, gravació, justificants de registre, paquets d'evidències segellats,
  registre signat del consentiment).
Un fitxer que ja s'ha esborrat per termini de conservació consta a citizen.json
amb "file": null.

[es] Este fichero contiene todos los datos que el ayuntamiento tiene sobre la
persona solicitante en Finestreta (artículo 15 del RGPD):
- citizen.json: las citas (datos personales, trámite, fechas, estado), el
  historial de cada cita con los mensajes del chat, los metadatos de los
  documentos, de la grabación y de las capturas de identificación, las
  respuestas a la encuesta, el formulario del protocolo, los asientos de
  registro, los paquetes de evidencias y su entrega al expediente, los correos
  enviados y quién ha consultado los datos (registro de auditoría, sin
  contenidos).
- appointments/<referencia>/: los ficheros que aún se conservan (documentos,
  capturas, grabación, justificantes de registro, paquetes de evidencias
  sellados, registro firmado del consentimiento).
Un fichero ya borrado por plazo de conservación consta en citizen.json con
"file": null.

[en] This file holds everything the council keeps about the requester in
Finestreta (GDPR article 15):
- citizen.json: the appointments (personal details, procedure, dates, status),
  each appointment's history with the chat messages, the metadata of the
  documents, the recording and the identification snapshots, the survey
  answers, the protocol form, the registry entries, the evidence packages and
  their delivery to case management, the emails sent and who looked at the
  data (audit trail, without contents).
- appointments/<reference>/: the files still kept (documents, snapshots,
  recording, registry receipts, sealed evidence packages, the signed consent
  record).
A file already removed at the end of its retention period is listed in
citizen.json with "file": null.
`;

/**
 * Gathers everything held about the subject in the organisation: the JSON
 * describing it and the files still held. A blob is listed as a file only
 * when the store still has it finished (a crypto-shredded one is gone, and
 * said so with `file: null`); quarantined documents are described, never
 * handed out.
 */
export async function planExport(ctx: AppContext, org: Organisation, subject: Subject, appointments: SubjectAppointment[], now: Date): Promise<ExportPlan> {
  const db = ctx.db;
  const ids = appointments.map((a) => a.id);
  const [events, documents, recordings, snapshots, packages, deliveries, entries, surveys, wrapups, steps, forms, presence, mails, sessions, interpreters, audit] = await Promise.all([
    dataProtectionRepo.events(db, org.id, ids),
    dataProtectionRepo.documents(db, org.id, ids),
    dataProtectionRepo.recordings(db, org.id, ids),
    dataProtectionRepo.snapshots(db, org.id, ids),
    dataProtectionRepo.packages(db, org.id, ids),
    dataProtectionRepo.deliveries(db, org.id, ids),
    dataProtectionRepo.registryEntries(db, org.id, ids, subject.idNumber),
    dataProtectionRepo.surveys(db, org.id, ids),
    dataProtectionRepo.wrapups(db, org.id, ids),
    dataProtectionRepo.protocolSteps(db, org.id, ids),
    dataProtectionRepo.protocolForms(db, org.id, ids),
    dataProtectionRepo.presence(db, org.id, ids),
    dataProtectionRepo.mails(db, org.id, ids),
    dataProtectionRepo.sessions(db, org.id, ids),
    dataProtectionRepo.interpreters(db, org.id, ids),
    dataProtectionRepo.audit(db, org.id, ids),
  ]);
  const files: ExportFile[] = [];
  /** Adds the blob when the store still holds it whole; answers its path in the ZIP, or null. */
  const held = async (path: string, blobId: string | null | undefined): Promise<string | null> => {
    if (!blobId) return null;
    const stat = await ctx.blobs.stat(blobId).catch(() => null);
    if (!stat?.finished) return null;
    files.push({ path, blobId, size: stat.size });
    return path;
  };

  const described = [];
  for (const a of appointments) {
    const dir = `appointments/${segment(a.reference, a.id)}`;
    const history = byAppointment(events, a.id).map((e) => ({ at: e.at, type: e.type, actor: e.actor, data: parsed(e.data) }));
    const chat = history.filter((e) => e.type === 'call.chat').map((e) => {
      const data = (e.data ?? {}) as { from?: unknown; text?: unknown };
      return { at: e.at, from: data.from ?? null, text: data.text ?? null };
    });
    const docs = [];
    for (const [i, d] of byAppointment(documents, a.id).entries()) {
      const quarantined = d.scan_status === 'infected';
      const file = quarantined || d.purged_at ? null : await held(`${dir}/documents/${two(i)}-${segment(d.file_name, 'document')}`, d.blob_id);
      docs.push({
        fileName: d.file_name,
        mediaType: d.media_type,
        size: Number(d.size),
        sha256: d.sha256,
        uploadedAt: d.uploaded_at,
        uploadedBy: d.uploaded_by,
        scan: d.scan_status,
        review: d.review_status,
        rejectionReason: d.rejection_reason,
        reviewedAt: d.reviewed_at,
        supersededAt: d.superseded_at,
        purgedAt: d.purged_at,
        file,
        ...(quarantined ? { note: 'quarantined by the malware scanner: described, not included' } : {}),
      });
    }
    const recs = [];
    for (const [i, r] of byAppointment(recordings, a.id).entries()) {
      recs.push({
        status: r.status,
        startedAt: r.started_at,
        stoppedAt: r.stopped_at,
        durationMs: r.duration_ms,
        size: r.file_size === null ? null : Number(r.file_size),
        sha256: r.file_sha256,
        purgedAt: r.purged_at,
        file: r.purged_at ? null : await held(`${dir}/recording-${two(i)}.webm`, r.file_blob_id),
      });
    }
    const snaps = [];
    for (const [i, s] of byAppointment(snapshots, a.id).entries()) {
      snaps.push({
        kind: s.kind,
        takenAt: s.taken_at,
        takenBy: s.taken_by,
        mediaType: s.media_type,
        size: Number(s.size),
        sha256: s.sha256,
        purgedAt: s.purged_at,
        file: s.purged_at ? null : await held(`${dir}/snapshots/${two(i)}-${segment(s.kind, 'snapshot')}.${imageExtension(s.media_type)}`, s.blob_id),
      });
    }
    const registry = [];
    for (const e of byAppointment(entries, a.id)) registry.push(await registryEntry(e, `${dir}/receipts`, held));
    const pkgs = [];
    for (const p of byAppointment(packages, a.id)) {
      pkgs.push({
        createdAt: p.created_at,
        size: Number(p.size),
        sha256: p.sha256,
        files: p.file_count,
        sealedBy: p.seal_subject,
        purgedAt: p.purged_at,
        file: p.purged_at ? null : await held(`${dir}/evidence/${segment(p.created_at.slice(0, 10), 'package')}-${segment(p.id.slice(0, 8), 'package')}.asice`, p.blob_id),
      });
    }
    const stepsOf = byAppointment(steps, a.id);
    // The citizen's signature by one-time code: the signed record and its CAdES signature, as stored.
    const consent = stepsOf.find((st) => st.step === 'consent');
    const signatureBlob = consent ? (parsed(consent.data) as { signatureBlobId?: unknown } | null)?.signatureBlobId : undefined;
    const signature = typeof signatureBlob === 'string' ? await held(`${dir}/consent-signature.json`, signatureBlob) : null;
    const form = forms.find((f) => f.appointment_id === a.id);
    const survey = surveys.find((s) => s.appointment_id === a.id);
    const wrapup = wrapups.find((w) => w.appointment_id === a.id);
    const here = presence.find((p) => p.appointment_id === a.id);
    described.push({
      id: a.id,
      reference: a.reference,
      procedure: { code: a.procedure_code, name: parsed(a.procedure_name) },
      channel: a.channel,
      status: a.status,
      startsAt: a.starts_at,
      endsAt: a.ends_at,
      language: a.language,
      createdAt: a.created_at,
      updatedAt: a.updated_at,
      cancelledAt: a.cancelled_at,
      citizen: {
        name: a.citizen_name,
        surnames: a.citizen_surnames,
        idType: a.citizen_id_type,
        idNumber: a.citizen_id_number,
        email: a.citizen_email,
        phone: a.citizen_phone,
        needs: parsed(a.needs),
      },
      history,
      chat,
      documents: docs,
      recordings: recs,
      snapshots: snaps,
      waitingRoom: here ? { arrivedAt: here.arrived_at, recordingConsent: here.consent_recording === 1, consentAt: here.consent_at } : null,
      protocol: {
        steps: stepsOf.map((st) => ({ step: st.step, status: st.status, at: st.at, actor: st.actor, reason: st.reason, data: parsed(st.data) })),
        form: form ? { savedAt: form.saved_at, readAloudAt: form.read_aloud_at, sha256: form.sha256, data: parsed(form.data) } : null,
        signatureFile: signature,
      },
      survey: survey
        ? { liked: survey.liked, easy: survey.easy, useAgain: survey.use_again === 1, comment: survey.comment, language: survey.language, answeredVia: survey.answered_via, answeredAt: survey.answered_at }
        : null,
      callWrapUp: wrapup ? { outcome: wrapup.outcome, note: wrapup.note, at: wrapup.updated_at } : null,
      interpreters: byAppointment(interpreters, a.id).map((i) => ({ kind: i.kind, language: i.language, invitedAt: i.created_at, joinedAt: i.consented_at, revokedAt: i.revoked_at })),
      registryEntries: registry,
      evidencePackages: pkgs,
      deliveries: byAppointment(deliveries, a.id).map((d) => ({
        connector: d.connector,
        state: d.state,
        attempts: d.attempts,
        reference: d.reference,
        acknowledgedAt: d.acknowledged_at,
        deadAt: d.dead_at,
        createdAt: d.created_at,
      })),
      emails: byAppointment(mails, a.id).map((m) => ({ kind: m.kind, status: m.status, queuedAt: m.created_at, sentAt: m.sent_at })),
      sessions: byAppointment(sessions, a.id).map((s) => ({ startedAt: s.created_at, expiresAt: s.expires_at })),
      accessLog: byAppointment(audit, a.id).map((l) => ({ at: l.at, actor: l.actor, action: l.action, target: l.target })),
    });
  }
  const loose = [];
  for (const e of entries.filter((x) => x.appointment_id === null)) loose.push(await registryEntry(e, 'registry', held));

  return {
    appointments: appointments.length,
    files,
    citizen: {
      format: 'finestreta-data-protection-export/1',
      generatedAt: now.toISOString(),
      organisation: { name: org.name, dir3: org.dir3 },
      requestedFor: { idNumber: subject.idNumber, email: subject.email },
      appointments: described,
      registryEntriesWithoutAppointment: loose,
      files: files.map((f) => ({ path: f.path, size: f.size })),
    },
  };
}

type RegistryRow = Awaited<ReturnType<typeof dataProtectionRepo.registryEntries>>[number];

async function registryEntry(e: RegistryRow, dir: string, held: (path: string, blobId: string | null) => Promise<string | null>) {
  return {
    number: e.number,
    csv: e.csv,
    registeredAt: e.created_at,
    procedure: parsed(e.procedure_name),
    interested: { name: e.interested_name, idType: e.interested_id_type, idNumber: e.interested_id_number },
    summary: e.summary,
    formData: parsed(e.form_data),
    annexes: parsed(e.annexes),
    receipt: { sha256: e.receipt_sha256, size: e.receipt_size === null ? null : Number(e.receipt_size), sealedAt: e.receipt_sealed_at, file: e.receipt_sealed_at ? await held(`${dir}/${segment(e.number, 'receipt')}.pdf`, e.receipt_blob_id) : null },
  };
}

/**
 * Writes the export as a ZIP to `out`: README.txt, citizen.json, then each
 * file streamed from the encrypted store (decrypted on the way, never whole
 * in memory, never on disk). Ends `out` when done; rejects on the first
 * failure (the caller destroys `out`, so a partial ZIP is never mistaken for
 * a whole one: its central directory is missing).
 */
export async function writeExport(ctx: AppContext, plan: ExportPlan, out: Writable, now: Date): Promise<number> {
  const zip = new ZipWriter(out, { date: now });
  await zip.addBuffer('README.txt', Buffer.from(EXPORT_README, 'utf8'));
  await zip.addBuffer('citizen.json', json(plan.citizen));
  for (const f of plan.files) await zip.addStream(f.path, ctx.blobs.read(f.blobId), { sizeHint: f.size });
  return zip.finish();
}
