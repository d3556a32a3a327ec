import type { Transaction } from 'kysely';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Appointment, Database, Organisation } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { translate } from '../i18n/translate.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import { jobsRepo } from '../jobs/jobs.repo.ts';
import { renderMailHtml, renderMailText, type MailDocument } from '../mail/mail.layout.ts';
import { organisationBaseUrl } from '../mail/mail.queue.ts';
import { randomToken, sha256Hex } from '../security/secrets.ts';
import { DEFAULT_LANGUAGE, isLanguage } from '../../shared/limits.ts';
import { SURVEY_LIMITS } from '../../shared/surveys.ts';
import { callHappened } from './surveys.service.ts';
import { surveysRepo } from './surveys.repo.ts';

/**
 * The emailed survey link, for a citizen who left the call before
 * answering. Scheduled at hang-up as a job (`survey_invitation:<appointment>`,
 * so a second hang-up after a readmission is a no-op) that runs
 * SURVEY_LIMITS.invitationDelayMinutes later and sends only if no answer
 * came meanwhile and no invitation was sent before: once per appointment.
 *
 * The link's token (192 bits) exists in plaintext only in the message; the
 * database keeps its SHA-256. So the email is not queued in `mail_queue`
 * (it would hold the token in clear until sent): like the protocol's
 * one-time code it is sent at once, here inside the job's transaction, so
 * that a failed send rolls the invitation back and the job retries. If the
 * transport accepted it and the commit then failed, the retry sends a new
 * link (the first one, never stored, does not work): a duplicate rather
 * than a citizen without a working link.
 */

/** The job kind of the invitation. */
export const SURVEY_INVITATION_JOB = 'survey_invitation';

const payload = z.object({ appointmentId: z.string().min(1) });

/** The job's key: one invitation per appointment. */
export const surveyInvitationKey = (appointmentId: string): string => `${SURVEY_INVITATION_JOB}:${appointmentId}`;

/** Schedules the invitation of an appointment whose call just ended, in the caller's transaction. */
export async function scheduleSurveyInvitation(trx: Transaction<Database>, organisationId: string, appointmentId: string, now: Date): Promise<void> {
  await jobsRepo.schedule(
    trx,
    {
      organisationId,
      kind: SURVEY_INVITATION_JOB,
      key: surveyInvitationKey(appointmentId),
      runAt: new Date(now.getTime() + SURVEY_LIMITS.invitationDelayMinutes * 60_000),
      payload: { appointmentId },
    },
    now,
  );
}

/** The invitation email in the citizen's language: no personal data beyond the appointment's reference. */
export function surveyInvitationMail(org: Pick<Organisation, 'name' | 'time_zone'>, appointment: Pick<Appointment, 'language' | 'reference'>, url: string, expiresAt: Date) {
  const lang = isLanguage(appointment.language) ? appointment.language : DEFAULT_LANGUAGE;
  const t = (key: string, values: Record<string, unknown> = {}) => translate(lang, `mail.survey_invitation.${key}`, values);
  const until = DateTime.fromJSDate(expiresAt, { zone: org.time_zone }).setLocale(lang).toLocaleString(DateTime.DATE_FULL);
  const doc: MailDocument = {
    language: lang,
    title: t('subject', { organisation: org.name }),
    brand: org.name,
    heading: t('heading'),
    blocks: [
      { kind: 'paragraph', text: t('intro', { reference: appointment.reference }) },
      { kind: 'link', label: t('link_label'), url },
      { kind: 'paragraph', text: t('anonymous') },
      { kind: 'paragraph', text: t('valid_until', { date: until }) },
    ],
    footer: [t('footer', { organisation: org.name })],
  };
  return { subject: doc.title, html: renderMailHtml(doc), text: renderMailText(doc), language: lang };
}

/** The job's handler: invite the citizen unless they answered, were invited already, or the call is not over. */
export function surveyInvitationHandlers(): Record<typeof SURVEY_INVITATION_JOB, JobHandler> {
  return {
    [SURVEY_INVITATION_JOB]: async (trx, job, ctx: AppContext) => {
      const p = payload.parse(JSON.parse(job.payload));
      const appointment = await trx
        .selectFrom('appointments')
        .selectAll()
        .where('id', '=', p.appointmentId)
        .$if(ctx.dialect === 'postgres', (qb) => qb.forUpdate())
        .executeTakeFirst();
      if (!appointment || appointment.organisation_id !== job.organisation_id || !appointment.citizen_email) return { outcome: 'cancelled' };
      // Back in the call or the waiting room: the next hang-up schedules it again (a cancelled job is re-armed).
      if (['waiting', 'in_call', 'cancelled'].includes(appointment.status)) return { outcome: 'cancelled' };
      // Through `trx` only: on SQLite `ctx.db` is the connection this transaction holds.
      const inTrx: AppContext = { ...ctx, db: trx };
      if (!(await callHappened(inTrx, appointment))) return { outcome: 'cancelled' };
      if (await surveysRepo.surveyAnswered(trx, appointment.organisation_id, appointment.id)) return { outcome: 'cancelled' };
      const sent = await trx.selectFrom('survey_invitations').select('appointment_id').where('appointment_id', '=', appointment.id).executeTakeFirst();
      if (sent) return { outcome: 'cancelled' };
      const org = await trx.selectFrom('organisations').selectAll().where('id', '=', appointment.organisation_id).executeTakeFirstOrThrow();
      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + SURVEY_LIMITS.invitationValidDays * 86_400_000);
      const token = randomToken();
      await surveysRepo.putInvitation(trx, {
        appointment_id: appointment.id,
        organisation_id: org.id,
        token_hash: sha256Hex(token),
        expires_at: expiresAt.toISOString(),
        created_at: now.toISOString(),
      });
      await bookingRepo.addEvent(trx, org.id, appointment.id, 'survey.invited', 'system', now.toISOString(), { expiresAt: expiresAt.toISOString() });
      const url = `${await organisationBaseUrl(inTrx, org.id, org.slug)}/survey/${token}`;
      await ctx.mail.send({ to: appointment.citizen_email, ...surveyInvitationMail(org, appointment, url, expiresAt) }, ctx.config.mailFrom);
      return { outcome: 'done' };
    },
  };
}
