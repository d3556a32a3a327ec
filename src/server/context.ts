import type { Config } from './config.ts';
import type { Db, Dialect } from './db/database.ts';
import type { MailTransport } from './adapters/mail/mail.transport.ts';
import type { Logger } from 'pino';
import type { BlobStore } from './adapters/storage/blob-store.ts';
import type { MalwareScanner } from './adapters/scanner/scanner.ts';
import type { SealProvider } from './evidence/seal-provider.ts';

/** The source of "now"; tests inject a fixed or movable clock. Server time is the only time. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Everything a service needs, built once at start and passed down explicitly. */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  mail: MailTransport;
  log: Logger;
  /** Secret used to sign proof-of-work challenges (generated into DATA_DIR when not configured). */
  captchaKey: string;
  /** Key wrapping secrets at rest (AES-256-GCM). */
  masterKey: Buffer;
  /** Encrypted storage of citizen documents (and, later, recordings). */
  blobs: BlobStore;
  /** Malware scanner (clamd), or null when none is configured: documents are then "not scanned". */
  scanner: MalwareScanner | null;
  /** The organ seal (and policy, TSA) for receipts and evidence; opened or generated on first use only. */
  seals: SealProvider;
}
