import type { Logger } from 'pino';

/**
 * The loop every background worker shares (mail, webhooks, jobs): one round
 * at a time — a call while a round runs gets that round's result — repeated
 * on an interval that does not keep the process alive, and a stop that waits
 * for the round in progress.
 */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly name: string,
    private readonly log: Logger,
    private readonly round: () => Promise<number>,
  ) {}

  /** Runs a round now (or joins the one running); resolves with what it handled. */
  run(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Runs a round every `intervalMs` (and at once when asked) until `stop()`. */
  start(intervalMs: number, opts: { immediately?: boolean } = {}): void {
    const tick = () => {
      this.run().catch((error: unknown) => this.log.error({ err: error }, `${this.name} failed`));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    if (opts.immediately) tick();
  }

  /** Stops the interval and waits for the round in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
