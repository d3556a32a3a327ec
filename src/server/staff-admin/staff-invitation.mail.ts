import { DateTime } from 'luxon';
import type { Organisation } from '../db/schema.ts';
import { translate } from '../i18n/translate.ts';
import { renderMailHtml, renderMailText, type MailDocument } from '../mail/mail.layout.ts';
import { organisationLanguages } from '../organisations/organisation.present.ts';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '../../shared/limits.ts';
import type { StaffRoleValue } from '../../shared/admin-people.ts';

/**
 * The invitation email, in the organisation's default language (the
 * invitee has no language of their own yet): who invites, the role, and
 * the one link to choose a password, valid until a stated time.
 */
export function staffInvitationMail(
  org: Pick<Organisation, 'name' | 'time_zone' | 'languages'>,
  invitee: { displayName: string; role: StaffRoleValue },
  url: string,
  expiresAt: Date,
): { subject: string; html: string; text: string; language: Language } {
  const first = organisationLanguages(org as Organisation)[0];
  const lang: Language = isLanguage(first) ? first : DEFAULT_LANGUAGE;
  const t = (key: string, values: Record<string, unknown> = {}) => translate(lang, `mail.staff_invitation.${key}`, values);
  const local = DateTime.fromJSDate(expiresAt, { zone: org.time_zone }).setLocale(lang);
  const doc: MailDocument = {
    language: lang,
    title: t('subject', { organisation: org.name }),
    brand: org.name,
    heading: t('heading'),
    blocks: [
      { kind: 'paragraph', text: t('intro', { name: invitee.displayName, organisation: org.name, role: t(`role_${invitee.role}`) }) },
      { kind: 'link', label: t('link_label'), url },
      { kind: 'paragraph', text: t('valid_until', { date: local.toLocaleString(DateTime.DATE_FULL), time: local.toFormat('HH:mm') }) },
      { kind: 'paragraph', text: t('not_you') },
    ],
    footer: [t('footer', { organisation: org.name })],
  };
  return { subject: doc.title, html: renderMailHtml(doc), text: renderMailText(doc), language: lang };
}
