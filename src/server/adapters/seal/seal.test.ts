import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, runTool } from '../../../../test/evidence-tools.ts';
import { loadSeal } from './load-seal.ts';
import { sealFromPkcs12 } from './p12-seal.ts';

describe('the organ seal', () => {
  let dir = '';
  const warnings: string[] = [];
  const log = { warn: (_o: object, msg: string) => void warnings.push(msg), info: () => undefined };
  const openssl = async (...args: string[]) => {
    const r = await runTool('openssl', args);
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  };

  beforeAll(() => {
    requireTool('openssl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-seal-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates a TEST SEAL into DATA_DIR on first start, loudly, and reuses it afterwards', async () => {
    const dataDir = path.join(dir, 'data');
    const seal = loadSeal({ p12Path: undefined, p12Password: undefined }, dataDir, log);
    expect(seal.isTest).toBe(true);
    expect(seal.subject).toContain('TEST SEAL');
    expect(warnings.some((w) => w.includes('DEVELOPMENT SEAL GENERATED'))).toBe(true);
    const p12 = path.join(dataDir, 'secrets/dev-seal.p12');
    expect(fs.statSync(p12).mode & 0o777).toBe(0o600);
    // Standard tools read it with the password kept beside it.
    const password = fs.readFileSync(path.join(dataDir, 'secrets/dev-seal.password'), 'utf8').trim();
    const info = await openssl('pkcs12', '-in', p12, '-passin', `pass:${password}`, '-nokeys', '-clcerts');
    expect(info).toContain('TEST SEAL');
    warnings.length = 0;
    const again = loadSeal({ p12Path: undefined, p12Password: undefined }, dataDir, log);
    expect(again.certificate.equals(seal.certificate)).toBe(true);
    expect(warnings.some((w) => w.includes('GENERATED'))).toBe(false);
    expect(warnings.some((w) => w.includes('TEST SEAL'))).toBe(true);
    const sig = seal.sign(Buffer.from('hello'));
    expect(verify('sha256', Buffer.from('hello'), new X509Certificate(seal.certificate).publicKey, sig)).toBe(true);
  });

  it.each([
    ['OpenSSL 3 defaults (PBES2/AES-256, SHA-256 MAC), RSA', 'rsa', []],
    ['3DES and a SHA-1 MAC (Windows exports), RSA', 'rsa', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
    ['OpenSSL 3 defaults, EC P-256', 'ec', []],
  ])('opens a PKCS#12 from SEAL_P12_PATH: %s', async (_label, type, extra) => {
    const key = path.join(dir, `${type}-${extra.length}.key`);
    const crt = path.join(dir, `${type}-${extra.length}.crt`);
    const p12 = path.join(dir, `${type}-${extra.length}.p12`);
    const newkey = type === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    await openssl('req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=Ajuntament de Prova - Segell/O=Ajuntament de Prova/C=ES');
    await openssl('pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12, '-passout', 'pass:s3cret pass', ...extra);
    const seal = loadSeal({ p12Path: p12, p12Password: 's3cret pass' }, dir, log);
    expect(seal.isTest).toBe(false);
    expect(seal.subject).toContain('Ajuntament de Prova');
    expect(seal.signatureAlgorithm).toBe(type === 'ec' ? '1.2.840.10045.4.3.2' : '1.2.840.113549.1.1.11');
    const sig = seal.sign(Buffer.from('data'));
    expect(verify('sha256', Buffer.from('data'), { key: createPublicKey(fs.readFileSync(crt)), dsaEncoding: 'der' }, sig)).toBe(true);
  });

  it('refuses a wrong password without repeating it', async () => {
    const p12 = path.join(dir, 'rsa-0.p12');
    expect(() => sealFromPkcs12(fs.readFileSync(p12), 'not-the-password')).toThrow(/wrong password/);
    try {
      sealFromPkcs12(fs.readFileSync(p12), 'not-the-password');
    } catch (error) {
      expect(String(error)).not.toContain('not-the-password');
    }
    expect(() => sealFromPkcs12(Buffer.from('garbage'), 'x')).toThrow(/not a valid PKCS#12/);
  });
});
