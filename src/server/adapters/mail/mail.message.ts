import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMail } from './mail.transport.ts';

/**
 * The one mapping from an `OutgoingMail` to nodemailer's message options,
 * shared by the SMTP and outbox transports so the `.eml` in the outbox is
 * built exactly as the message SMTP would carry.
 */
export function toNodemailerMessage(mail: OutgoingMail, from: string): SendMailOptions {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    headers: {
      // RFC 3282: the language of the content, for screen readers and filters.
      'Content-Language': mail.language,
      // RFC 3834 §5: machine-generated, so auto-responders stay quiet.
      'Auto-Submitted': 'auto-generated',
    },
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
    })),
    // nodemailer adds the event twice: as a `text/calendar; method=…`
    // alternative beside the text and HTML (RFC 6047 §2.4) and as an
    // attachment for clients that ignore the alternative.
    ...(mail.calendar
      ? {
          icalEvent: {
            method: mail.calendar.method,
            content: mail.calendar.content,
            filename: mail.calendar.filename ?? 'invite.ics',
          },
        }
      : {}),
    // Content is always given inline; never let a value be read as a path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
