import type { Db } from '../db/database.ts';
import type { InstalledSeals } from '../evidence/seal-provider.ts';
import { openSecret } from '../security/master-key.ts';
import { sealAdminRepo } from './seal-admin.repo.ts';

/** The master-key contexts a seal's secrets are sealed under: bound to the row, so they cannot be swapped. */
export const sealContexts = (id: string) => ({ p12: `seal-p12:${id}`, password: `seal-password:${id}` });

/**
 * The installed seals as the seal provider reads them: the PKCS#12 and its
 * password are decrypted with the master key and opened in memory only, for
 * the signature; neither is ever logged.
 */
export function installedSeals(db: Db, masterKey: Buffer): InstalledSeals {
  return {
    currentId: (organisationId) => sealAdminRepo.currentId(db, organisationId),
    open: async (organisationId, id) => {
      const row = await sealAdminRepo.secrets(db, organisationId, id);
      if (!row) throw new Error('installed seal not found');
      const contexts = sealContexts(id);
      const p12 = Buffer.from(openSecret(masterKey, row.p12, contexts.p12), 'base64');
      const password = openSecret(masterKey, row.password, contexts.password);
      // node-forge loads with the first signature, not with the server.
      const { sealFromPkcs12 } = await import('../adapters/seal/p12-seal.ts');
      return sealFromPkcs12(p12, password);
    },
  };
}
