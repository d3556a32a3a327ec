import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, runTool } from '../../../test/evidence-tools.ts';
import { AppError } from '../http/errors.ts';
import { testSealP12 } from './seal-admin.fixture.ts';
import { inspectPkcs12, MAX_SEAL_P12_BYTES } from './seal-inspect.ts';

/** The error id `fn` throws, or null. */
function refusal(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof AppError ? error.id : `unexpected ${String(error)}`;
  }
}

describe('checking an uploaded seal', () => {
  let dir = '';
  const openssl = async (...args: string[]) => {
    const r = await runTool('openssl', args);
    if (r.code !== 0) throw new Error(r.stderr);
  };
  /** A PKCS#12 made by openssl, as a certification authority's export would be. */
  const opensslP12 = async (name: string, newkey: string[], extra: string[] = [], ext = 'keyUsage=critical,nonRepudiation') => {
    const key = path.join(dir, `${name}.key`);
    const crt = path.join(dir, `${name}.crt`);
    const p12 = path.join(dir, `${name}.p12`);
    await openssl('req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', '/CN=Ajuntament de Prova - Segell/O=Ajuntament de Prova/C=ES', '-addext', ext);
    await openssl('pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12, '-passout', 'pass:segell', ...extra);
    return fs.readFileSync(p12);
  };

  beforeAll(() => {
    requireTool('openssl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-seal-inspect-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts an openssl EC P-256 seal that allows only non-repudiation, and describes it', async () => {
    const { details, seal } = inspectPkcs12(await opensslP12('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']), 'segell', new Date());
    expect(details.keyType).toBe('EC P-256');
    expect(details.keyUsage).toEqual(['nonRepudiation']);
    expect(details.subject).toBe('CN=Ajuntament de Prova - Segell, O=Ajuntament de Prova, C=ES');
    expect(seal.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
  });

  it('accepts an older 3DES export with a SHA-1 MAC', async () => {
    const p12 = await opensslP12('des', ['-newkey', 'rsa:2048'], ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], 'keyUsage=critical,digitalSignature');
    expect(inspectPkcs12(p12, 'segell', new Date()).details.keyType).toBe('RSA 2048');
  });

  it('refuses a wrong password, an EC key on a curve it does not sign with, and a certificate for encryption only', async () => {
    expect(refusal(() => inspectPkcs12(fs.readFileSync(path.join(dir, 'ec.p12')), 'wrong', new Date()))).toBe('seal_wrong_password');
    const k1 = await opensslP12('k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']);
    expect(refusal(() => inspectPkcs12(k1, 'segell', new Date()))).toBe('seal_key_unsupported');
    const encipher = await opensslP12('enc', ['-newkey', 'rsa:2048'], [], 'keyUsage=critical,keyEncipherment');
    expect(refusal(() => inspectPkcs12(encipher, 'segell', new Date()))).toBe('seal_key_usage');
  });

  it('judges validity at the instant given, to the millisecond', () => {
    const notAfter = new Date('2027-01-01T00:00:00Z');
    const { p12 } = testSealP12({ password: 'x', now: new Date('2026-06-01T00:00:00Z'), notAfter });
    expect(refusal(() => inspectPkcs12(p12, 'x', notAfter))).toBeNull();
    expect(refusal(() => inspectPkcs12(p12, 'x', new Date(notAfter.getTime() + 1000)))).toBe('seal_expired');
  });

  it('refuses a file larger than the cap before opening it', () => {
    expect(refusal(() => inspectPkcs12(Buffer.alloc(MAX_SEAL_P12_BYTES + 1), 'x', new Date()))).toBe('seal_file_too_large');
  });
});
