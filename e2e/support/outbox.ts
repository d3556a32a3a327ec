/** Reads the mail the server wrote to DATA_DIR/outbox (non-production mail transport). */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect } from '@playwright/test';
import { simpleParser, type ParsedMail } from 'mailparser';

function outboxDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)');
  return path.join(dir, 'outbox');
}

async function emlFiles(): Promise<{ file: string; mtime: number }[]> {
  const dir = outboxDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files = await Promise.all(
    names.filter((n) => n.endsWith('.eml')).map(async (n) => ({ file: path.join(dir, n), mtime: (await stat(path.join(dir, n))).mtimeMs })),
  );
  return files.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file));
}

/** How many messages are in the outbox now. */
export async function outboxCount(): Promise<number> {
  return (await emlFiles()).length;
}

/** Waits until the outbox holds more than `previousCount` messages, and parses the newest one. */
export async function newestMailAfter(previousCount: number): Promise<ParsedMail> {
  await expect.poll(async () => (await emlFiles()).length, { message: 'waiting for a new email in the outbox' }).toBeGreaterThan(previousCount);
  const files = await emlFiles();
  const newest = files[files.length - 1];
  if (!newest) throw new Error('outbox is empty');
  return simpleParser(await readFile(newest.file));
}
