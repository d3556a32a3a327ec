import type { SealConfig } from '../adapters/seal/load-seal.ts';
import type { OrganSeal, SealLog } from '../adapters/seal/seal.ts';
import type { CadesOptions, Timestamper } from './cades.ts';

/** Where the seal an organisation signs with comes from. */
export type SealSource = 'installed' | 'configured' | 'development';

/** The seal an organisation signs with now, and where it comes from. */
export interface SealInUse {
  seal: OrganSeal;
  source: SealSource;
  /** The installed seal's id (`organisation_seals.id`); null for the configured file and the development seal. */
  installedId: string | null;
}

/**
 * The seals administrators installed from the console (issue 9), per
 * organisation. `currentId` is asked before every signature — one indexed
 * lookup — so a seal installed on any node is used by every node's next
 * signature, without a restart; `open` runs once per installed seal.
 */
export interface InstalledSeals {
  /** The id of the organisation's installed seal, or null when it has none. */
  currentId(organisationId: string): Promise<string | null>;
  /** Opens (decrypts and parses) an installed seal. */
  open(organisationId: string, id: string): Promise<OrganSeal>;
}

/**
 * The organ seal as the application holds it, per organisation. Precedence:
 * the seal installed from the administration console, else the PKCS#12 of
 * SEAL_P12_PATH (installation-wide), else the development TEST SEAL. The
 * configured and development seals are opened on first use, not at
 * start-up, because generating the development TEST SEAL (an RSA-3072 key
 * and certificate) takes seconds that most tests and most requests never
 * need; both are memoised for the process.
 */
export interface SealProvider {
  /** The organisation's seal (opening the PKCS#12, or generating the dev seal, the first time). Rejects on a bad PKCS#12. */
  seal(organisationId: string): Promise<OrganSeal>;
  /** The organisation's seal and where it comes from. */
  inUse(organisationId: string): Promise<SealInUse>;
  /** What to pass to `signCadesDetached`: the organisation's seal, the configured policy (CAdES-EPES) and timestamper (CAdES-T). */
  cadesOptions(signingTime: Date, organisationId: string): Promise<CadesOptions>;
}

/** What the provider is built from (the `evidence` part of the configuration). */
export interface SealProviderConfig {
  seal: SealConfig;
  policy: 'age-1.9' | null;
  tsaUrl: string | undefined;
}

/** A lazy, memoised seal provider over the configuration and the installed seals; nothing is read or generated until first use. */
export function sealProvider(config: SealProviderConfig, dataDir: string, log: SealLog, installed?: InstalledSeals): SealProvider {
  // The signing libraries (node-forge, pkijs, asn1js) load with the first signature, not with the server:
  // most processes never sign, and they cost every one of them memory at idle.
  let fallback: Promise<OrganSeal> | undefined;
  let timestamper: Promise<Timestamper | null> | undefined;
  /** Per organisation: the installed seal last opened. Replaced as soon as another one is installed. */
  const opened = new Map<string, { id: string; seal: Promise<OrganSeal> }>();
  const openFallback = (): Promise<OrganSeal> => {
    fallback ??= import('../adapters/seal/load-seal.ts').then(({ loadSeal }) => loadSeal(config.seal, dataDir, log));
    // A failure is reported to this caller and tried afresh by the next (e.g. once the PKCS#12 is fixed).
    fallback.catch(() => (fallback = undefined));
    return fallback;
  };
  const inUse = async (organisationId: string): Promise<SealInUse> => {
    const id = installed ? await installed.currentId(organisationId) : null;
    if (installed && id !== null) {
      let entry = opened.get(organisationId);
      if (entry?.id !== id) {
        const seal = installed.open(organisationId, id);
        entry = { id, seal };
        opened.set(organisationId, entry);
        // An installed seal that cannot be opened (another MASTER_KEY) fails the signature: never a silent fallback to another seal.
        seal.catch(() => {
          if (opened.get(organisationId)?.seal === seal) opened.delete(organisationId);
        });
      }
      return { seal: await entry.seal, source: 'installed', installedId: id };
    }
    const seal = await openFallback();
    return { seal, source: config.seal.p12Path ? 'configured' : 'development', installedId: null };
  };
  const tsa = (): Promise<Timestamper | null> =>
    (timestamper ??= config.tsaUrl
      ? import('../adapters/tsa/tsa-client.ts').then(({ createTsaClient }) => {
          const client = createTsaClient(config.tsaUrl ?? '');
          return async (imprint: Buffer) => (await client.timestamp(imprint)).token;
        })
      : Promise.resolve(null));
  return {
    seal: async (organisationId) => (await inUse(organisationId)).seal,
    inUse,
    cadesOptions: async (signingTime, organisationId) => {
      const [current, timestamp, { AGE_POLICY_1_9 }] = await Promise.all([inUse(organisationId), tsa(), import('./cades.ts')]);
      return { seal: current.seal, signingTime, policy: config.policy === 'age-1.9' ? AGE_POLICY_1_9 : null, timestamp };
    },
  };
}
