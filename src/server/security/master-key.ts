import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * The master key wraps every other secret at rest (TOTP seeds now; document
 * data keys and the seal's password later). Production sets MASTER_KEY; on a
 * fresh development install a key is generated into DATA_DIR/secrets with a
 * loud warning, because losing that folder loses what it protects.
 */
export function loadMasterKey(configured: string | undefined, dataDir: string, log: Logger): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, 'master.key');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  }
  log.warn(
    { file },
    'DEVELOPMENT MASTER KEY GENERATED. Secrets at rest are encrypted with a key stored next to the data. Set MASTER_KEY in production and keep it apart from the data.',
  );
  return key;
}

const VERSION = 'v1';

/** Encrypts a short secret with AES-256-GCM under the master key: `v1.<iv>.<ciphertext>.<tag>` (base64url). */
export function sealSecret(masterKey: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  // The context (e.g. "totp:<staffId>") is authenticated, so a sealed value cannot be moved to another row.
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Decrypts what `sealSecret` produced; throws if it was altered, moved or sealed under another key. */
export function openSecret(masterKey: Buffer, sealed: string, context: string): string {
  const [version, iv, ct, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ct || !tag) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
