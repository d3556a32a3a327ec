import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { AppError, errors } from '../http/errors.ts';
import { sha256Hex } from '../security/secrets.ts';
import { INTERPRETER_LIMITS, type InvitationStatus } from '../../shared/interpreters.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { interpretersRepo, type InvitationWithAppointment } from './interpreters.repo.ts';

/**
 * Who an interpreter is: the holder of an invitation link, nothing more (no
 * account, no cookie). Deny by default: a link works only in its own
 * organisation, for its own appointment's call, while the appointment is
 * open and until its end plus a margin, and until staff revoke it. The token
 * has 192 bits, so guessing is hopeless; unknown tokens are still counted per
 * address and a burst of them is refused (429, or close code 4429 on the
 * socket), so a scanner learns nothing and costs little.
 */

/** Why a link does not let its holder in. */
export type InvitationRefusal = 'too_many_attempts' | 'not_found' | 'revoked' | 'expired';

/** When a link stops working: the appointment's end plus the margin. */
export function invitationExpiresAt(endsAt: string): string {
  return new Date(Date.parse(endsAt) + INTERPRETER_LIMITS.validAfterEndMinutes * 60_000).toISOString();
}

/** Where an invitation stands now. A closed appointment (done, cancelled, desisted) has no call left to join. */
export function invitationStatusOf(
  row: Pick<InvitationWithAppointment, 'revoked_at' | 'consented_at' | 'status' | 'channel' | 'ends_at'>,
  now: Date,
): InvitationStatus {
  if (row.revoked_at !== null) return 'revoked';
  const open = (OPEN_STATUSES as readonly string[]).includes(row.status) && row.channel === 'video';
  if (!open || now.toISOString() >= invitationExpiresAt(row.ends_at)) return 'expired';
  return row.consented_at === null ? 'pending' : 'opened';
}

/** Unknown tokens per address in a sliding window (per node: a Redis-backed count can replace it behind the same two calls). */
export class LookupFailures {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number = INTERPRETER_LIMITS.failedLookups,
    private readonly windowMs: number = INTERPRETER_LIMITS.failedLookupWindowMs,
  ) {}

  /** Whether this address has failed too often lately. */
  blocked(address: string, nowMs = Date.now()): boolean {
    return this.recent(address, nowMs).length >= this.max;
  }

  /** Counts one failure of this address. */
  fail(address: string, nowMs = Date.now()): void {
    const list = this.recent(address, nowMs);
    list.push(nowMs);
    this.failures.set(address, list);
    // Bounded memory under a spray of addresses: forget the oldest entries.
    if (this.failures.size > 10_000) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  /** Forgets every count (a test's fresh start; a restart does the same). */
  reset(): void {
    this.failures.clear();
  }

  private recent(address: string, nowMs: number): number[] {
    const list = (this.failures.get(address) ?? []).filter((at) => at > nowMs - this.windowMs);
    if (list.length === 0) this.failures.delete(address);
    else this.failures.set(address, list);
    return list;
  }
}

// One count per application context (tests run several apps in one process; two nodes of a test share one).
const counters = new WeakMap<AppContext, LookupFailures>();

/** The failed look-up count of a context. */
export function lookupFailures(ctx: AppContext): LookupFailures {
  let counter = counters.get(ctx);
  if (!counter) counters.set(ctx, (counter = new LookupFailures()));
  return counter;
}

/**
 * The invitation a link's token names, if it lets its holder in now; else
 * why not. `address` is the caller's IP, for the count of unknown tokens.
 */
export async function checkInvitation(
  ctx: AppContext,
  org: Pick<Organisation, 'id'>,
  token: string,
  address: string,
): Promise<{ ok: InvitationWithAppointment; status: InvitationStatus } | { refused: InvitationRefusal }> {
  const failures = lookupFailures(ctx);
  if (failures.blocked(address)) return { refused: 'too_many_attempts' };
  const row = await interpretersRepo.byTokenHash(ctx.db, org.id, sha256Hex(token));
  if (!row) {
    failures.fail(address);
    return { refused: 'not_found' };
  }
  const status = invitationStatusOf(row, ctx.clock.now());
  if (status === 'revoked' || status === 'expired') return { refused: status };
  return { ok: row, status };
}

/** The HTTP error for a refusal: each has its own id and translated message. */
export function refusalError(refusal: InvitationRefusal): AppError {
  switch (refusal) {
    case 'too_many_attempts':
      return errors.tooManyRequests({ retryAfterSeconds: Math.ceil(INTERPRETER_LIMITS.failedLookupWindowMs / 1000) });
    case 'not_found':
      return new AppError(404, 'invitation_not_found');
    case 'revoked':
      return new AppError(410, 'invitation_revoked');
    case 'expired':
      return new AppError(410, 'invitation_expired');
  }
}

/** The invitation a link names, or the HTTP error explaining why it does not let its holder in. */
export async function requireInvitation(ctx: AppContext, org: Pick<Organisation, 'id'>, token: string, address: string) {
  const result = await checkInvitation(ctx, org, token, address);
  if ('refused' in result) throw refusalError(result.refused);
  return result;
}
