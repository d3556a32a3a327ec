import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { randomToken, sha256Hex } from '../security/secrets.ts';

/** Scopes an integration key may hold. */
export const API_SCOPES = ['appointments:read', 'appointments:write', 'catalogue:read'] as const;

/**
 * Creates an API key for machines (the town's appointment system). The key
 * is `fin_<prefix>_<secret>`; only its SHA-256 is stored, the prefix lets
 * operators tell keys apart in lists.
 */
export async function createApiKey(
  db: Db,
  organisationId: string,
  name: string,
  scopes: readonly string[],
  now: Date,
): Promise<{ id: string; key: string }> {
  const prefix = randomToken(6).replace(/[-_]/g, 'x').slice(0, 8);
  const key = `fin_${prefix}_${randomToken(32)}`;
  const id = randomUUID();
  await db
    .insertInto('api_keys')
    .values({
      id,
      organisation_id: organisationId,
      name,
      prefix,
      key_hash: sha256Hex(key),
      scopes: JSON.stringify(scopes),
      created_at: now.toISOString(),
      revoked_at: null,
    })
    .execute();
  return { id, key };
}
