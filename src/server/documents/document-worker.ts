import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import type { AppContext } from '../context.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { ScannerUnavailable, type ScanResult } from '../adapters/scanner/scanner.ts';
import { Poller } from '../workers/poller.ts';
import { documentsRepo } from './documents.repo.ts';
import { purgeDueDocuments } from '../retention/retention.service.ts';

const BATCH = 20;
/** How long one node holds a scan. A 2 GB file streams through clamd in well under this. */
const SCAN_LEASE_MS = 15 * 60_000;
/** Scans that fail (clamd down) are retried with this backoff, capped. */
const SCAN_RETRY_MS = 60_000;
const SCAN_RETRY_MAX_MS = 30 * 60_000;

/**
 * The document space's background work, on every node, each item claimed by
 * one: malware scans (outside any transaction: a scan can take minutes),
 * crypto-shredding of retired documents and of refused or abandoned
 * uploads, discarding uploads that were never finished, and the retention
 * purge of closed appointments. Each pass is idempotent, so a node that dies
 * half-way leaves nothing another pass cannot finish.
 */
export class DocumentWorker {
  private readonly poller: Poller;

  constructor(private readonly ctx: AppContext) {
    this.poller = new Poller('document worker', ctx.log, () => this.round());
  }

  /** Runs every pass once; resolves with how many items were handled. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  /** Runs the passes now and every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    this.poller.start(intervalMs, { immediately: true });
  }

  /** Stops and waits for the round in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async round(): Promise<number> {
    return (await this.scanDue()) + (await this.expireUploads()) + (await this.applyRetention()) + (await this.shred());
  }

  /** Scans documents waiting for it; a scanner that is down leaves them waiting ("scanning"), never clean. */
  private async scanDue(): Promise<number> {
    const { ctx } = this;
    const scanner = ctx.scanner;
    const now = ctx.clock.now();
    const due = await documentsRepo.scanDue(ctx.db, now.toISOString(), BATCH);
    let done = 0;
    for (const candidate of due) {
      if (!(await documentsRepo.claimScan(ctx.db, candidate.id, candidate.scan_lease_until, new Date(now.getTime() + SCAN_LEASE_MS).toISOString()))) continue;
      const doc = await documentsRepo.byId(ctx.db, candidate.id);
      if (!doc?.blob_id) continue;
      let result: ScanResult | { verdict: 'not_configured' };
      let sha256: string | null = null;
      try {
        if (!scanner) {
          result = { verdict: 'not_configured' };
        } else {
          // The hash is taken from the very bytes the scanner reads.
          const hash = createHash('sha256');
          const tap = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              hash.update(chunk);
              cb(null, chunk);
            },
          });
          // pipeline passes a read or decryption failure on to the scanner (and closes the blob when the scanner stops).
          result = await scanner.scan(
            pipeline(ctx.blobs.read(doc.blob_id), tap, () => undefined),
            doc.size,
          );
          if (result.verdict !== 'too_large') sha256 = hash.digest('hex');
        }
      } catch (error) {
        const wait = Math.min(SCAN_RETRY_MS * 2 ** Math.max(0, doc.scan_attempts - 1), SCAN_RETRY_MAX_MS);
        await documentsRepo.deferScan(ctx.db, doc.id, new Date(ctx.clock.now().getTime() + wait).toISOString());
        ctx.log.warn({ documentId: doc.id, attempts: doc.scan_attempts, err: error instanceof ScannerUnavailable ? error.message : String(error) }, 'document scan deferred');
        continue;
      }
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const status = result.verdict === 'infected' ? 'infected' : result.verdict === 'too_large' ? 'too_large' : result.verdict === 'clean' ? 'clean' : 'not_configured';
        const signature = result.verdict === 'infected' ? result.signature.slice(0, 200) : null;
        if (sha256 && doc.sha256 && sha256 !== doc.sha256) {
          // The stored bytes no longer match what was received: never present them.
          ctx.log.error({ documentId: doc.id }, 'document hash mismatch at scan');
        }
        if (!(await documentsRepo.finishScan(trx, doc.id, status, signature, doc.sha256 ? null : sha256))) return;
        if (status === 'infected') {
          await bookingRepo.addEvent(trx, doc.organisation_id, doc.appointment_id, 'document.quarantined', 'system', at, { documentId: doc.id, fileName: doc.file_name, signature });
        } else if (status === 'too_large') {
          await bookingRepo.addEvent(trx, doc.organisation_id, doc.appointment_id, 'document.not_scanned', 'system', at, { documentId: doc.id, fileName: doc.file_name, reason: 'too_large' });
        }
      });
      ctx.log.info({ documentId: doc.id, verdict: result.verdict }, 'document scanned');
      done++;
    }
    return done;
  }

  /** Uploads never finished are abandoned when their time runs out. */
  private async expireUploads(): Promise<number> {
    const expired = await documentsRepo.expiredUploads(this.ctx.db, this.ctx.clock.now().toISOString(), BATCH);
    let n = 0;
    for (const upload of expired) if (await documentsRepo.setUploadStatus(this.ctx.db, upload.id, 'receiving', 'abandoned')) n++;
    return n;
  }

  /**
   * Documents of appointments closed longer than their organisation's
   * documents period ago (DOCUMENT_RETENTION_DAYS until an administrator
   * sets one) are purged — by the retention module, which also honours
   * legal holds and the delivery acknowledgement and records each purge.
   */
  private applyRetention(): Promise<number> {
    return purgeDueDocuments(this.ctx);
  }

  /** Destroys the blobs of retired documents and of refused or abandoned uploads (crypto-shredding). */
  private async shred(): Promise<number> {
    const { ctx } = this;
    let n = 0;
    for (const doc of await documentsRepo.toShred(ctx.db, BATCH)) {
      if (!doc.blob_id) continue;
      await ctx.blobs.destroy(doc.blob_id);
      await documentsRepo.markShredded(ctx.db, doc.id);
      n++;
    }
    for (const upload of await documentsRepo.uploadsToDestroy(ctx.db, BATCH)) {
      await ctx.blobs.destroy(upload.id);
      await documentsRepo.markUploadBlobDestroyed(ctx.db, upload.id, ctx.clock.now().toISOString());
      n++;
    }
    return n;
  }
}
