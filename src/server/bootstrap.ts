import path from 'node:path';
import pino from 'pino';
import type { Config } from './config.ts';
import { systemClock, type AppContext, type Clock } from './context.ts';
import { migrateToLatest, openDatabase } from './db/database.ts';
import { createMailTransport } from './adapters/mail/create-mail-transport.ts';
import type { MailTransport } from './adapters/mail/mail.transport.ts';
import { loadOrCreateSecret } from './security/local-secrets.ts';
import { loadMasterKey } from './security/master-key.ts';
import { localBlobStore } from './adapters/storage/local-blob-store.ts';
import { clamdScanner } from './adapters/scanner/clamd-scanner.ts';
import type { MalwareScanner } from './adapters/scanner/scanner.ts';
import { sealProvider } from './evidence/seal-provider.ts';
import { installedSeals } from './seal-admin/installed-seals.ts';

/** Opens the database, applies migrations (unless told not to) and wires the adapters chosen by configuration. */
export async function createContext(
  config: Config,
  overrides: { clock?: Clock; mail?: MailTransport; migrate?: boolean; scanner?: MalwareScanner | null } = {},
): Promise<AppContext> {
  const log = pino({ level: config.logLevel });
  const { db, dialect } = openDatabase(config.database);
  if (overrides.migrate !== false) await migrateToLatest(db);
  const mail =
    overrides.mail ?? createMailTransport({ smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox') });
  const captchaKey = config.captcha.hmacKey ?? loadOrCreateSecret(config.dataDir, 'captcha-hmac.key').value;
  const masterKey = loadMasterKey(config.masterKey, config.dataDir, log);
  const blobs = localBlobStore(config.documents.storageDir, masterKey);
  const { clamdUrl, clamdMaxBytes } = config.documents;
  const scanner = overrides.scanner !== undefined ? overrides.scanner : clamdUrl ? clamdScanner(clamdUrl, { maxBytes: clamdMaxBytes }) : null;
  // Installed from the console > SEAL_P12_PATH > the development TEST SEAL.
  const seals = sealProvider(config.evidence, config.dataDir, log, installedSeals(db, masterKey));
  return { config, db, dialect, clock: overrides.clock ?? systemClock, mail, log, captchaKey, masterKey, blobs, scanner, seals };
}

/** Closes what `createContext` opened. */
export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.mail.close();
  await ctx.db.destroy();
}
