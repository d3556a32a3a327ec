import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import { toNodemailerMessage } from './mail.message.ts';
import type { MailTransport } from './mail.transport.ts';

/**
 * Delivers to a folder instead of a relay, for development and for
 * installations without SMTP: each message becomes one RFC 5322 `.eml`
 * file, built by the same nodemailer pipeline the SMTP transport uses.
 */

/**
 * Names of the files the outbox writes: a UTC timestamp to the millisecond
 * (so names sort by time) and the Message-ID reduced to safe characters.
 * Anything else in the folder (temporary files included) is not a message.
 */
export const OUTBOX_FILE_PATTERN = /^\d{8}T\d{9}Z-[A-Za-z0-9._-]{1,100}\.eml$/;

/** Options of the outbox transport. */
export interface OutboxTransportOptions {
  /** Folder for the `.eml` files, e.g. `DATA_DIR/outbox`; created when missing. */
  dir: string;
  /** Clock for the file names; defaults to the system clock. */
  now?: () => Date;
}

/** `2026-03-30T07:00:00.123Z` → `20260330T070000123Z`: fixed width, so lexical order is time order. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function fileName(date: Date, messageId: string): string {
  const id = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'message';
  return `${timestamp(date)}-${id}.eml`;
}

/**
 * Makes a rename durable: the new directory entry lives in the directory,
 * which has to be flushed too. Some platforms cannot open a directory for
 * syncing (Windows); the file itself is already on disk by then.
 */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `content` as `dir/name` so that a reader sees either no file or the
 * whole message: write a temporary file in the same folder (same file
 * system, so the rename is atomic), flush it, then rename it into place.
 */
async function writeAtomically(dir: string, name: string, content: Buffer): Promise<void> {
  const temp = path.join(dir, `.${name}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, path.join(dir, name));
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** A transport that stores each message as an `.eml` file in `options.dir`. */
export function createOutboxTransport(options: OutboxTransportOptions): MailTransport {
  const now = options.now ?? (() => new Date());
  // `newline: 'windows'`: CRLF, the line ending SMTP puts on the wire (RFC 5321 §2.3.8).
  // `buffer: true`: a message is a few tens of kilobytes and is written in one go.
  // nodemailer loads with the first message, not with the server (most processes send none for a while).
  let composer: Promise<Transporter> | undefined;
  const compose = () =>
    (composer ??= import('nodemailer').then(({ createTransport }) => createTransport({ streamTransport: true, buffer: true, newline: 'windows' })));
  return {
    kind: 'outbox',
    async send(mail, from) {
      await mkdir(options.dir, { recursive: true });
      const info = await (await compose()).sendMail(toNodemailerMessage(mail, from));
      if (!Buffer.isBuffer(info.message)) throw new TypeError('nodemailer returned a stream for a buffered message');
      await writeAtomically(options.dir, fileName(now(), info.messageId), info.message);
      return info.messageId;
    },
    async close() {
      (await composer)?.close();
    },
  };
}
