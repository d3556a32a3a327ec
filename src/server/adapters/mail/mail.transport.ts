/** A message ready to send: both bodies and any attachments, already rendered. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Language of the message (Content-Language). */
  language: string;
  attachments?: { filename: string; contentType: string; content: string }[];
  /**
   * An iCalendar invitation, sent both as the `text/calendar; method=…`
   * alternative that mail clients show as an invitation and as an `.ics`
   * attachment for clients that do not.
   */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string; filename?: string };
  /**
   * A stable Message-ID (`<id@domain>`). Re-sending the same queued message
   * after a crash reuses it, so receiving systems can collapse a duplicate.
   */
  messageId?: string;
}

/** Sends mail. Implementations: SMTP (nodemailer) and the local outbox folder. */
export interface MailTransport {
  /** Sends one message; resolves with the Message-ID once the transport accepted it. */
  send(mail: OutgoingMail, from: string): Promise<string>;
  readonly kind: 'smtp' | 'outbox';
  close(): Promise<void>;
}
