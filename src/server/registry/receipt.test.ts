import fs from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import decodeQR from 'qr/decode.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startTestTsa, type TestTsa } from '../../../test/evidence-tools.ts';
import { OID, parseSignedData } from '../evidence/cms.ts';
import { checkTimestampToken } from '../evidence/timestamp.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import type { Organisation } from '../db/schema.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { citizenWithAppointment } from '../../../test/documents-helpers.ts';
import { registerAppointment } from './appointment-registry.service.ts';
import { issueReceipt } from './receipt.service.ts';
import { registryRepo } from './registry.repo.ts';
import { createEntry } from './registry.service.ts';

/** `pdfsig` exits 0 whatever it finds (STACK.md): its text is the verdict. */
async function pdfsig(file: string): Promise<string> {
  const r = await runTool('pdfsig', [file]);
  return r.stdout + r.stderr;
}

/** Renders page 1 at 150 dpi (PPM: a text header, then RGB bytes) and decodes the QR code on it. */
async function qrOnFirstPage(file: string): Promise<string> {
  const r = await runTool('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', file, `${file}-page`]);
  if (r.code !== 0) throw new Error(r.stderr);
  const ppm = fs.readFileSync(fs.readdirSync(path.dirname(file)).map((f) => path.join(path.dirname(file), f)).find((f) => f.startsWith(`${file}-page`)) ?? '');
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 50).toString('latin1'));
  if (!header?.[1] || !header[2]) throw new Error('not a PPM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return decodeQR({ width, height, data: ppm.subarray(header[0].length, header[0].length + width * height * 3) });
}

async function pdftotext(file: string): Promise<string> {
  const r = await runTool('pdftotext', ['-layout', file, '-']);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('the sealed receipt', () => {
  let t: TestApp;
  let org: Organisation;
  let dir = '';

  beforeAll(async () => {
    t = await createTestApp();
    org = (await organisationRepo.bySlug(t.ctx.db, 'alfa')) as Organisation;
    dir = fs.mkdtempSync(path.join(t.ctx.config.dataDir, 'receipts-'));
  });
  afterAll(async () => t.close());

  const register = async (language: 'ca' | 'es' | 'en') =>
    createEntry(t.ctx, org, {
      appointmentId: null,
      procedure: { id: await procedureId(t, org.id), name: JSON.stringify({ ca: 'Certificat de padró', es: 'Certificado de empadronamiento', en: 'Census certificate' }) },
      interested: { name: 'Núria Puig i Ferrer', idType: 'nif', idNumber: '12345678Z' },
      summary: 'Sol·licitud d’un certificat de convivència per a la beca. Łódź ✓',
      formData: { motiu: 'Beca', persones: 3, urgent: false },
      annexes: [
        { name: 'dni-anvers.pdf', sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', size: 1234 },
        { name: 'llibre-de-familia.jpg', sha256: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752', size: 99 },
      ],
      language,
      createdBy: 'system',
    });

  const stored = async (blobId: string, name: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, await buffer(t.ctx.blobs.read(blobId)));
    return file;
  };

  it('is a PAdES-signed PDF that pdfsig finds valid, with the number, the CSV, the documents and TEST SEAL', async () => {
    const entry = await register('ca');
    const receipt = await issueReceipt(t.ctx, org, entry);
    const file = await stored(receipt.blobId, 'ca.pdf');
    const sig = await pdfsig(file);
    expect(sig).toContain('Signature is Valid.');
    // A PAdES baseline signature (ETSI EN 319 142-1), not the older PKCS#7 kind.
    expect(sig).toContain('ETSI.CAdES.detached');
    expect(sig).toContain('TEST SEAL');
    const text = await pdftotext(file);
    expect(text).toContain(entry.number);
    expect(text).toContain(entry.csv);
    expect(text).toContain('TEST SEAL — not valid');
    expect(text).toContain("Justificant de registre d'entrada");
    expect(text).toContain('Certificat de padró');
    expect(text).toContain('12345678Z');
    expect(text).toContain('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    expect(text).toContain(`http://alfa.test/verify/${entry.csv}`);
    // The QR code, as a phone camera would read it off the printed page.
    expect(await qrOnFirstPage(file)).toBe(`http://alfa.test/verify/${entry.csv}`);
    // 08:00 in Madrid for the test clock's 07:00 UTC.
    expect(text).toContain('02/03/2026 08:00:00 (Europe/Madrid, UTC+01:00)');
    // Characters outside the font degrade, the receipt is still made.
    expect(text).toContain('Lódz ?');
    const row = await registryRepo.byCsv(t.ctx.db, org.id, entry.csv);
    expect(row?.receipt_sha256).toBe(receipt.sha256);
    expect(row?.receipt_size).toBe(fs.statSync(file).size);
  });

  it('is written in the citizen’s language, and issuing it again answers the same file', async () => {
    const entry = await register('es');
    const first = await issueReceipt(t.ctx, org, entry);
    const again = await issueReceipt(t.ctx, org, (await registryRepo.byCsv(t.ctx.db, org.id, entry.csv)) ?? entry);
    expect(again).toEqual(first);
    const text = await pdftotext(await stored(first.blobId, 'es.pdf'));
    expect(text).toContain('Justificante de registro de entrada');
    expect(text).toContain('Certificado de empadronamiento');
    expect(text).toContain('SELLO DE PRUEBA');
  });

  it('fails pdfsig once a byte of the signed content is changed', async () => {
    const entry = await register('en');
    const receipt = await issueReceipt(t.ctx, org, entry);
    const file = await stored(receipt.blobId, 'en.pdf');
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf(Buffer.from(entry.number, 'latin1'));
    expect(at).toBeGreaterThan(0);
    bytes[at + entry.number.length - 1] = '9'.charCodeAt(0) === bytes[at + entry.number.length - 1] ? '8'.charCodeAt(0) : '9'.charCodeAt(0);
    const tampered = path.join(dir, 'tampered.pdf');
    fs.writeFileSync(tampered, bytes);
    const sig = await pdfsig(tampered);
    expect(sig).not.toContain('Signature is Valid.');
    expect(sig).toMatch(/Signature is Invalid|Digest Mismatch/);
  });
});

describe('the sealed receipt with a time-stamp authority', () => {
  let t: TestApp;
  let tsa: TestTsa;

  beforeAll(async () => {
    tsa = await startTestTsa();
    t = await createTestApp({ env: { TSA_URL: tsa.url, SEAL_POLICY: 'age-1.9' } });
  });
  afterAll(async () => {
    await t.close();
    await tsa.close();
  });

  it('carries an RFC 3161 signature timestamp over the signature value, and pdfsig still finds it valid', async () => {
    const org = (await organisationRepo.bySlug(t.ctx.db, 'alfa')) as Organisation;
    const entry = await createEntry(t.ctx, org, {
      appointmentId: null,
      procedure: { id: await procedureId(t, org.id), name: JSON.stringify({ ca: 'Certificat' }) },
      interested: { name: 'Pau Serra', idType: 'nie', idNumber: 'X1234567L' },
      summary: 'Prova amb segell de temps',
      formData: {},
      annexes: [],
      language: 'en',
      createdBy: 'system',
    });
    const receipt = await issueReceipt(t.ctx, org, entry);
    expect(tsa.requests).toBe(1);
    const pdf = await buffer(t.ctx.blobs.read(receipt.blobId));
    const file = path.join(t.ctx.config.dataDir, 'tsa.pdf');
    fs.writeFileSync(file, pdf);
    expect(await pdfsig(file)).toContain('Signature is Valid.');
    // The CMS in /Contents: its signer's unsigned attributes hold the TSA's token over the signature value.
    const [, start = '0', end = '0'] = /\/ByteRange \[0 (\d+) (\d+) \d+\]/.exec(pdf.toString('latin1')) ?? [];
    // DER is self-delimiting: the zero padding after the CMS is ignored by the parser.
    const signedData = parseSignedData(Buffer.from(pdf.subarray(Number(start) + 1, Number(end) - 1).toString('latin1'), 'hex'));
    const signer = signedData.signerInfos[0];
    const token = signer?.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStamp)?.values[0];
    expect(token).toBeDefined();
    const info = checkTimestampToken(Buffer.from(token?.toBER(false) ?? new ArrayBuffer(0)), Buffer.from(signer?.signature.valueBlock.valueHexView ?? []));
    expect(info.tsaSubject).toContain('Finestreta Test TSA');
    expect(signer?.signedAttrs?.attributes.some((a) => a.type === OID.signaturePolicy)).toBe(true);
  });

  it('keeps the entry when the TSA fails, and completes the receipt on the next call', async () => {
    const org = (await organisationRepo.bySlug(t.ctx.db, 'alfa')) as Organisation;
    const citizen = await citizenWithAppointment(t, { procedureId: await procedureId(t, org.id), startsAt: '2026-03-02T10:00:00.000Z', email: 'tsa@example.org', idNumber: '23456789D' });
    tsa.tamper = () => Buffer.from('nonsense');
    try {
      await expect(registerAppointment(t.ctx, org, citizen.appointmentId, { a: 1 }, 'Prova', 'system')).rejects.toMatchObject({ status: 503, id: 'receipt_not_ready' });
    } finally {
      tsa.tamper = null;
    }
    const kept = await registryRepo.byAppointment(t.ctx.db, org.id, citizen.appointmentId);
    expect(kept?.receipt_sha256).toBeNull();
    const done = await registerAppointment(t.ctx, org, citizen.appointmentId, { a: 2 }, 'Una altra', 'system');
    expect(done.number).toBe(kept?.number);
    expect(done.entry.receipt_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(done.entry.summary).toBe('Prova');
    expect(done.receiptKey).toBe(kept?.receipt_blob_id);
  });
});
