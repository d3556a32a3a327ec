import type { Transporter } from 'nodemailer';
import { toNodemailerMessage } from './mail.message.ts';
import type { MailTransport } from './mail.transport.ts';

/**
 * Sends through an SMTP relay given as a URL (`smtp://user:pass@host:587`,
 * `smtps://…:465`; nodemailer reads options such as `?pool=true` from the
 * query string). STARTTLS is used whenever the server offers it.
 */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  // Timeouts well inside the 2-minute lease of a queued message: a hung relay
  // fails the attempt (retried later) instead of outliving the lease and
  // letting another node send the same message meanwhile.
  const url = new URL(smtpUrl);
  for (const [option, ms] of [['connectionTimeout', '30000'], ['greetingTimeout', '30000'], ['socketTimeout', '60000']] as const) {
    if (!url.searchParams.has(option)) url.searchParams.set(option, ms);
  }
  // nodemailer loads with the first message, not with the server.
  let transporter: Promise<Transporter> | undefined;
  const connect = () => (transporter ??= import('nodemailer').then(({ createTransport }) => createTransport(url.toString())));
  return {
    kind: 'smtp',
    async send(mail, from) {
      const info = await (await connect()).sendMail(toNodemailerMessage(mail, from));
      return info.messageId;
    },
    async close() {
      // Idle SMTP connections are closed at once; nodemailer's close() does not report completion.
      (await transporter)?.close();
    },
  };
}
