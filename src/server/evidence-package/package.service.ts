import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { errors } from '../http/errors.ts';
import { settleRecording } from '../recordings/recordings.service.ts';
import { attendedAppointment, visibleAppointment } from '../workspace/workspace.service.ts';
import type { AsicWriter } from '../evidence/asic-writer.ts';
import type { CadesOptions } from '../evidence/cades.ts';
import { buildEniDocument, buildEniFile, eniDocumentId, eniFileId, type IndexedDocument } from '../evidence/eni.ts';
import { EventChain, eventLogJson, type EvidenceEvent, type JsonValue } from '../evidence/event-log.ts';
import { enqueueDelivery } from '../delivery/delivery.service.ts';
import { packageRepo, type PackageSources } from './package.repo.ts';
import type { EvidencePackageRow } from './package.tables.ts';
import { retentionRepo } from '../retention/retention.repo.ts';

/** What sealing a package gives the caller (and the staff API answers). */
export interface SealedEvidence {
  row: EvidencePackageRow;
  /** Every file of the package with its SHA-256, in order (as its manifest lists them). */
  files: { name: string; sha256: string; size: number }[];
}

/** `documents/<n>-<name>`: a document's place in the package, unique even when two have the same name. */
function documentPath(index: number, fileName: string): string {
  const safe = fileName.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'document';
  return `documents/${String(index + 1).padStart(2, '0')}-${safe}`;
}

/** The alphanumeric tail of an ENI identifier (up to 30 characters) from an id of ours. */
function localId(prefix: string, id: string): string {
  return `${prefix}${id.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 30);
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/**
 * Seals the evidence package of an appointment, as an ASiC-E container
 * (ETSI EN 319 162-1) written straight into the encrypted store:
 *
 * - `events.json`: the appointment's whole history (booking, documents,
 *   waiting room, call, chat, protocol steps, registry), each event with its
 *   server time, hash-chained so that a removed or reordered event shows;
 * - `chat.json`: the call's written messages, in order;
 * - `recording.webm` when the call was recorded and the recording finalised;
 * - `snapshots/*`: the identification frames (ID front and back, face);
 * - `receipt.pdf` and `form.json` when the appointment was registered (else
 *   the form as last saved), `protocol.json` (each protocol step: done or
 *   skipped and why, who, when) and, for a signature by one-time code, the
 *   signed record and its CAdES signature under `signature/`;
 * - `documents/manifest.json` (every current document: name, type, size,
 *   SHA-256, scan and review state) and, unless configured otherwise
 *   (`EVIDENCE_INCLUDE_DOCUMENTS=false`), the documents themselves;
 * - `eni/*.xml`: an ENI `documento` for the recording, the receipt and the
 *   event log, and the ENI `expediente` index of them with their hashes;
 * - `META-INF/ASiCManifest.xml` with every file's SHA-256, signed by the
 *   organ seal in `META-INF/signature.p7s` (CAdES, with an RFC 3161
 *   timestamp when a TSA is configured).
 *
 * Nothing is held whole in memory: the recording and the documents stream
 * from the store, through the package, back into the store. A package is
 * never changed; sealing again after more happened makes a new one.
 */
export async function sealEvidencePackage(ctx: AppContext, org: Organisation, appointmentId: string, actor: string): Promise<SealedEvidence> {
  const sources = await packageRepo.sources(ctx.db, org.id, appointmentId);
  if (!sources) throw errors.notFound();
  const now = ctx.clock.now();
  // Opens (or, the first time, generates) the seal before anything is written: a bad PKCS#12 leaves no blob behind.
  const cades = await ctx.seals.cadesOptions(now, org.id);
  const blobId = randomUUID();
  await ctx.blobs.create(blobId);
  const out = new PassThrough();
  const stored = ctx.blobs.append(blobId, 0, out);
  stored.catch(() => undefined);
  try {
    // The signing libraries load with the first package, not with the server.
    const { AsicWriter } = await import('../evidence/asic-writer.ts');
    const asic = new AsicWriter(out, { date: now });
    const sealed = await writeContents(ctx, org, sources, asic, now, cades);
    await stored;
    const digest = await ctx.blobs.finish(blobId);
    const row = {
      id: randomUUID(),
      organisation_id: org.id,
      appointment_id: sources.appointment.id,
      blob_id: blobId,
      size: digest.size,
      sha256: digest.sha256,
      file_count: sealed.files.length,
      seal_subject: cades.seal.subject,
      timestamped: cades.timestamp ? 1 : 0,
      created_by: actor,
      created_at: now.toISOString(),
    } satisfies EvidencePackageRow;
    await ctx.db.transaction().execute(async (trx) => {
      await packageRepo.insert(trx, row);
      await bookingRepo.addEvent(trx, org.id, sources.appointment.id, 'evidence.sealed', actor, row.created_at, {
        packageId: row.id,
        sha256: row.sha256,
        size: digest.size,
        files: sealed.files.length,
      });
      // The outbox row commits with the package: a sealed package whose procedure has a connector is never left undelivered.
      await enqueueDelivery(trx, ctx.config, { organisationId: org.id, appointmentId: sources.appointment.id, packageId: row.id, now, actor });
    });
    return { row, files: sealed.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })) };
  } catch (error) {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
    await stored.catch(() => undefined);
    await ctx.blobs.destroy(blobId).catch((destroyError: unknown) => ctx.log.warn({ err: destroyError, blobId }, 'unfinished evidence package blob not removed'));
    throw error;
  }
}

/** Adds every file, in a fixed order, then seals the manifest. */
async function writeContents(
  ctx: AppContext,
  org: Organisation,
  sources: PackageSources,
  asic: AsicWriter,
  now: Date,
  cades: CadesOptions,
) {
  const { appointment, events, documents, entry, recording, snapshots, steps, form } = sources;
  const year = Number(appointment.starts_at.slice(0, 4));
  const indexed: IndexedDocument[] = [];
  const eniDocs: { path: string; xml: Buffer }[] = [];
  const eniDoc = (file: string, format: string, id: string, documentType: 'TD09' | 'TD10' | 'TD99', capturedAt: Date, sha256: string) => {
    const identifier = eniDocumentId(org.dir3, year, localId('', id));
    indexed.push({ identifier, sha256, addedAt: now });
    eniDocs.push({
      path: `eni/${file.replace(/\.[^.]+$/, '')}.xml`,
      xml: buildEniDocument({
        identifier,
        organs: [org.dir3],
        capturedAt,
        fromAdministration: true,
        elaborationState: 'EE01',
        documentType,
        file,
        format,
        // Signed by the package's CAdES detached signature over the manifest that lists this file's digest.
        signatures: [{ type: 'TF04', reference: 'META-INF/signature.p7s' }],
      }),
    });
  };

  if (recording?.file_blob_id && recording.file_sha256) {
    const added = await asic.addFile('recording.webm', ctx.blobs.read(recording.file_blob_id), {
      mimeType: 'video/webm',
      ...(recording.file_size !== null ? { sizeHint: Number(recording.file_size) } : {}),
    });
    if (added.sha256 !== recording.file_sha256) throw new Error('the stored recording does not match its recorded SHA-256');
    eniDoc('recording.webm', 'webm', localId('REC', recording.id), 'TD10', new Date(recording.started_at), added.sha256);
  }

  for (const [i, snap] of snapshots.entries()) {
    const name = `snapshots/${String(i + 1).padStart(2, '0')}-${snap.kind.replace('_', '-')}.${snap.media_type === 'image/png' ? 'png' : 'jpg'}`;
    const added = await asic.addFile(name, ctx.blobs.read(snap.blob_id), { mimeType: snap.media_type, sizeHint: snap.size });
    if (added.sha256 !== snap.sha256) throw new Error(`snapshot ${snap.id} does not match its recorded SHA-256`);
  }

  if (entry?.receipt_sha256 && entry.receipt_size !== null) {
    const added = await asic.addFile('receipt.pdf', ctx.blobs.read(entry.receipt_blob_id), { mimeType: 'application/pdf', sizeHint: Number(entry.receipt_size) });
    if (added.sha256 !== entry.receipt_sha256) throw new Error('the stored receipt does not match its recorded SHA-256');
    eniDoc('receipt.pdf', 'pdf', localId('RE', entry.number), 'TD09', new Date(entry.created_at), added.sha256);
    await asic.addFile(
      'form.json',
      json({ registryNumber: entry.number, registeredAt: entry.created_at, summary: entry.summary, data: JSON.parse(entry.form_data) as unknown }),
      { mimeType: 'application/json' },
    );
  }

  if (!entry && form) {
    // Not registered (yet): the data the agent filled in, as last saved.
    await asic.addFile('form.json', json({ registryNumber: null, savedAt: form.saved_at, sha256: form.sha256, data: JSON.parse(form.data) as unknown }), { mimeType: 'application/json' });
  }
  if (steps.length > 0) {
    await asic.addFile(
      'protocol.json',
      json({ steps: steps.map((st) => ({ step: st.step, status: st.status, at: st.at, actor: st.actor, reason: st.reason, data: JSON.parse(st.data) as unknown })) }),
      { mimeType: 'application/json' },
    );
  }
  // The simple electronic signature by one-time code: the signed record and its CAdES signature, side by side.
  const consent = steps.find((st) => st.step === 'consent');
  const signatureBlob = consent ? (JSON.parse(consent.data) as { signatureBlobId?: string }).signatureBlobId : undefined;
  if (signatureBlob) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.blobs.read(signatureBlob)) chunks.push(chunk as Buffer); // a few KB
    const stored = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { record: string; cades: string };
    await asic.addFile('signature/consent-record.json', Buffer.from(stored.record, 'utf8'), { mimeType: 'application/json' });
    await asic.addFile('signature/consent-record.p7s', Buffer.from(stored.cades, 'base64'), { mimeType: 'application/pkcs7-signature' });
  }

  const chain = new EventChain();
  const chained: EvidenceEvent[] = [];
  const chat: { at: string; from: JsonValue; text: JsonValue }[] = [];
  for (const event of events) {
    const data = JSON.parse(event.data) as { [key: string]: JsonValue };
    chained.push(chain.append({ type: event.type, actor: event.actor, data }, new Date(event.at)));
    if (event.type === 'call.chat') chat.push({ at: event.at, from: data.from ?? null, text: data.text ?? null });
  }
  const log = await asic.addFile('events.json', eventLogJson({ version: 1, appointment: appointment.reference, events: chained }), { mimeType: 'application/json' });
  eniDoc('events.json', 'json', localId('EV', appointment.id), 'TD99', now, log.sha256);
  await asic.addFile('chat.json', json({ appointment: appointment.reference, messages: chat }), { mimeType: 'application/json' });

  const include = ctx.config.evidence.includeDocuments;
  const listed = documents.map((d, i) => ({
    file: include && d.blob_id && d.scan_status !== 'infected' ? documentPath(i, d.file_name) : null,
    name: d.file_name,
    mediaType: d.media_type,
    size: Number(d.size),
    sha256: d.sha256,
    uploadedAt: d.uploaded_at,
    uploadedBy: d.uploaded_by,
    scan: d.scan_status,
    review: d.review_status,
    rejectionReason: d.rejection_reason,
  }));
  await asic.addFile('documents/manifest.json', json({ included: include, documents: listed }), { mimeType: 'application/json' });
  for (const [i, d] of documents.entries()) {
    const file = listed[i]?.file;
    if (!file || !d.blob_id) continue;
    const added = await asic.addFile(file, ctx.blobs.read(d.blob_id), { mimeType: d.media_type, sizeHint: Number(d.size) });
    if (d.sha256 && added.sha256 !== d.sha256) throw new Error(`document ${d.id} does not match its recorded SHA-256`);
  }

  for (const doc of eniDocs) await asic.addFile(doc.path, doc.xml, { mimeType: 'application/xml' });
  const interested = /^[0-9XYZ][0-9]{7}[A-Z]$/.test(appointment.citizen_id_number) ? [appointment.citizen_id_number] : [];
  await asic.addFile(
    'eni/expediente.xml',
    buildEniFile({
      identifier: eniFileId(org.dir3, year, localId('', appointment.reference)),
      organs: [org.dir3],
      openedAt: new Date(appointment.created_at),
      classification: sources.classification,
      state: entry ? 'E02' : 'E01',
      interested,
      indexedAt: now,
      documents: indexed,
      indexSignatures: [{ type: 'TF04', reference: 'META-INF/signature.p7s' }],
    }),
    { mimeType: 'application/xml' },
  );
  return asic.seal(cades);
}

/** Staff seal a package of an appointment they can see (another office's: 404); an agent only of their own (403). */
export async function sealEvidenceAsStaff(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string): Promise<SealedEvidence> {
  const appointment = await attendedAppointment(ctx, org, viewer, appointmentId);
  // What retention purged cannot be sealed again: the package would lack it, or fail halfway.
  if (await retentionRepo.anythingPurged(ctx.db, appointment.id)) throw errors.conflict('evidence_purged');
  // A recording no page stopped (the agent's tab died) is stopped and finalised first, so the package holds it up to its last chunk.
  await settleRecording(ctx, appointment, true);
  return sealEvidencePackage(ctx, org, appointment.id, `staff:${viewer.id}`);
}

/** The packages of an appointment the viewer can see, newest first. */
export async function listEvidence(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string): Promise<EvidencePackageRow[]> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  return packageRepo.list(ctx.db, org.id, appointment.id);
}

/** One package of an appointment the viewer can see, for download; records who downloaded it. */
export async function evidenceForDownload(ctx: AppContext, org: Organisation, viewer: Staff, appointmentId: string, packageId: string): Promise<EvidencePackageRow> {
  const appointment = await visibleAppointment(ctx, org, viewer, appointmentId);
  const row = await packageRepo.one(ctx.db, org.id, appointment.id, packageId);
  if (!row) throw errors.notFound();
  await bookingRepo.addEvent(ctx.db, org.id, appointment.id, 'evidence.downloaded', `staff:${viewer.id}`, ctx.clock.now().toISOString(), { packageId: row.id });
  return row;
}

