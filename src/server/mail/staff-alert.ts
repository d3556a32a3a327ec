import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import type { OutgoingMail } from '../adapters/mail/mail.transport.ts';
import { organisationLanguages } from '../organisations/organisation.present.ts';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../../shared/limits.ts';

/**
 * Alerts for the people who run the service (a seal about to expire, a
 * delivery that became a dead letter): in the organisation's default
 * language (staff have no language of their own), straight to the transport
 * (the mail queue holds citizens' appointment messages), to every active
 * supervisor and administrator.
 */

/** The language staff messages are written in: the organisation's default. */
export function staffLanguage(org: Organisation): Language {
  const first = organisationLanguages(org)[0] ?? DEFAULT_LANGUAGE;
  return isLanguage(first) ? first : DEFAULT_LANGUAGE;
}

/** `{name}` placeholders of a template filled in (a missing value leaves nothing). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? '');
}

/**
 * Sends `mail` to every active supervisor and administrator of `org`; one
 * failed recipient does not stop the others. Addresses are personal data:
 * the log names only `about` (an id) and counts. Answers how many there
 * were and how many messages went out.
 */
export async function mailLeaders(
  ctx: AppContext,
  org: Organisation,
  mail: Omit<OutgoingMail, 'to'>,
  about: Record<string, string>,
  what: string,
): Promise<{ recipients: number; sent: number }> {
  const people = await ctx.db.selectFrom('staff').select(['email']).where('organisation_id', '=', org.id).where('role', 'in', ['supervisor', 'admin']).where('active', '=', 1).execute();
  let sent = 0;
  for (const person of people) {
    try {
      await ctx.mail.send({ to: person.email, ...mail }, ctx.config.mailFrom);
      sent++;
    } catch (error) {
      ctx.log.warn({ err: error, ...about }, `${what} not sent to one recipient`);
    }
  }
  if (sent > 0 || people.length === 0) ctx.log.info({ ...about, organisationId: org.id, recipients: sent }, `${what} sent`);
  return { recipients: people.length, sent };
}
