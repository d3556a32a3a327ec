import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from './secrets.ts';

/**
 * Returns a secret kept in `DATA_DIR/secrets/<name>`, creating it (mode 0600)
 * on first use. Used for embedded defaults so `npm start` needs no setup;
 * production sets the secret in configuration instead.
 */
export function loadOrCreateSecret(dataDir: string, name: string): { value: string; created: boolean } {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomToken(32);
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  } catch {
    return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  }
}
