import type { AppContext } from '../context.ts';
import type { WebhookDeliveryStatus } from './webhooks.tables.ts';
import { webhooksRepo } from './webhooks.repo.ts';
import { openSecret } from '../security/master-key.ts';
import { signatureHeader } from './webhook.signature.ts';
import { Poller } from '../workers/poller.ts';

/** Tuning of the dispatcher; the defaults suit production, tests shorten them. */
export interface WebhookDispatcherOptions {
  /** Attempts before a delivery is declared dead. */
  maxAttempts?: number;
  /** Age of a delivery after which it is declared dead, whatever its attempts. */
  maxAgeMs?: number;
  /** Time allowed for the receiver to answer one attempt. */
  timeoutMs?: number;
  /** Deliveries sent at once by one node. */
  concurrency?: number;
  /** The HTTP client (Node's built-in fetch). */
  fetch?: typeof fetch;
}

const DEFAULTS = {
  maxAttempts: 20,
  maxAgeMs: 3 * 24 * 3_600_000,
  timeoutMs: 10_000,
  concurrency: 8,
} as const;

/** Due deliveries read per round. */
const BATCH = 100;
/** How long events and finished deliveries are kept (for support questions), then deleted. */
export const WEBHOOK_RETENTION_MS = 30 * 24 * 3_600_000;
/** How often a node purges what is past retention. */
const PURGE_EVERY_MS = 3_600_000;

/**
 * Delay before attempt `attempts + 1`: exponential from 30 s, capped at 6 h,
 * with "equal jitter" (half fixed, half random) so that receivers coming back
 * from an outage are not hit by every node at the same instant. With the
 * defaults, 20 attempts span about two and a half days.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * POSTs webhook events to their subscribers until each answers 2xx. Any
 * number of nodes may run it: a delivery is claimed with a conditional
 * update and a lease before it is sent, so two nodes never send the same
 * delivery at once, and one that dies mid-send leaves it due again when the
 * lease ends. Receivers may still see an event twice (an answer lost on the
 * way back): they de-duplicate on `Finestreta-Event-Id`. Logs carry ids and
 * statuses only — never URLs (they may hold tokens), secrets or bodies.
 */
export class WebhookDispatcher {
  private readonly poller: Poller;
  private lastPurge = Number.NEGATIVE_INFINITY;
  private readonly opts: Required<WebhookDispatcherOptions>;

  constructor(
    private readonly ctx: AppContext,
    options: WebhookDispatcherOptions = {},
  ) {
    this.opts = { ...DEFAULTS, fetch: globalThis.fetch.bind(globalThis), ...options };
    this.poller = new Poller('webhook dispatcher', ctx.log, () => this.sendDue());
  }

  /** The lease covers the whole attempt, with room to record its outcome. */
  private get leaseMs(): number {
    return this.opts.timeoutMs * 3 + 30_000;
  }

  /** Sends one delivery now if it is due and not claimed elsewhere; resolves true when it was accepted. */
  async deliver(id: string): Promise<boolean> {
    const { db, clock, log } = this.ctx;
    const row = await webhooksRepo.deliveryForSending(db, id);
    const started = clock.now();
    if (!row || row.status !== 'pending' || row.next_attempt_at > started.toISOString()) return false;
    if (row.deleted_at !== null || row.revoked_at !== null) {
      await webhooksRepo.discard(db, id);
      return false;
    }
    const leaseUntil = new Date(started.getTime() + this.leaseMs).toISOString();
    if (!(await webhooksRepo.claim(db, row, leaseUntil))) return false;
    const attempt = row.attempts + 1;

    const { status, error } = await this.post(row.url, this.secretOf(row), row.event_id, row.type, row.payload, attempt);
    const now = clock.now();
    const ok = status !== null && status >= 200 && status < 300;
    const next = new Date(now.getTime() + retryDelayMs(attempt));
    const dead = !ok && (attempt >= this.opts.maxAttempts || next.getTime() - Date.parse(row.created_at) > this.opts.maxAgeMs);
    const outcome: WebhookDeliveryStatus = ok ? 'delivered' : dead ? 'dead' : 'pending';
    await webhooksRepo.finish(db, id, leaseUntil, {
      status: outcome,
      nextAttemptAt: ok || dead ? now.toISOString() : next.toISOString(),
      lastStatus: status,
      lastError: ok ? null : error,
      deliveredAt: ok ? now.toISOString() : null,
    });
    const fields = { deliveryId: id, eventId: row.event_id, subscriptionId: row.subscription_id, attempt, status, outcome };
    if (ok) log.info(fields, 'webhook delivered');
    else if (dead) log.error({ ...fields, error }, 'webhook dead: no more attempts');
    else log.warn({ ...fields, error }, 'webhook not delivered');
    return ok;
  }

  /**
   * Sends one event to one subscription right away, once, outside the queue
   * (the administration console's "send test event"): the same headers,
   * signature, timeout and redirect policy as every delivery, so a receiver
   * that accepts it accepts real events. Nothing is retried or recorded here.
   */
  sendOnce(subscription: { id: string; url: string; secret: string }, event: { id: string; type: string; body: string }): Promise<{ status: number | null; error: string | null }> {
    const secret = this.secretOf({ subscription_id: subscription.id, secret: subscription.secret });
    return this.post(subscription.url, secret, event.id, event.type, event.body, 1);
  }

  /** The subscription's signing secret, or null when it cannot be unsealed (another master key). */
  private secretOf(row: { subscription_id: string; secret: string }): string | null {
    try {
      return openSecret(this.ctx.masterKey, row.secret, `webhook:${row.subscription_id}`);
    } catch {
      return null;
    }
  }

  /** One signed POST; resolves the HTTP status (null when there was no answer) and a short reason for failures. */
  private async post(
    url: string,
    secret: string | null,
    eventId: string,
    type: string,
    body: string,
    attempt: number,
  ): Promise<{ status: number | null; error: string | null }> {
    // Never send unsigned: the attempt fails (and the error log says why) until the master key is right.
    if (secret === null) return { status: null, error: 'secret unreadable: check MASTER_KEY' };
    const timestamp = Math.floor(this.ctx.clock.now().getTime() / 1000);
    try {
      const res = await this.opts.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Finestreta-Webhooks/1',
          'finestreta-event-id': eventId,
          'finestreta-event-type': type,
          'finestreta-delivery-attempt': String(attempt),
          'finestreta-timestamp': String(timestamp),
          'finestreta-signature': signatureHeader(secret, timestamp, body),
        },
        body,
        // A redirect is a misconfiguration to fix, not something to follow with a signed body.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      // The answer's body is not needed: release the connection.
      await res.body?.cancel().catch(() => undefined);
      return { status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
    } catch (error) {
      return { status: null, error: summarise(error) };
    }
  }

  /** Sends every due delivery once (a few at a time), purging now and then what is past retention; returns how many were accepted. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  /** Polls for due deliveries every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    this.poller.start(intervalMs);
  }

  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async sendDue(): Promise<number> {
    const now = this.ctx.clock.now().getTime();
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await webhooksRepo.purgeBefore(this.ctx.db, new Date(now - WEBHOOK_RETENTION_MS).toISOString());
    }
    const ids = await webhooksRepo.dueDeliveries(this.ctx.db, new Date(now).toISOString(), BATCH);
    let delivered = 0;
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        if (id === undefined) break;
        try {
          if (await this.deliver(id)) delivered++;
        } catch (error) {
          this.ctx.log.error({ err: error, deliveryId: id }, 'webhook delivery failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, ids.length) }, worker));
    return delivered;
  }

  /** Prometheus lines: deliveries by status (dead ones need an operator's look). */
  async metrics(): Promise<string> {
    const counts = await webhooksRepo.countByStatus(this.ctx.db);
    const statuses: WebhookDeliveryStatus[] = ['pending', 'delivered', 'dead', 'discarded'];
    return [
      '# HELP finestreta_webhook_deliveries Webhook deliveries by status.',
      '# TYPE finestreta_webhook_deliveries gauge',
      ...statuses.map((s) => `finestreta_webhook_deliveries{status="${s}"} ${counts.get(s) ?? 0}`),
      '',
    ].join('\n');
  }
}

/** The class and code of a network error (a timeout, a refused connection), never its message. */
function summarise(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  return `${error instanceof Error ? error.name : 'Error'}${code ? ` ${code}` : ''}`;
}
