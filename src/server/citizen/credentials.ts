import type { Db } from '../db/database.ts';
import { hashPassword, randomToken, readablePassword, sha256Hex } from '../security/secrets.ts';

/**
 * Issues the citizen's personal-link token and password for an appointment.
 * Only their hashes are stored (SHA-256 for the 192-bit token, argon2id for
 * the password); the plaintext lives only in the email being sent. Issuing
 * again replaces them, so a re-sent confirmation is the one that works.
 */
export async function issueCredentials(
  db: Db,
  organisationId: string,
  appointmentId: string,
): Promise<{ token: string; password: string }> {
  const token = randomToken(24);
  const password = readablePassword();
  await db
    .updateTable('appointments')
    .set({
      access_token_hash: sha256Hex(token),
      password_hash: await hashPassword(password),
      failed_logins: 0,
      locked_until: null,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', appointmentId)
    .execute();
  return { token, password };
}
