import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { JsonValue } from '../evidence/event-log.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { orgOf } from '../http/tenant.ts';
import { staffGuard } from '../staff/staff.policy.ts';

/**
 * What every administration route (issue 9, `/api/admin/…`) shares: only
 * an administrator of the request's organisation gets past the guard
 * (deny by default: agents and supervisors get 403), state changes need
 * the session's CSRF token, and every change is appended to the audit
 * trail with who, what and the fields before and after.
 */
export function adminGuards(ctx: AppContext) {
  const guard = staffGuard(ctx);
  return {
    guard,
    /** For GET routes. */
    read: guard.require(['admin'], { csrf: false }),
    /** For POST/PUT/PATCH/DELETE routes. */
    write: guard.require(['admin'], { csrf: true }),
  };
}

/** A plain JSON view of a row or settings object (the audit keeps JSON only). */
export type Snapshot = Record<string, JsonValue> | null;

/** The fields that differ between `before` and `after` (a creation: every field of `after`; a removal: of `before`). */
export function changedFields(before: Snapshot, after: Snapshot): Record<string, { before: JsonValue; after: JsonValue }> {
  const out: Record<string, { before: JsonValue; after: JsonValue }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of [...keys].sort()) {
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) out[key] = { before: b, after: a };
  }
  return out;
}

/** What one administrative change records. Secrets (passwords, keys, PKCS#12) never go in `before`/`after`. */
export interface AdminChange {
  /** e.g. `admin.procedure.created`, `admin.schedule.changed`. */
  action: string;
  /** e.g. `procedure:<id>`. */
  target: string;
  before: Snapshot;
  after: Snapshot;
}

/**
 * Appends an administrative change to the audit trail: the administrator
 * the guard admitted, the target and only the fields that changed. Call it
 * after the change committed (an append that races retries on its own, which
 * PostgreSQL cannot do inside an aborted transaction).
 */
export async function auditAdminChange(
  ctx: AppContext,
  request: FastifyRequest,
  staffId: string,
  change: AdminChange,
): Promise<void> {
  const changes = changedFields(change.before, change.after);
  if (Object.keys(changes).length === 0) return;
  try {
    await appendAudit(ctx, {
      organisationId: orgOf(request).id,
      actor: `staff:${staffId}`,
      action: change.action,
      target: change.target,
      ip: request.ip,
      details: { changes },
    });
  } catch (error) {
    request.log.error({ err: error, action: change.action }, 'audit: admin change not written');
  }
}
