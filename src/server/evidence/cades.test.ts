import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestSeal, runTool, startTestTsa, type TestTsa } from '../../../test/evidence-tools.ts';
import type { OrganSeal } from '../adapters/seal/seal.ts';
import { createTsaClient } from '../adapters/tsa/tsa-client.ts';
import { AGE_POLICY_1_9, signCadesDetached } from './cades.ts';
import { checkSigningCertificate, OID, parseSignedData, verifySigner } from './cms.ts';
import { checkTimestampToken } from './timestamp.ts';

describe('CAdES detached signatures and RFC 3161 timestamps', () => {
  let dir = '';
  let tsa: TestTsa;
  let rsa: { seal: OrganSeal; certFile: string };
  let ec: { seal: OrganSeal; certFile: string };
  const content = Buffer.from('<manifest>the signed bytes</manifest>\n');
  const digest = createHash('sha256').update(content).digest();
  const file = (name: string, data: Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  };
  const opensslVerify = (p7s: string, contentFile: string, caFile: string) =>
    runTool('openssl', ['cms', '-verify', '-binary', '-content', contentFile, '-inform', 'DER', '-in', p7s, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null']);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-cades-'));
    [tsa, rsa, ec] = await Promise.all([startTestTsa(), makeTestSeal(dir, 'rsa'), makeTestSeal(dir, 'ec')]);
  });
  afterAll(async () => {
    await tsa.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['rsa', 'ec'] as const)('signs (%s) so that openssl cms -verify accepts it, with the CAdES signed attributes', async (type) => {
    const { seal, certFile } = type === 'rsa' ? rsa : ec;
    const signingTime = new Date('2026-11-30T09:15:00Z');
    const p7s = await signCadesDetached(digest, { seal, signingTime });
    const result = await opensslVerify(file(`${type}.p7s`, p7s), file('content.xml', content), certFile);
    expect(result.stderr).toContain('Verification successful');
    expect(result.code).toBe(0);

    const signer = verifySigner(parseSignedData(p7s), (h) => createHash(h).update(content).digest());
    expect(signer.signingTime?.toISOString()).toBe(signingTime.toISOString());
    expect(checkSigningCertificate(signer)).toBe(true);
    expect([...signer.signedAttrs.keys()].sort()).toEqual([OID.contentType, OID.messageDigest, OID.signingTime, OID.signingCertificateV2].sort());
    // openssl prints the signing-certificate-v2 and signing-time it parsed.
    const printed = await runTool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, `${type}.p7s`)]);
    expect(printed.stdout).toContain('id-smime-aa-signingCertificateV2');
    expect(printed.stdout).toContain('signingTime');
  });

  it('refuses other content, with openssl and with our own check', async () => {
    const p7s = file('other.p7s', await signCadesDetached(digest, { seal: rsa.seal, signingTime: new Date() }));
    const tampered = Buffer.from(content);
    tampered.writeUInt8(tampered.readUInt8(3) ^ 1, 3);
    const result = await opensslVerify(p7s, file('tampered.xml', tampered), rsa.certFile);
    expect(result.code).not.toBe(0);
    expect(() => verifySigner(parseSignedData(fs.readFileSync(p7s)), (h) => createHash(h).update(tampered).digest())).toThrow(/does not match the message digest/);
  });

  it('carries the AGE signature policy when configured (CAdES-EPES)', async () => {
    const p7s = await signCadesDetached(digest, { seal: rsa.seal, signingTime: new Date(), policy: AGE_POLICY_1_9 });
    const p = file('policy.p7s', p7s);
    expect((await opensslVerify(p, file('content.xml', content), rsa.certFile)).code).toBe(0);
    const printed = await runTool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', p]);
    expect(printed.stdout).toContain('2.16.724.1.3.1.1.2.1.9');
    expect(printed.stdout).toContain('politica_de_firma_anexo_1.pdf');
  });

  it('adds a signature timestamp from a real TSA (CAdES-T) that openssl ts -verify accepts', async () => {
    const client = createTsaClient(tsa.url);
    const p7s = await signCadesDetached(digest, { seal: rsa.seal, signingTime: new Date(), timestamp: async (imprint) => (await client.timestamp(imprint)).token });
    expect((await opensslVerify(file('t.p7s', p7s), file('content.xml', content), rsa.certFile)).code).toBe(0);

    const signer = verifySigner(parseSignedData(p7s), (h) => createHash(h).update(content).digest());
    const attr = signer.signerInfo.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStamp);
    const token = Buffer.from(attr?.values[0]?.toBER(false) ?? new ArrayBuffer(0));
    const info = checkTimestampToken(token, signer.signature);
    expect(Math.abs(info.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(info.tsaSubject).toContain('Finestreta Test TSA');
    // The token is over the SignerInfo's signature value (EN 319 122-1 §5.3).
    const imprint = createHash('sha256').update(signer.signature).digest('hex');
    const verified = await runTool('openssl', ['ts', '-verify', '-digest', imprint, '-token_in', '-in', file('token.der', token), '-CAfile', tsa.caFile]);
    expect(verified.stdout).toContain('Verification: OK');
    expect(verified.code).toBe(0);
    const wrong = await runTool('openssl', ['ts', '-verify', '-digest', createHash('sha256').update('x').digest('hex'), '-token_in', '-in', path.join(dir, 'token.der'), '-CAfile', tsa.caFile]);
    expect(wrong.code).not.toBe(0);
  });

  it('refuses a TSA reply that does not check out', async () => {
    const client = createTsaClient(tsa.url);
    // A flipped byte inside the TSA's signature value.
    tsa.tamper = (reply) => {
      const copy = Buffer.from(reply);
      copy.writeUInt8(copy.readUInt8(copy.length - 10) ^ 0xff, copy.length - 10);
      return copy;
    };
    try {
      await expect(client.timestamp(digest)).rejects.toThrow(/TSA token is not valid|not an RFC 3161/);
      // Not a timestamp reply at all.
      tsa.tamper = () => Buffer.from('nonsense');
      await expect(client.timestamp(digest)).rejects.toThrow(/not an RFC 3161/);
    } finally {
      tsa.tamper = null;
    }
    await expect(createTsaClient('http://127.0.0.1:9/tsa', { timeoutMs: 2000 }).timestamp(digest)).rejects.toThrow(/cannot reach the TSA/);
  });
});
