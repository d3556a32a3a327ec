import { createHash } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/database.ts';
import { canonicalJson, type JsonValue } from '../evidence/event-log.ts';
import type { AuditRow } from './audit.tables.ts';

/**
 * The audit trail: who did what to personal data, when and from where.
 * Appending numbers the row after the organisation's last one and chains
 * its hash to that row's; two appends racing for the same number are told
 * apart by the primary key (organisation, number) and the loser tries again
 * on top of the winner, so the chain never forks and has no gaps.
 */

/** What to record. */
export interface AuditEntry {
  organisationId: string;
  actor: string;
  action: string;
  appointmentId?: string | null;
  target?: string | null;
  ip?: string | null;
  /** Ids and filters of the request — never document contents or personal data. */
  details?: Record<string, JsonValue>;
}

/** The hash that starts every organisation's chain. */
export const GENESIS = '0'.repeat(64);

/** A row's hash: SHA-256 of the previous hash and the canonical JSON of its fields. */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const fields: JsonValue = {
    organisation_id: row.organisation_id,
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    appointment_id: row.appointment_id,
    target: row.target,
    ip: row.ip,
    details: row.details,
  };
  return createHash('sha256').update(row.prev_hash).update('\n').update(canonicalJson(fields)).digest('hex');
}

/** Appends an entry; answers its number. */
export async function appendAudit(ctx: Pick<AppContext, 'db' | 'clock'>, entry: AuditEntry): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const last = await ctx.db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('organisation_id', '=', entry.organisationId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const row: Omit<AuditRow, 'hash'> = {
      organisation_id: entry.organisationId,
      seq: (last?.seq ?? 0) + 1,
      at: ctx.clock.now().toISOString(),
      actor: entry.actor,
      action: entry.action,
      appointment_id: entry.appointmentId ?? null,
      target: entry.target ?? null,
      ip: entry.ip ?? null,
      details: canonicalJson(entry.details ?? {}),
      prev_hash: last?.hash ?? GENESIS,
    };
    try {
      await ctx.db
        .insertInto('audit_log')
        .values({ ...row, hash: auditHash(row) })
        .execute();
      return row.seq;
    } catch (error) {
      // Another append took this number: chain onto it.
      if (!isUniqueViolation(error) || attempt >= 50) throw error;
    }
  }
}

/** What `verifyAudit` found for one organisation. */
export type AuditVerdict = { ok: true; rows: number } | { ok: false; rows: number; seq: number; problem: string };

/**
 * Walks an organisation's chain in order: numbers must run 1, 2, 3… (a
 * removed row leaves a gap), each row must point at the previous row's hash
 * and its own hash must match its fields (an edited row does not). Reads in
 * pages, so a long trail is never held whole in memory.
 */
export async function verifyAudit(db: Db, organisationId: string, pageSize = 5000): Promise<AuditVerdict> {
  let expected = 1;
  let previous = GENESIS;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (page.length === 0) return { ok: true, rows: expected - 1 };
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expected) return { ok: false, rows: expected - 1, seq: expected, problem: `entry ${String(expected)} is missing (the next one is ${String(seq)})` };
      if (row.prev_hash !== previous) return { ok: false, rows: expected - 1, seq, problem: `entry ${String(seq)} does not follow entry ${String(seq - 1)} (chain broken)` };
      if (auditHash({ ...row, seq }) !== row.hash) return { ok: false, rows: expected - 1, seq, problem: `entry ${String(seq)} was changed after it was written (hash mismatch)` };
      previous = row.hash;
      expected += 1;
    }
  }
}
