import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryDataRanges, repackWith, sampleEvents, writeSamplePackage } from '../../../test/evidence-package.ts';
import { makeTestSeal, requireTool, runTool, startTestTsa, STANDARDS_DIR, xmllintSchema, type TestTsa } from '../../../test/evidence-tools.ts';
import type { OrganSeal } from '../adapters/seal/seal.ts';
import { OID, parseSignedData, verifySigner } from './cms.ts';
import { eventLogJson } from './event-log.ts';
import { verifyPackage } from './verify-package.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/finestreta.js');

describe('the ASiC-E evidence package', () => {
  let dir = '';
  let tsa: TestTsa;
  let seal: { seal: OrganSeal; certFile: string };
  let pkg = '';
  const extract = async (name: string) => {
    const out = path.join(dir, 'x', name);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const r = spawnSync('unzip', ['-p', pkg, name], { maxBuffer: 64 << 20 });
    fs.writeFileSync(out, r.stdout);
    return out;
  };

  beforeAll(async () => {
    requireTool('unzip');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-asic-'));
    [tsa, seal] = await Promise.all([startTestTsa(), makeTestSeal(dir)]);
    pkg = path.join(dir, 'evidence.asice');
    await writeSamplePackage(pkg, seal.seal, { tsaUrl: tsa.url });
  });
  afterAll(async () => {
    await tsa.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is a ZIP that standard tools read, with mimetype first, stored and without extra field', async () => {
    const test = await runTool('unzip', ['-t', pkg]);
    expect(test.stdout).toContain('No errors detected');
    const head = fs.readFileSync(pkg).subarray(0, 38 + 31);
    expect(head.readUInt16LE(8)).toBe(0); // stored
    expect(head.readUInt16LE(28)).toBe(0); // no extra field
    expect(head.toString('latin1', 30)).toBe('mimetypeapplication/vnd.etsi.asic-e+zip');
    const list = await runTool('unzip', ['-Z1', pkg]);
    expect(list.stdout.split('\n').filter(Boolean)).toEqual([
      'mimetype', 'recording.webm', 'snapshots/id-front.jpg', 'snapshots/face.jpg', 'events.json', 'form.json', 'chat.json', 'documents.json', 'receipt.pdf',
      'eni/recording.xml', 'eni/receipt.xml', 'eni/expediente.xml', 'META-INF/ASiCManifest.xml', 'META-INF/signature.p7s',
    ]);
  });

  it('has a manifest valid against the official ASiC schema, listing the SHA-256 of every file', async () => {
    const manifest = await extract('META-INF/ASiCManifest.xml');
    const result = await xmllintSchema('asic/en_31916201v010101.xsd', manifest);
    expect(result.stderr).toContain('validates');
    expect(result.code).toBe(0);
    const recording = spawnSync('unzip', ['-p', pkg, 'recording.webm'], { maxBuffer: 64 << 20 }).stdout;
    expect(fs.readFileSync(manifest, 'utf8')).toContain(`<ds:DigestValue>${createHash('sha256').update(recording).digest('base64')}</ds:DigestValue>`);
  });

  it('has ENI documento and expediente files valid against the official ENI schemas', async () => {
    for (const name of ['eni/recording.xml', 'eni/receipt.xml']) {
      const result = await xmllintSchema('eni/documentoEni.xsd', await extract(name));
      expect(result.stderr, name).toContain('validates');
      expect(result.code, name).toBe(0);
    }
    const file = await xmllintSchema('eni/expedienteEni.xsd', await extract('eni/expediente.xml'));
    expect(file.stderr).toContain('validates');
    expect(file.code).toBe(0);
  });

  it('is signed over the manifest so that openssl cms -verify and openssl ts -verify accept it', async () => {
    const manifest = await extract('META-INF/ASiCManifest.xml');
    const p7s = await extract('META-INF/signature.p7s');
    const cms = await runTool('openssl', ['cms', '-verify', '-binary', '-content', manifest, '-inform', 'DER', '-in', p7s, '-CAfile', seal.certFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(cms.stderr).toContain('Verification successful');
    const signer = verifySigner(parseSignedData(fs.readFileSync(p7s)), (h) => createHash(h).update(fs.readFileSync(manifest)).digest());
    const token = signer.signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStamp)?.values[0];
    const tokenFile = path.join(dir, 'x', 'token.der');
    fs.writeFileSync(tokenFile, Buffer.from(token?.toBER(false) ?? new ArrayBuffer(0)));
    const ts = await runTool('openssl', ['ts', '-verify', '-digest', createHash('sha256').update(signer.signature).digest('hex'), '-token_in', '-in', tokenFile, '-CAfile', tsa.caFile]);
    expect(ts.stdout).toContain('Verification: OK');
  });

  it('passes finestreta verify (exit 0), schema check and trust list included', async () => {
    const verdict = await verifyPackage(pkg, { schemasDir: STANDARDS_DIR });
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.report.join('\n')).toMatch(/RFC 3161 timestamp verifies/);
    const cli = spawnSync(process.execPath, [BIN, 'verify', pkg, '--schemas', STANDARDS_DIR, '--ca', seal.certFile], { encoding: 'utf8' });
    expect(cli.stdout).toContain('VALID');
    expect(cli.stdout).toContain('hash chain of 5 event(s) intact');
    expect(cli.stdout).toContain('issued by a trusted certificate');
    expect(cli.status).toBe(0);
  });

  it('fails verify naming the file when a byte of any file is flipped', async () => {
    const ranges = await entryDataRanges(pkg);
    const original = fs.readFileSync(pkg);
    for (const [name, { start, size }] of ranges) {
      const tampered = Buffer.from(original);
      const at = start + Math.floor(size / 2);
      tampered.writeUInt8(tampered.readUInt8(at) ^ 0x01, at);
      const file = path.join(dir, 'tampered.asice');
      fs.writeFileSync(file, tampered);
      const verdict = await verifyPackage(file);
      // A flipped byte of the signature may land in the signature value, the certificate or the timestamp.
      expect(verdict.ok ? null : verdict.file, name).toBe(name);
    }
    const cli = spawnSync(process.execPath, [BIN, 'verify', path.join(dir, 'tampered.asice')], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^INVALID: META-INF\/signature\.p7s: /);
  });

  it('fails verify naming the recording when it is replaced', async () => {
    const forged = path.join(dir, 'forged.asice');
    await repackWith(pkg, forged, { 'recording.webm': Buffer.from('another recording') });
    const verdict = await verifyPackage(forged);
    expect(verdict).toMatchObject({ ok: false, file: 'recording.webm' });
    const cli = spawnSync(process.execPath, [BIN, 'verify', forged], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('INVALID: recording.webm: does not match its digest in the manifest');
  });

  it('fails verify naming events.json when events were reordered, even in a correctly sealed package', async () => {
    const events = sampleEvents();
    const [a, b] = [events[1], events[2]];
    if (!a || !b) throw new Error('sample too short');
    events[1] = b;
    events[2] = a;
    const swapped = path.join(dir, 'swapped.asice');
    await writeSamplePackage(swapped, seal.seal, { events });
    const verdict = await verifyPackage(swapped);
    expect(verdict).toMatchObject({ ok: false, file: 'events.json' });
    expect(verdict.ok ? '' : verdict.problem).toMatch(/event 3 does not chain/);
    // And a repack with the reordered log alone fails on the digest first.
    const repacked = path.join(dir, 'repacked.asice');
    await repackWith(pkg, repacked, { 'events.json': eventLogJson({ version: 1, appointment: 'apt-0001', events }) });
    expect(await verifyPackage(repacked)).toMatchObject({ ok: false, file: 'events.json' });
  });

  it('refuses a file smuggled in beside the signed ones, and a package without timestamp still verifies (CAdES-B)', async () => {
    const plain = path.join(dir, 'plain.asice');
    await writeSamplePackage(plain, seal.seal);
    const verdict = await verifyPackage(plain);
    expect(verdict.ok).toBe(true);
    expect(verdict.report.join('\n')).not.toContain('timestamp');
    const copy = path.join(dir, 'copy.asice');
    await repackWith(plain, copy, {});
    expect((await verifyPackage(copy)).ok).toBe(true);
    const smuggled = path.join(dir, 'smuggled.asice');
    await repackWith(plain, smuggled, {}, { 'snapshots/extra.jpg': Buffer.from('not filmed') });
    expect(await verifyPackage(smuggled)).toMatchObject({ ok: false, file: 'snapshots/extra.jpg' });
  });
});
