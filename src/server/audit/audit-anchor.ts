import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';

/**
 * Anchors of the audit trail outside the database. The hash chain finds a
 * row removed or edited in the middle, but not the last rows cut off the
 * end: what is left is still a valid chain. So, every housekeeping pass,
 * each organisation's chain head (its last number and hash) is appended to
 * a file of its own in `AUDIT_ANCHOR_DIR` — a different place from the
 * database, ideally a mount others keep (append-only, backed up, another
 * host). Each line carries an HMAC under a key derived from the master key,
 * so someone who can write to the database (or to the folder) without the
 * master key can neither forge an anchor nor move one back. `finestreta
 * audit verify` then checks that every anchored entry is still there with
 * the same hash: cutting off the end is found, up to the last anchor (at
 * most one housekeeping interval of entries is unprotected).
 *
 * One line per anchor: `{"seq":N,"hash":"…","at":"…","mac":"…"}`.
 */

const LINE_VERSION = 'finestreta audit anchor v1';

/** The HMAC key of anchor lines: derived from the master key, never stored. */
export function anchorKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), LINE_VERSION, 32));
}

interface Anchor {
  seq: number;
  hash: string;
  at: string;
}

function mac(key: Buffer, organisationId: string, a: Anchor): string {
  return createHmac('sha256', key).update(`${organisationId}\n${String(a.seq)}\n${a.hash}\n${a.at}`, 'utf8').digest('hex');
}

/** The anchor file of one organisation (ids are uuids: safe as file names). */
export function anchorFile(dir: string, organisationId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(organisationId)) throw new Error('unexpected organisation id');
  return path.join(dir, `${organisationId}.jsonl`);
}

/** The last complete line of a file, read from its end (anchor files grow by a line per pass). */
async function lastLine(file: string): Promise<string | null> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 4096);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.at(-1) ?? null;
  } finally {
    await handle.close();
  }
}

function parseLine(key: Buffer, organisationId: string, line: string): Anchor | null {
  try {
    const value = JSON.parse(line) as Partial<Anchor> & { mac?: unknown };
    if (typeof value.seq !== 'number' || !Number.isInteger(value.seq) || value.seq < 1) return null;
    if (typeof value.hash !== 'string' || !/^[0-9a-f]{64}$/.test(value.hash) || typeof value.at !== 'string' || typeof value.mac !== 'string') return null;
    const anchor = { seq: value.seq, hash: value.hash, at: value.at };
    const expected = Buffer.from(mac(key, organisationId, anchor), 'hex');
    const given = Buffer.from(value.mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? anchor : null;
  } catch {
    return null;
  }
}

/**
 * Appends each organisation's chain head to its anchor file when it moved
 * since the last anchor (written whole with one append and fsynced).
 * Safe in several processes: lines are appended, and a line that repeats or
 * precedes another only anchors less. Returns how many anchors it wrote.
 */
export async function anchorAuditHeads(ctx: Pick<AppContext, 'db' | 'clock' | 'masterKey' | 'config'>): Promise<number> {
  const dir = ctx.config.auditAnchorDir;
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const key = anchorKey(ctx.masterKey);
  const heads = await ctx.db
    .selectFrom('audit_log as a')
    .select(['a.organisation_id', 'a.seq', 'a.hash'])
    .where((eb) => eb('a.seq', '=', eb.selectFrom('audit_log as b').select((b) => b.fn.max('b.seq').as('m')).whereRef('b.organisation_id', '=', 'a.organisation_id')))
    .execute();
  let written = 0;
  for (const head of heads) {
    const file = anchorFile(dir, head.organisation_id);
    const previous = await lastLine(file);
    const last = previous ? parseLine(key, head.organisation_id, previous) : null;
    const seq = Number(head.seq);
    if (last && last.seq >= seq) continue;
    const anchor: Anchor = { seq, hash: head.hash, at: ctx.clock.now().toISOString() };
    const handle = await fs.promises.open(file, 'a', 0o600);
    try {
      await handle.appendFile(`${JSON.stringify({ ...anchor, mac: mac(key, head.organisation_id, anchor) })}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    written++;
  }
  return written;
}

/** What the anchors say about an organisation's trail. */
export type AnchorVerdict =
  | { ok: true; anchors: number; anchoredSeq: number; anchoredAt: string | null }
  | { ok: false; anchors: number; seq: number; problem: string };

/**
 * Checks an organisation's anchors against the database. Every line's HMAC
 * must verify (else the file was edited or forged); then the highest
 * anchored entry must exist with the hash it recorded. The lower anchors
 * need no look: when the chain itself verifies, each entry's hash commits to
 * every entry before it. An organisation without anchors yet is intact with
 * `anchoredSeq` 0. Reads the file line by line.
 */
export async function verifyAuditAnchors(db: Db, dir: string, masterKey: Buffer, organisationId: string): Promise<AnchorVerdict> {
  const key = anchorKey(masterKey);
  const file = anchorFile(dir, organisationId);
  if (!fs.existsSync(file)) return { ok: true, anchors: 0, anchoredSeq: 0, anchoredAt: null };
  let count = 0;
  let highest: Anchor | null = null;
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const anchor = parseLine(key, organisationId, line);
    if (!anchor) return { ok: false, anchors: count, seq: 0, problem: `anchor line ${String(lineNumber)} of ${file} is not one this installation wrote (edited or forged)` };
    count++;
    if (!highest || anchor.seq > highest.seq) highest = anchor;
  }
  if (!highest) return { ok: true, anchors: 0, anchoredSeq: 0, anchoredAt: null };
  const row = await db.selectFrom('audit_log').select('hash').where('organisation_id', '=', organisationId).where('seq', '=', highest.seq).executeTakeFirst();
  if (!row) return { ok: false, anchors: count, seq: highest.seq, problem: `entry ${String(highest.seq)}, anchored at ${highest.at}, is gone: entries were removed from the end of the trail` };
  if (row.hash !== highest.hash) return { ok: false, anchors: count, seq: highest.seq, problem: `entry ${String(highest.seq)} is not the one anchored at ${highest.at} (the trail was rewritten up to it)` };
  return { ok: true, anchors: count, anchoredSeq: highest.seq, anchoredAt: highest.at };
}
