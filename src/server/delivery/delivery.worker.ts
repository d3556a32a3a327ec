import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { ASIC_E_MIMETYPE } from '../evidence/asic-manifest.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { retryDelayMs } from '../webhooks/webhook.dispatcher.ts';
import { Poller } from '../workers/poller.ts';
import type { Connector, DeliveryItem, DeliveryOutcome } from '../adapters/connectors/connector.ts';
import { DropFolderConnector } from '../adapters/connectors/drop-folder-connector.ts';
import { EniConnector } from '../adapters/connectors/eni-connector.ts';
import { RestConnector } from '../adapters/connectors/rest-connector.ts';
import { alertDeadDelivery } from './delivery-alert.ts';
import { deliveryLinkKey, signDeliveryLink } from './delivery-link.ts';
import { deliveryRepo, type DeliveryForAttempt } from './delivery.repo.ts';
import { eniIndexSigner, OrganisationConnectors } from './organisation-connectors.ts';
import type { DeliveryState } from './delivery.tables.ts';

/** Due deliveries read per round. */
const BATCH = 50;
/** Attempts run at once by one process (each delivery by one process at a time, whatever this is). */
const CONCURRENCY = 4;
/** How soon a drop folder is looked at again for the receiver's receipt. */
const RECEIPT_POLL_MS = 60_000;

/** The connectors configured for this installation, by kind (a procedure whose connector is not configured gets failed attempts, then a dead letter). */
export function configuredConnectors(ctx: AppContext): Record<string, Connector> {
  const { rest, dropDir, eni } = ctx.config.delivery;
  const connectors: Record<string, Connector> = {};
  if (rest) connectors.rest = new RestConnector(rest, () => ctx.clock.now());
  if (dropDir) connectors.drop_folder = new DropFolderConnector(dropDir);
  if (eni) connectors.eni = new EniConnector(eni, eniIndexSigner(ctx), () => ctx.clock.now());
  return connectors;
}

/**
 * The outbox worker: attempts due deliveries until each is acknowledged or
 * dead. Any number of processes may run it on one database. A delivery is
 * claimed by a conditional UPDATE that sets a lease (owner + expiry) before
 * anything is sent, so one process at a time attempts it; its outcome is
 * written only while that lease is still held (a process that outlived its
 * lease writes nothing), and a process that died mid-attempt leaves the row
 * to be claimed again when the lease runs out. Failures are retried with
 * exponential backoff and jitter (`retryDelayMs`, 30 s doubling up to 6 h);
 * a delivery without success by its `dead_after` becomes a dead letter and
 * supervisors are emailed once. Logs carry ids, outcomes and short error
 * classes — never URLs, secrets or personal data.
 */
export class DeliveryWorker {
  /** This worker's name in `lease_owner`: host, process and a per-instance suffix. */
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly poller: Poller;
  /** The installation's connectors (or those a test injects), and each organisation's own settings over them. */
  private readonly connectors: OrganisationConnectors;
  private readonly leaseMs: number;
  private readonly linkKey: Buffer;

  constructor(
    private readonly ctx: AppContext,
    opts: { connectors?: Record<string, Connector>; leaseMs?: number } = {},
  ) {
    this.connectors = new OrganisationConnectors(ctx, opts.connectors ?? configuredConnectors(ctx));
    // The lease covers the longest attempt: the receiver's whole answer time (it downloads the package meanwhile), or writing a large package into a folder.
    this.leaseMs = opts.leaseMs ?? Math.max(ctx.config.delivery.rest?.timeoutMs ?? 0, ctx.config.delivery.eni?.timeoutMs ?? 0) + 15 * 60_000;
    this.linkKey = deliveryLinkKey(ctx.masterKey);
    this.poller = new Poller('delivery worker', ctx.log, () => this.round());
  }

  /** Attempts every due delivery once; resolves with how many were acknowledged. Concurrent calls share one round. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  /** Runs a round every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    this.poller.start(intervalMs);
  }

  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Prometheus lines: deliveries by state (dead letters need a supervisor's look). */
  async metrics(): Promise<string> {
    const counts = await deliveryRepo.countByState(this.ctx.db);
    const states: DeliveryState[] = ['pending', 'acknowledged', 'dead'];
    return [
      '# HELP finestreta_deliveries Deliveries of evidence to case management by state.',
      '# TYPE finestreta_deliveries gauge',
      ...states.map((s) => `finestreta_deliveries{state="${s}"} ${counts.get(s) ?? 0}`),
      '',
    ].join('\n');
  }

  private async round(): Promise<number> {
    const ids = await deliveryRepo.due(this.ctx.db, this.ctx.clock.now().toISOString(), BATCH);
    let acknowledged = 0;
    let next = 0;
    const run = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        if (id === undefined) break;
        try {
          if (await this.attemptOne(id)) acknowledged++;
        } catch (error) {
          this.ctx.log.error({ err: error, deliveryId: id }, 'delivery attempt not recorded; its lease will expire');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, run));
    // Dead letters whose alert a process did not get to send (it died between the two steps).
    for (const id of await deliveryRepo.unalertedDead(this.ctx.db, BATCH)) await alertDeadDelivery(this.ctx, id);
    return acknowledged;
  }

  /** Claims and attempts one delivery; true when it was acknowledged. */
  private async attemptOne(id: string): Promise<boolean> {
    const { ctx } = this;
    const started = ctx.clock.now();
    const leaseUntil = new Date(started.getTime() + this.leaseMs).toISOString();
    if (!(await deliveryRepo.claim(ctx.db, id, this.owner, started.toISOString(), leaseUntil))) return false;
    // A long attempt (a large package written into a folder) moves its lease on, so no other process takes it over meanwhile.
    let lease = leaseUntil;
    let extending: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      extending = extending.then(async () => {
        const next = new Date(ctx.clock.now().getTime() + this.leaseMs).toISOString();
        if (await deliveryRepo.extend(ctx.db, id, this.owner, lease, next)) lease = next;
      }).catch((error: unknown) => ctx.log.warn({ err: error, deliveryId: id }, 'delivery lease not extended'));
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    let outcome: DeliveryOutcome;
    let row: DeliveryForAttempt | undefined;
    try {
      row = await deliveryRepo.forAttempt(ctx.db, id);
      if (!row) return false;
      const connector = await this.connectors.connectorFor(row.organisation_id, row.connector);
      if (!connector) outcome = { status: 'failed', error: `connector ${row.connector} not configured` };
      else {
        const item = await this.itemOf(row, started);
        outcome = await connector.attempt(item).catch((error: unknown): DeliveryOutcome => {
          ctx.log.error({ err: error, deliveryId: id }, 'connector failed unexpectedly');
          return { status: 'failed', error: 'connector error' };
        });
      }
    } finally {
      clearInterval(heartbeat);
      await extending;
    }
    return this.record(row, lease, outcome);
  }

  /** What the connector is handed: metadata, the package as a stream, and a signed link to it. */
  private async itemOf(row: DeliveryForAttempt, now: Date): Promise<DeliveryItem> {
    const base = await organisationBaseUrl(this.ctx, row.organisation_id, row.slug);
    const expiresAt = new Date(now.getTime() + this.ctx.config.delivery.linkHours * 3_600_000);
    const { expires, signature } = signDeliveryLink(this.linkKey, row.organisation_id, row.id, expiresAt);
    return {
      deliveryId: row.id,
      attempt: row.attempts,
      organisationId: row.organisation_id,
      metadata: {
        deliveryId: row.id,
        organisation: { dir3: row.dir3 },
        appointment: { reference: row.appointment_reference },
        procedure: { code: row.procedure_code, siaCode: row.procedure_sia_code },
        package: { id: row.package_id, sha256: row.sha256, size: Number(row.size), sealedAt: row.sealed_at, mediaType: ASIC_E_MIMETYPE },
      },
      openPackage: (range) => this.ctx.blobs.read(row.blob_id, range),
      downloadLink: () => ({ url: `${base}/api/public/deliveries/${row.id}/package?expires=${expires}&signature=${signature}`, expiresAt: new Date(expires * 1000).toISOString() }),
    };
  }

  /** Writes the outcome (fenced by the lease) with its history event; alerts on a dead letter. */
  private async record(row: DeliveryForAttempt, leaseUntil: string, outcome: DeliveryOutcome): Promise<boolean> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    const deadline = Date.parse(row.dead_after);
    const fields = { deliveryId: row.id, connector: row.connector, attempt: row.attempts };
    const dead = outcome.status !== 'acknowledged' && now.getTime() >= deadline;
    const retryAt = new Date(Math.min(now.getTime() + (outcome.status === 'waiting' ? RECEIPT_POLL_MS : retryDelayMs(row.attempts)), deadline)).toISOString();
    const kept = await ctx.db.transaction().execute(async (trx) => {
      const event = (type: string, data: object) => bookingRepo.addEvent(trx, row.organisation_id, row.appointment_id, type, 'system', nowIso, { ...fields, ...data });
      if (outcome.status === 'acknowledged') {
        if (!(await deliveryRepo.finish(trx, row.id, this.owner, leaseUntil, { state: 'acknowledged', next_attempt_at: nowIso, last_error: null, reference: outcome.reference, acknowledged_at: nowIso }))) return false;
        await event('delivery.acknowledged', { reference: outcome.reference });
        return true;
      }
      const error = outcome.status === 'failed' ? outcome.error : null;
      const set = dead
        ? { state: 'dead' as const, next_attempt_at: nowIso, last_error: error ?? 'no receipt from the receiver', dead_at: nowIso }
        : { state: 'pending' as const, next_attempt_at: retryAt, last_error: error };
      if (!(await deliveryRepo.finish(trx, row.id, this.owner, leaseUntil, set))) return false;
      // A drop folder waiting for its receipt is polled every minute: only the first wait (or one after a failure) goes into the history.
      if (outcome.status === 'failed') await event('delivery.failed', { error: outcome.error });
      else if (row.attempts === 1 || row.last_error !== null) await event('delivery.handed_over', {});
      if (dead) await event('delivery.dead', { error: set.last_error });
      return true;
    });
    if (!kept) {
      ctx.log.warn(fields, 'delivery lease lost before its outcome was recorded');
      return false;
    }
    if (outcome.status === 'acknowledged') {
      ctx.log.info(fields, 'delivery acknowledged');
      // Personal data left for another system: the audit trail says so, with the receiver's reference.
      await appendAudit(ctx, {
        organisationId: row.organisation_id,
        actor: `connector:${row.connector}`,
        action: 'evidence.delivered',
        appointmentId: row.appointment_id,
        target: `evidence:${row.package_id}`,
        details: { deliveryId: row.id, reference: outcome.reference },
      }).catch((error: unknown) => ctx.log.error({ err: error, deliveryId: row.id }, 'audit: entry not written'));
      return true;
    }
    if (dead) {
      ctx.log.error({ ...fields, error: outcome.status === 'failed' ? outcome.error : 'no receipt' }, 'delivery dead: supervisors alerted');
      await alertDeadDelivery(ctx, row.id);
    } else if (outcome.status === 'failed') ctx.log.warn({ ...fields, error: outcome.error }, 'delivery not acknowledged; retried later');
    return false;
  }
}
