import type { AppContext } from '../context.ts';
import { Poller } from '../workers/poller.ts';
import { runRetention } from './retention.service.ts';

/**
 * The retention job, on every node: each round applies every
 * organisation's retention periods (see `retention.service.ts`) and
 * finishes the shredding a dead process left. Rounds on several nodes at
 * once are safe: each purge is claimed by a conditional update.
 */
export class RetentionJob {
  private readonly poller: Poller;

  constructor(ctx: AppContext) {
    this.poller = new Poller('retention job', ctx.log, () => runRetention(ctx));
  }

  /** Runs one round now; resolves with how many purges and shreds it did. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  /** Runs a round now and every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    this.poller.start(intervalMs, { immediately: true });
  }

  /** Stops and waits for the round in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }
}
