import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Database, MailQueueTable } from '../db/schema.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { issueCredentials } from '../citizen/credentials.ts';
import { changeDeadline } from '../booking/deadlines.ts';
import { missingMandatoryDocuments } from '../jobs/missing-documents.ts';
import { rejectedDocuments } from '../documents/rejected-documents.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { organisationTextsOf, overrideFor } from '../organisation-admin/organisation-settings.ts';
import { isLanguage, DEFAULT_LANGUAGE } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { renderAppointmentMail } from './appointment.mail.ts';
import { Poller } from '../workers/poller.ts';
import type { AppointmentMailData } from './mail.types.ts';

const MAX_ATTEMPTS = 12;
/** How long a claimed row is reserved for the node sending it. */
const LEASE_MS = 2 * 60_000;

/**
 * Queues an appointment email in the caller's transaction, so it exists if
 * and only if what it announces was committed. With a `dedupeKey` the email
 * is queued at most once per key, whoever queues it and however often: the
 * id of the message already queued under that key is returned instead.
 */
export async function enqueueMail(
  trx: Transaction<Database> | Db,
  m: { organisationId: string; appointmentId: string; kind: MailQueueTable['kind']; now: Date; dedupeKey?: string },
): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('mail_queue')
    .values({
      id,
      organisation_id: m.organisationId,
      appointment_id: m.appointmentId,
      kind: m.kind,
      status: 'pending',
      attempts: 0,
      next_attempt_at: m.now.toISOString(),
      last_error: null,
      created_at: m.now.toISOString(),
      sent_at: null,
      dedupe_key: m.dedupeKey ?? null,
    })
    // ON CONFLICT rather than catching the violation: on PostgreSQL a failed
    // statement would abort the caller's whole transaction.
    .$if(m.dedupeKey !== undefined, (qb) => qb.onConflict((oc) => oc.column('dedupe_key').doNothing()))
    .execute();
  if (m.dedupeKey === undefined) return id;
  const queued = await trx.selectFrom('mail_queue').select('id').where('dedupe_key', '=', m.dedupeKey).executeTakeFirstOrThrow();
  return queued.id;
}

/** Exponential backoff with ±50 % jitter, from 30 s up to 6 h. */
export function backoffMs(attempts: number): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
  return Math.round(base * (0.5 + Math.random()));
}

/** The organisation's base URL for links in emails: stable even when more organisations are added later. */
export async function organisationBaseUrl(ctx: AppContext, organisationId: string, slug: string): Promise<string> {
  const host = await ctx.db
    .selectFrom('organisation_hosts')
    .select('host')
    .where('organisation_id', '=', organisationId)
    .orderBy('host')
    .executeTakeFirst();
  if (host) {
    const url = new URL(ctx.config.publicUrl);
    return `${url.protocol}//${host.host}${url.port ? `:${url.port}` : ''}`;
  }
  return `${ctx.config.publicUrl}/o/${slug}`;
}

/**
 * Sends queued mail until each message is acknowledged by the transport.
 * Several nodes may run it: a row is claimed with a conditional update
 * before it is sent, so each message is sent by one node at a time.
 */
export class MailDispatcher {
  private readonly poller: Poller;

  constructor(private readonly ctx: AppContext) {
    this.poller = new Poller('mail dispatcher', ctx.log, () => this.sendDue());
  }

  /** Claims one queued message; false when another node has it or it is not due. */
  private async claim(id: string): Promise<MailQueueTable | null> {
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.selectFrom('mail_queue').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.status !== 'pending' || row.next_attempt_at > now.toISOString()) return null;
    const res = await this.ctx.db
      .updateTable('mail_queue')
      .set({ attempts: row.attempts + 1, next_attempt_at: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? { ...row, attempts: row.attempts + 1 } : null;
  }

  /** Sends one message now if it is due; resolves true when the transport accepted it. */
  async deliver(id: string): Promise<boolean> {
    const row = await this.claim(id);
    if (!row) return false;
    try {
      const data = await this.buildData(row);
      const mail = {
        ...renderAppointmentMail(data, this.ctx.config.mailFrom, this.ctx.clock.now()),
        messageId: `<${row.id}@${new URL(this.ctx.config.publicUrl).hostname}>`,
      };
      // The one step that is at-least-once, not exactly-once: the claim above
      // leased the row (next_attempt_at pushed LEASE_MS ahead) before this
      // send, and the row is marked sent right after the server accepts it.
      // If the process dies in between — the SMTP server said 250 but the
      // UPDATE never ran, a window of one round trip to the database — the
      // lease expires and the message is sent again: a duplicate is
      // preferred to a loss (a citizen who misses the appointment). The same
      // happens if one send outlasts LEASE_MS and another node re-claims it.
      await this.ctx.mail.send(mail, this.ctx.config.mailFrom);
      await this.ctx.db
        .updateTable('mail_queue')
        .set({ status: 'sent', sent_at: this.ctx.clock.now().toISOString(), last_error: null })
        .where('id', '=', id)
        .execute();
      this.ctx.log.info({ mailId: id, kind: row.kind, appointmentId: row.appointment_id }, 'mail sent');
      return true;
    } catch (error) {
      // Transport errors can quote addresses: keep only the class and code.
      const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
      const summary = `${error instanceof Error ? error.name : 'Error'}${code ? ` ${code}` : ''}`;
      const failed = row.attempts >= MAX_ATTEMPTS;
      await this.ctx.db
        .updateTable('mail_queue')
        .set({
          status: failed ? 'failed' : 'pending',
          last_error: summary,
          next_attempt_at: new Date(this.ctx.clock.now().getTime() + backoffMs(row.attempts)).toISOString(),
        })
        .where('id', '=', id)
        .execute();
      this.ctx.log.warn({ mailId: id, attempts: row.attempts, error: summary, failed }, 'mail not sent');
      return false;
    }
  }

  /** Sends every due message once; returns how many were sent. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  /** Polls for due mail every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    this.poller.start(intervalMs);
  }

  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async sendDue(): Promise<number> {
    const due = await this.ctx.db
      .selectFrom('mail_queue')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', this.ctx.clock.now().toISOString())
      .orderBy('next_attempt_at')
      .limit(50)
      .execute();
    let sent = 0;
    for (const { id } of due) if (await this.deliver(id)) sent++;
    return sent;
  }

  private async buildData(row: MailQueueTable): Promise<AppointmentMailData> {
    const { db } = this.ctx;
    const appointment = await db
      .selectFrom('appointments')
      .selectAll()
      .where('organisation_id', '=', row.organisation_id)
      .where('id', '=', row.appointment_id)
      .executeTakeFirstOrThrow();
    const org = await organisationRepo.byId(db, row.organisation_id);
    const procedure = await catalogueRepo.procedure(db, row.organisation_id, appointment.procedure_id);
    if (!org || !procedure) throw new Error('appointment without organisation or procedure');
    const docs = await catalogueRepo.requiredDocuments(db, org.id, [procedure.id]);
    const language = isLanguage(appointment.language) ? appointment.language : DEFAULT_LANGUAGE;
    const credentials =
      row.kind === 'booking_confirmation' ? await issueCredentials(db, org.id, appointment.id) : undefined;
    const missing = row.kind === 'reminder_documents' ? await missingMandatoryDocuments(this.ctx, appointment) : undefined;
    const rejected = row.kind === 'document_rejected' ? await rejectedDocuments(db, appointment, docs, language) : undefined;
    const note = overrideFor((await organisationTextsOf(db, org.id)).emailNote, language);
    return {
      kind: row.kind,
      language,
      organisation: { name: org.name, slug: org.slug, dir3: org.dir3, timeZone: org.time_zone },
      appointment: {
        id: appointment.id,
        reference: appointment.reference,
        startsAt: new Date(appointment.starts_at),
        endsAt: new Date(appointment.ends_at),
        uploadDeadline: new Date(appointment.upload_deadline),
        changeDeadline: changeDeadline(org, appointment),
        icsSequence: appointment.ics_sequence,
      },
      procedure: {
        name: pickLocalised(localised(procedure.name), language),
        requiredDocuments: docs.map((d) => ({
          name: pickLocalised(localised(d.name), language),
          description: pickLocalised(localised(d.description), language),
          mandatory: d.mandatory === 1,
        })),
      },
      citizen: { name: appointment.citizen_name, surnames: appointment.citizen_surnames, email: appointment.citizen_email },
      baseUrl: await organisationBaseUrl(this.ctx, org.id, org.slug),
      ...(credentials ? { credentials } : {}),
      ...(missing
        ? {
            missingDocuments: missing.map((d) => ({
              name: pickLocalised(localised(d.name), language),
              description: pickLocalised(localised(d.description), language),
            })),
          }
        : {}),
      ...(rejected ? { rejectedDocuments: rejected } : {}),
      ...(note ? { organisationNote: note } : {}),
    };
  }
}
