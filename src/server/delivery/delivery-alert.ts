import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { renderMailHtml, renderMailText, type MailDocument } from '../mail/mail.layout.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { fillTemplate, mailLeaders, staffLanguage } from '../mail/staff-alert.ts';
import type { Language } from '../../shared/limits.ts';
import { deliveryRepo } from './delivery.repo.ts';

/**
 * Tells the supervisors and administrators of its organisation that a
 * delivery became a dead letter — once per death, whichever process gets
 * there first: the row is marked before anything is sent, and the mark is
 * undone when no message could be sent at all, so a later round tries again.
 * Staff alerts go straight to the transport, as the seal-expiry warning does
 * (the mail queue holds citizens' appointment messages, rendered from the
 * appointment). Returns how many messages went out.
 */
export async function alertDeadDelivery(ctx: AppContext, deliveryId: string): Promise<number> {
  const now = ctx.clock.now();
  if (!(await deliveryRepo.markAlerted(ctx.db, deliveryId, now.toISOString()))) return 0;
  const row = await deliveryRepo.forAttempt(ctx.db, deliveryId);
  const org = row ? await ctx.db.selectFrom('organisations').selectAll().where('id', '=', row.organisation_id).executeTakeFirst() : undefined;
  if (!row || !org) return 0;
  const url = `${await organisationBaseUrl(ctx, org.id, org.slug)}/staff/deliveries`;
  const mail = deadDeliveryMail(org, { reference: row.appointment_reference, createdAt: row.created_at, attempts: row.attempts, lastError: row.last_error }, url);
  const { recipients, sent } = await mailLeaders(ctx, org, mail, { deliveryId }, 'dead delivery alert');
  // Nobody could be told: unmark, so a later round tries again.
  if (sent === 0 && recipients > 0) await deliveryRepo.clearAlerted(ctx.db, deliveryId);
  return sent;
}

const LABELS: Record<Language, { subject: string; heading: string; intro: string; appointment: string; queued: string; attempts: string; lastError: string; action: string; link: string; footer: string }> = {
  ca: {
    subject: 'No s’ha pogut lliurar l’expedient de la cita {reference}',
    heading: 'Un lliurament a la gestió d’expedients ha fallat',
    intro: 'El paquet d’evidències segellat d’una cita no s’ha pogut lliurar al sistema de gestió d’expedients després de tots els intents.',
    appointment: 'Cita',
    queued: 'En cua des de',
    attempts: 'Intents',
    lastError: 'Darrer error',
    action: 'Comproveu el connector i torneu-ho a intentar des de la pàgina de lliuraments. El paquet es conserva fins que el receptor el confirmi.',
    link: 'Lliuraments',
    footer: 'Missatge automàtic de Finestreta per a {organisation}.',
  },
  es: {
    subject: 'No se ha podido entregar el expediente de la cita {reference}',
    heading: 'Una entrega a la gestión de expedientes ha fallado',
    intro: 'El paquete de evidencias sellado de una cita no se ha podido entregar al sistema de gestión de expedientes tras todos los intentos.',
    appointment: 'Cita',
    queued: 'En cola desde',
    attempts: 'Intentos',
    lastError: 'Último error',
    action: 'Compruebe el conector y vuelva a intentarlo desde la página de entregas. El paquete se conserva hasta que el receptor lo confirme.',
    link: 'Entregas',
    footer: 'Mensaje automático de Finestreta para {organisation}.',
  },
  en: {
    subject: 'The evidence of appointment {reference} could not be delivered',
    heading: 'A delivery to case management failed',
    intro: 'The sealed evidence package of an appointment could not be delivered to the case-management system after every attempt.',
    appointment: 'Appointment',
    queued: 'Queued since',
    attempts: 'Attempts',
    lastError: 'Last error',
    action: 'Check the connector and retry from the deliveries page. The package is kept until the receiver acknowledges it.',
    link: 'Deliveries',
    footer: 'Automatic message from Finestreta for {organisation}.',
  },
};

/** The dead-letter email (both bodies), in the organisation's default language. */
export function deadDeliveryMail(org: Organisation, d: { reference: string; createdAt: string; attempts: number; lastError: string | null }, url: string) {
  const lang = staffLanguage(org);
  const l = LABELS[lang];
  const queued = DateTime.fromISO(d.createdAt, { zone: org.time_zone }).setLocale(lang).toLocaleString(DateTime.DATETIME_FULL);
  const doc: MailDocument = {
    language: lang,
    title: fillTemplate(l.subject, { reference: d.reference }),
    brand: org.name,
    heading: l.heading,
    blocks: [
      { kind: 'paragraph', text: l.intro },
      {
        kind: 'facts',
        items: [
          { label: l.appointment, value: d.reference },
          { label: l.queued, value: queued },
          { label: l.attempts, value: String(d.attempts) },
          { label: l.lastError, value: d.lastError ?? '—' },
        ],
      },
      { kind: 'paragraph', text: l.action },
      { kind: 'link', label: l.link, url },
    ],
    footer: [fillTemplate(l.footer, { organisation: org.name })],
  };
  return { subject: doc.title, html: renderMailHtml(doc), text: renderMailText(doc), language: lang };
}
