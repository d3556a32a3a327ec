import fs from 'node:fs';
import { loadOrCreateDevSeal } from './dev-seal.ts';
import { sealFromPkcs12 } from './p12-seal.ts';
import type { OrganSeal, SealLog } from './seal.ts';

/** Where the organ seal comes from: `SEAL_P12_PATH` + `SEAL_P12_PASSWORD`, or the generated development seal. */
export interface SealConfig {
  p12Path: string | undefined;
  p12Password: string | undefined;
}

/**
 * Opens the configured organ seal, or the development TEST SEAL in DATA_DIR
 * when none is configured. The PKCS#12 is a few kilobytes of configuration,
 * not a user's file, so it is read whole.
 */
export function loadSeal(config: SealConfig, dataDir: string, log: SealLog): OrganSeal {
  if (!config.p12Path) return loadOrCreateDevSeal(dataDir, log);
  const seal = sealFromPkcs12(fs.readFileSync(config.p12Path), config.p12Password ?? '');
  log.info({ subject: seal.subject }, 'organ seal loaded');
  return seal;
}
