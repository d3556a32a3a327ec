import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { OrganSeal } from '../src/server/adapters/seal/seal.ts';
import { createTsaClient } from '../src/server/adapters/tsa/tsa-client.ts';
import { AsicWriter, type SealedPackage } from '../src/server/evidence/asic-writer.ts';
import { AGE_POLICY_1_9 } from '../src/server/evidence/cades.ts';
import { buildEniDocument, buildEniFile, eniDocumentId, eniFileId } from '../src/server/evidence/eni.ts';
import { EventChain, eventLogJson, type EvidenceEvent } from '../src/server/evidence/event-log.ts';
import { ZipWriter } from '../src/server/evidence/zip-writer.ts';

/** `bytes` of deterministic pseudo-random data as a stream of 64 KiB chunks (a stand-in recording). */
export function fakeRecording(bytes: number, seed = 1): Readable {
  let sent = 0;
  let x = seed;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      const n = Math.min(65_536, bytes - sent);
      const chunk = Buffer.allocUnsafe((n + 3) & ~3);
      for (let i = 0; i < chunk.length; i += 4) {
        x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
        chunk.writeUInt32LE(x, i);
      }
      sent += n;
      this.push(chunk.subarray(0, n));
    },
  });
}

/** A small event log as the protocol will write it. */
export function sampleEvents(): EvidenceEvent[] {
  const chain = new EventChain();
  const t = Date.parse('2026-11-30T09:00:00Z');
  return [
    chain.append({ type: 'recording.notice', actor: 'agent:a1' }, new Date(t)),
    chain.append({ type: 'recording.started', actor: 'agent:a1', data: { segment: 1 } }, new Date(t + 1000)),
    chain.append({ type: 'identification.snapshot', actor: 'agent:a1', data: { kind: 'id-front', sha256: 'ab'.repeat(32) } }, new Date(t + 60_000)),
    chain.append({ type: 'consent.confirmed', actor: 'citizen', data: { text: 'Confirmo que les dades són correctes' } }, new Date(t + 300_000)),
    chain.append({ type: 'recording.stopped', actor: 'agent:a1' }, new Date(t + 360_000)),
  ];
}

/** Builds a complete evidence package like the one issue 6 describes, with small stand-ins for the artefacts. */
export async function writeSamplePackage(
  file: string,
  seal: OrganSeal,
  options: { tsaUrl?: string; events?: EvidenceEvent[]; recordingBytes?: number; forceZip64?: boolean } = {},
): Promise<SealedPackage> {
  const at = new Date('2026-11-30T09:10:00Z');
  const asic = new AsicWriter(createWriteStream(file), { date: at, ...(options.forceZip64 ? { forceZip64: true } : {}) });
  const recording = await asic.addFile('recording.webm', fakeRecording(options.recordingBytes ?? 3_000_000), { mimeType: 'video/webm' });
  await asic.addFile('snapshots/id-front.jpg', Buffer.from('\xff\xd8 front of the ID card', 'latin1'), { mimeType: 'image/jpeg' });
  await asic.addFile('snapshots/face.jpg', Buffer.from('\xff\xd8 face', 'latin1'), { mimeType: 'image/jpeg' });
  await asic.addFile('events.json', eventLogJson({ version: 1, appointment: 'apt-0001', events: options.events ?? sampleEvents() }), { mimeType: 'application/json' });
  await asic.addFile('form.json', Buffer.from(JSON.stringify({ nom: 'Marta', dni: '12345678Z' })), { mimeType: 'application/json' });
  await asic.addFile('chat.json', Buffer.from('[]'), { mimeType: 'application/json' });
  await asic.addFile('documents.json', Buffer.from('[]'), { mimeType: 'application/json' });
  const receipt = await asic.addFile('receipt.pdf', Buffer.from('%PDF-1.7 stand-in receipt'), { mimeType: 'application/pdf' });
  const recordingId = eniDocumentId('L01080193', 2026, 'REC000001');
  const receiptId = eniDocumentId('L01080193', 2026, 'REGE2026000123');
  const sig = [{ type: 'TF04' as const, reference: 'META-INF/signature.p7s' }];
  const common = { organs: ['L01080193'], capturedAt: at, elaborationState: 'EE01' as const, signatures: sig };
  await asic.addFile('eni/recording.xml', buildEniDocument({ ...common, identifier: recordingId, fromAdministration: true, documentType: 'TD99', file: 'recording.webm', format: 'webm' }), { mimeType: 'application/xml' });
  await asic.addFile('eni/receipt.xml', buildEniDocument({ ...common, identifier: receiptId, fromAdministration: true, documentType: 'TD09', file: 'receipt.pdf', format: 'pdf' }), { mimeType: 'application/xml' });
  await asic.addFile(
    'eni/expediente.xml',
    buildEniFile({
      identifier: eniFileId('L01080193', 2026, 'apt0001'),
      organs: ['L01080193'],
      openedAt: at,
      classification: '2960445',
      state: 'E02',
      interested: ['12345678Z'],
      indexedAt: at,
      documents: [
        { identifier: recordingId, sha256: recording.sha256, addedAt: at },
        { identifier: receiptId, sha256: receipt.sha256, addedAt: at },
      ],
      indexSignatures: sig,
    }),
    { mimeType: 'application/xml' },
  );
  const tsa = options.tsaUrl ? createTsaClient(options.tsaUrl) : null;
  // Signed now: the test seal's certificate is made when the tests start (valid from then), and a real TSA stamps the
  // current time, which verify wants close to the signing time. (A fixed time here failed every run after it passed.)
  return asic.seal({ seal, signingTime: new Date(), policy: AGE_POLICY_1_9, timestamp: tsa ? async (imprint) => (await tsa.timestamp(imprint)).token : null });
}

/** Where each entry's data lies in a ZIP file (to flip a byte of one file). */
export async function entryDataRanges(file: string): Promise<Map<string, { start: number; size: number }>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false }, (e, z) => (e ? reject(e) : resolve(z))));
  const entries: yauzl.Entry[] = await new Promise((resolve) => {
    const list: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      list.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(list));
    zip.readEntry();
  });
  zip.close();
  const handle = await open(file, 'r');
  const ranges = new Map<string, { start: number; size: number }>();
  for (const entry of entries) {
    const header = Buffer.alloc(30);
    await handle.read(header, 0, 30, entry.relativeOffsetOfLocalHeader);
    ranges.set(entry.fileName, { start: entry.relativeOffsetOfLocalHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), size: entry.uncompressedSize });
  }
  await handle.close();
  return ranges;
}

/** Copies a ZIP entry by entry through our writer, replacing the content of the named ones and adding others (a forger's repack). */
export async function repackWith(source: string, target: string, replace: Record<string, Buffer>, add: Record<string, Buffer> = {}): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(source, { lazyEntries: true, autoClose: false }, (e, z) => (e ? reject(e) : resolve(z))));
  const writer = new ZipWriter(createWriteStream(target));
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const replacement = replace[entry.fileName];
        const done = entry.fileName === 'mimetype'
          ? new Promise<Buffer>((res) => {
              const chunks: Buffer[] = [];
              stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => res(Buffer.concat(chunks)));
            }).then((b) => writer.addBuffer('mimetype', b))
          : writer.addStream(entry.fileName, replacement ? [replacement] : stream);
        done.then(() => zip.readEntry(), reject);
      });
    });
    zip.once('end', resolve);
    zip.readEntry();
  });
  zip.close();
  for (const [name, data] of Object.entries(add)) await writer.addStream(name, [data]);
  await writer.finish();
}
