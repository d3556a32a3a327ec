import type { MailTransport } from './mail.transport.ts';
import { createOutboxTransport } from './outbox.transport.ts';
import { createSmtpTransport } from './smtp.transport.ts';

/** Where mail goes: an SMTP relay when `smtpUrl` is set, otherwise `.eml` files in `outboxDir`. */
export interface MailTransportOptions {
  smtpUrl: string | undefined;
  outboxDir: string;
  /** Clock for the outbox file names; defaults to the system clock. */
  now?: () => Date;
}

/** Picks the transport from the configuration: SMTP when `smtpUrl` is set, the outbox folder otherwise. */
export function createMailTransport(options: MailTransportOptions): MailTransport {
  if (options.smtpUrl) return createSmtpTransport(options.smtpUrl);
  return createOutboxTransport({ dir: options.outboxDir, ...(options.now ? { now: options.now } : {}) });
}
