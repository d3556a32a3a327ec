import { createTransport } from 'nodemailer';
import { toNodemailerMessage } from './mail.message.ts';
import type { MailTransport } from './mail.transport.ts';

/**
 * Sends through an SMTP relay given as a URL (`smtp://user:pass@host:587`,
 * `smtps://…:465`; nodemailer reads options such as `?pool=true` from the
 * query string). STARTTLS is used whenever the server offers it.
 */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  const transporter = createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(mail, from) {
      const info = await transporter.sendMail(toNodemailerMessage(mail, from));
      return info.messageId;
    },
    close() {
      // Idle SMTP connections are closed at once; nodemailer's close() does not report completion.
      transporter.close();
      return Promise.resolve();
    },
  };
}
