import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGE_POLICY_1_9 } from './cades.ts';
import { sealProvider } from './seal-provider.ts';

describe('the seal provider', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finestreta-seal-provider-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const log = { warn: () => undefined, info: () => undefined };

  it('generates nothing until the seal is first used, then keeps the same one', async () => {
    const provider = sealProvider({ seal: { p12Path: undefined, p12Password: undefined }, policy: 'age-1.9', tsaUrl: undefined }, dir, log);
    expect(fs.existsSync(path.join(dir, 'secrets/dev-seal.p12'))).toBe(false);
    const seal = await provider.seal('org-1');
    expect(seal.isTest).toBe(true);
    expect(fs.existsSync(path.join(dir, 'secrets/dev-seal.p12'))).toBe(true);
    expect(await provider.seal('org-1')).toBe(seal);
    expect((await provider.inUse('org-2')).source).toBe('development');
    const options = await provider.cadesOptions(new Date('2026-03-02T07:00:00Z'), 'org-1');
    expect(options.seal).toBe(seal);
    expect(options.policy).toBe(AGE_POLICY_1_9);
    expect(options.timestamp).toBeNull();
  });

  it('reports a bad PKCS#12 on use, not at construction', async () => {
    const provider = sealProvider({ seal: { p12Path: path.join(dir, 'missing.p12'), p12Password: 'x' }, policy: null, tsaUrl: 'http://127.0.0.1:9/tsa' }, dir, log);
    await expect(provider.seal('org-1')).rejects.toThrow();
  });
});
