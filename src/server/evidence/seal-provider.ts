import type { SealConfig } from '../adapters/seal/load-seal.ts';
import type { OrganSeal, SealLog } from '../adapters/seal/seal.ts';
import type { CadesOptions, Timestamper } from './cades.ts';

/**
 * The organ seal as the application holds it: opened on first use, not at
 * start-up, because generating the development TEST SEAL (an RSA-3072 key
 * and certificate) takes seconds that most tests and most requests never
 * need. Memoised: every signature of a process uses the same seal.
 */
export interface SealProvider {
  /** The seal (opening the PKCS#12, or generating the dev seal, the first time). Rejects on a bad PKCS#12. */
  seal(): Promise<OrganSeal>;
  /** What to pass to `signCadesDetached`: the seal, the configured policy (CAdES-EPES) and timestamper (CAdES-T). */
  cadesOptions(signingTime: Date): Promise<CadesOptions>;
}

/** What the provider is built from (the `evidence` part of the configuration). */
export interface SealProviderConfig {
  seal: SealConfig;
  policy: 'age-1.9' | null;
  tsaUrl: string | undefined;
}

/** A lazy, memoised seal provider over the configuration; nothing is read or generated until first use. */
export function sealProvider(config: SealProviderConfig, dataDir: string, log: SealLog): SealProvider {
  // The signing libraries (node-forge, pkijs, asn1js) load with the first signature, not with the server:
  // most processes never sign, and they cost every one of them memory at idle.
  let seal: Promise<OrganSeal> | undefined;
  let timestamper: Promise<Timestamper | null> | undefined;
  const open = (): Promise<OrganSeal> => {
    seal ??= import('../adapters/seal/load-seal.ts').then(({ loadSeal }) => loadSeal(config.seal, dataDir, log));
    // A failure is reported to this caller and tried afresh by the next (e.g. once the PKCS#12 is fixed).
    seal.catch(() => (seal = undefined));
    return seal;
  };
  const tsa = (): Promise<Timestamper | null> =>
    (timestamper ??= config.tsaUrl
      ? import('../adapters/tsa/tsa-client.ts').then(({ createTsaClient }) => {
          const client = createTsaClient(config.tsaUrl ?? '');
          return async (imprint: Buffer) => (await client.timestamp(imprint)).token;
        })
      : Promise.resolve(null));
  return {
    seal: open,
    cadesOptions: async (signingTime) => {
      const [sealed, timestamp, { AGE_POLICY_1_9 }] = await Promise.all([open(), tsa(), import('./cades.ts')]);
      return { seal: sealed, signingTime, policy: config.policy === 'age-1.9' ? AGE_POLICY_1_9 : null, timestamp };
    },
  };
}
