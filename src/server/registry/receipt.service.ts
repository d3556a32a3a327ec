import { Readable } from 'node:stream';
import { bookingRepo } from '../booking/booking.repo.ts';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { isLanguage } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { RECEIPT_LABELS } from './receipt.labels.ts';
import { registryRepo } from './registry.repo.ts';
import { entryAnnexes } from './registry.service.ts';
import type { RegistryEntryRow } from './registry.tables.ts';

/** The public page where anyone holding a receipt checks it (the QR code's target). */
export async function verifyUrl(ctx: AppContext, org: Pick<Organisation, 'id' | 'slug'>, csv: string): Promise<string> {
  return `${await organisationBaseUrl(ctx, org.id, org.slug)}/verify/${csv}`;
}

/** The receipt's digest and size, as stored. */
export interface SealedReceipt {
  blobId: string;
  sha256: string;
  size: number;
}

/**
 * Writes the entry's receipt: renders it in the entry's language, seals it
 * (PAdES, the organ seal, a timestamp when a TSA is configured) and stores
 * it encrypted under the key fixed at the entry's creation. Idempotent and
 * resumable: a receipt already sealed is returned as it is; a blob left
 * unfinished by a crash is destroyed and written again (the number and
 * CSV do not change, only the signing time).
 */
export function issueReceipt(ctx: AppContext, org: Organisation, entry: RegistryEntryRow): Promise<SealedReceipt> {
  // One writer per receipt in this process (two clicks at once); the second waits for the first's answer.
  const key = `${org.id}:${entry.id}`;
  const running = inFlight.get(key);
  if (running) return running;
  const work = writeReceipt(ctx, org, entry).finally(() => inFlight.delete(key));
  inFlight.set(key, work);
  return work;
}

const inFlight = new Map<string, Promise<SealedReceipt>>();

async function writeReceipt(ctx: AppContext, org: Organisation, entry: RegistryEntryRow): Promise<SealedReceipt> {
  const blobId = entry.receipt_blob_id;
  if (entry.receipt_sha256 !== null && entry.receipt_size !== null) return { blobId, sha256: entry.receipt_sha256, size: entry.receipt_size };
  const stat = await ctx.blobs.stat(blobId);
  if (stat?.finished) {
    const digest = await ctx.blobs.finish(blobId);
    // Sealed before a crash by this installation's seal (the one a restart opens again).
    await recordReceipt(ctx, org, entry, { ...digest, sealedAt: ctx.clock.now().toISOString(), sealSubject: (await ctx.seals.seal(org.id)).subject });
    return { blobId, ...digest };
  }
  if (stat) await ctx.blobs.destroy(blobId);

  const language = isLanguage(entry.language) ? entry.language : 'ca';
  const seal = await ctx.seals.seal(org.id);
  // pdf-lib, qr and the signing libraries load with the first receipt, not with the server.
  const [{ renderReceipt }, { signPdf }] = await Promise.all([import('./receipt-pdf.ts'), import('../evidence/pades.ts')]);
  const doc = await renderReceipt({
    language,
    entryNumber: entry.number,
    registeredAt: entry.created_at,
    timeZone: org.time_zone,
    organ: { name: org.name, dir3: org.dir3 },
    procedure: pickLocalised(JSON.parse(entry.procedure_name) as Record<string, string>, language),
    interested: { name: entry.interested_name, idType: entry.interested_id_type, idNumber: entry.interested_id_number },
    summary: entry.summary,
    formData: JSON.parse(entry.form_data) as Record<string, unknown>,
    annexes: entryAnnexes(entry),
    csv: entry.csv,
    verifyUrl: await verifyUrl(ctx, org, entry.csv),
    seal: { subject: seal.subject, isTest: seal.isTest },
  });
  const signedAt = ctx.clock.now();
  const pdf = await signPdf(doc, await ctx.seals.cadesOptions(signedAt, org.id), {
    name: org.name,
    reason: `${RECEIPT_LABELS[language].title} ${entry.number}`,
    location: org.dir3,
  });
  // The receipt is a few tens of kilobytes made here, not a user's upload: it goes to the store as one chunk.
  await ctx.blobs.create(blobId);
  await ctx.blobs.append(blobId, 0, Readable.from([pdf]));
  const digest = await ctx.blobs.finish(blobId);
  await recordReceipt(ctx, org, entry, { ...digest, sealedAt: signedAt.toISOString(), sealSubject: seal.subject });
  ctx.log.info({ entryId: entry.id, number: entry.number, size: digest.size }, 'registry receipt sealed');
  return { blobId, ...digest };
}

/** Writes the receipt's digest on the entry and, for an appointment's entry, the event in its history, together and once. */
async function recordReceipt(
  ctx: AppContext,
  org: Organisation,
  entry: RegistryEntryRow,
  receipt: { sha256: string; size: number; sealedAt: string; sealSubject: string },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const recorded = await registryRepo.attachReceipt(trx, org.id, entry.id, receipt);
    if (recorded && entry.appointment_id !== null) {
      await bookingRepo.addEvent(trx, org.id, entry.appointment_id, 'registry.receipt_sealed', 'system', receipt.sealedAt, {
        number: entry.number,
        sha256: receipt.sha256,
        size: receipt.size,
      });
    }
  });
}
