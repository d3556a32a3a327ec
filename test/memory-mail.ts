import type { MailTransport, OutgoingMail } from '../src/server/adapters/mail/mail.transport.ts';

/** Captures sent mail in memory; `failNext` simulates a transport outage. */
export class MemoryMail implements MailTransport {
  readonly kind = 'outbox' as const;
  readonly sent: OutgoingMail[] = [];
  failNext = 0;
  async send(mail: OutgoingMail): Promise<string> {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    }
    this.sent.push(mail);
    return Promise.resolve(`<${this.sent.length}@test>`);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  /** The last message sent to an address. */
  lastTo(email: string): OutgoingMail | undefined {
    return [...this.sent].reverse().find((m) => m.to === email);
  }
}
