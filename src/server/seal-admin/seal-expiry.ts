import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { renderMailHtml, renderMailText, type MailDocument } from '../mail/mail.layout.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { fillTemplate, mailLeaders, staffLanguage } from '../mail/staff-alert.ts';
import type { Language } from '../../shared/limits.ts';
import { sealAdminRepo } from './seal-admin.repo.ts';

/** Supervisors and administrators are warned this long before the seal in use expires. */
export const SEAL_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

/** The seal in use ends soon: when, and how many whole days are left (0 on its last day, negative once expired). */
export interface SealExpiryNotice {
  notAfter: string;
  daysLeft: number;
}

/**
 * The warning staff pages show supervisors and administrators while the
 * organisation's seal ends within 30 days, or null. The installed seal is
 * read from the database; the SEAL_P12_PATH seal from the (memoised)
 * provider. The development TEST SEAL is not looked at: it lasts ten years,
 * and generating it is not worth a page view.
 */
export async function sealExpiryNotice(ctx: AppContext, organisationId: string): Promise<SealExpiryNotice | null> {
  const now = ctx.clock.now();
  let notAfter: string | null = null;
  const installedId = await sealAdminRepo.currentId(ctx.db, organisationId);
  if (installedId !== null) {
    const row = await ctx.db.selectFrom('organisation_seals').select('not_after').where('id', '=', installedId).executeTakeFirst();
    notAfter = row?.not_after ?? null;
  } else if (ctx.config.evidence.seal.p12Path) {
    const { X509Certificate } = await import('node:crypto');
    const seal = await ctx.seals.seal(organisationId).catch(() => null);
    if (seal) notAfter = new Date(new X509Certificate(seal.certificate).validTo).toISOString();
  }
  if (notAfter === null) return null;
  const left = Date.parse(notAfter) - now.getTime();
  if (left > SEAL_EXPIRY_WARNING_DAYS * DAY_MS) return null;
  return { notAfter, daysLeft: Math.floor(left / DAY_MS) };
}

/**
 * The daily check (run by housekeeping): for each installed seal in use that
 * ends within 30 days, emails every active supervisor and administrator of
 * its organisation — once per seal, whichever node runs the check first
 * (the seal row is marked before anything is sent). When no message could
 * be sent at all, the mark is undone so the next check tries again.
 * Returns how many messages went out.
 */
export async function warnExpiringSeals(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const seals = await sealAdminRepo.unwarnedExpiring(ctx.db, new Date(now.getTime() + SEAL_EXPIRY_WARNING_DAYS * DAY_MS).toISOString());
  let sent = 0;
  for (const seal of seals) {
    if (!(await sealAdminRepo.markWarned(ctx.db, seal.id, now.toISOString()))) continue;
    const org = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', seal.organisation_id).executeTakeFirst();
    if (!org) continue;
    const mail = sealExpiryMail(org, seal, `${await organisationBaseUrl(ctx, org.id, org.slug)}/staff/admin/seal`);
    const { recipients, sent: delivered } = await mailLeaders(ctx, org, mail, { sealId: seal.id }, 'seal expiry warning');
    // Nobody could be told: unmark, so a later round tries again.
    if (delivered === 0 && recipients > 0) await sealAdminRepo.clearWarned(ctx.db, seal.id);
    sent += delivered;
  }
  return sent;
}

/** The texts of the warning, in the organisation's default language (staff have no language of their own). */
const LABELS: Record<Language, { subject: string; heading: string; intro: string; expires: string; subjectLabel: string; action: string; link: string; footer: string }> = {
  ca: {
    subject: 'El segell d’òrgan caduca el {date}',
    heading: 'El segell d’òrgan caduca aviat',
    intro: 'El certificat de segell amb què {organisation} segella els justificants i els paquets d’evidències caduca d’aquí a menys de 30 dies.',
    expires: 'Caduca',
    subjectLabel: 'Certificat',
    action: 'Un administrador ha d’instal·lar el certificat renovat a la consola d’administració abans d’aquesta data: a partir d’aleshores els segells no es podran validar.',
    link: 'Consola d’administració: segell d’òrgan',
    footer: 'Missatge automàtic de Finestreta per a {organisation}.',
  },
  es: {
    subject: 'El sello de órgano caduca el {date}',
    heading: 'El sello de órgano caduca pronto',
    intro: 'El certificado de sello con el que {organisation} sella los justificantes y los paquetes de evidencias caduca dentro de menos de 30 días.',
    expires: 'Caduca',
    subjectLabel: 'Certificado',
    action: 'Un administrador debe instalar el certificado renovado en la consola de administración antes de esa fecha: a partir de entonces los sellos no se podrán validar.',
    link: 'Consola de administración: sello de órgano',
    footer: 'Mensaje automático de Finestreta para {organisation}.',
  },
  en: {
    subject: 'The organ seal expires on {date}',
    heading: 'The organ seal expires soon',
    intro: 'The seal certificate {organisation} seals receipts and evidence packages with expires in less than 30 days.',
    expires: 'Expires',
    subjectLabel: 'Certificate',
    action: 'An administrator must install the renewed certificate in the administration console before that date: after it, seals can no longer be validated.',
    link: 'Administration console: organ seal',
    footer: 'Automatic message from Finestreta for {organisation}.',
  },
};

/** The warning email (both bodies) for one seal. */
export function sealExpiryMail(org: Organisation, seal: { subject: string; not_after: string }, url: string) {
  const lang = staffLanguage(org);
  const l = LABELS[lang];
  const date = DateTime.fromISO(seal.not_after, { zone: org.time_zone }).setLocale(lang).toLocaleString(DateTime.DATETIME_FULL);
  const doc: MailDocument = {
    language: lang,
    title: fillTemplate(l.subject, { date }),
    brand: org.name,
    heading: l.heading,
    blocks: [
      { kind: 'paragraph', text: fillTemplate(l.intro, { organisation: org.name }) },
      {
        kind: 'facts',
        items: [
          { label: l.subjectLabel, value: seal.subject },
          { label: l.expires, value: date },
        ],
      },
      { kind: 'paragraph', text: l.action },
      { kind: 'link', label: l.link, url },
    ],
    footer: [fillTemplate(l.footer, { organisation: org.name })],
  };
  return { subject: doc.title, html: renderMailHtml(doc), text: renderMailText(doc), language: lang };
}
