import type { OutgoingMail } from '../adapters/mail/mail.transport.ts';
import { translatorFor, type Translator } from '../i18n/translate.ts';
import { buildIcs } from './ics.ts';
import { formatInstant, type DateStyle } from './mail.format.ts';
import { renderMailHtml, renderMailText, type MailBlock, type MailDocument } from './mail.layout.ts';
import type { AppointmentMailData, AppointmentMailKind } from './mail.types.ts';

/**
 * The appointment emails in the citizen's language. The three that change
 * the appointment (confirmation, change, cancellation) carry an iCalendar
 * invitation for the same event (one UID, a rising SEQUENCE) so a calendar
 * keeps a single, current entry; the reminders (documents missing, the day
 * before, the waiting room is open) change nothing and carry none.
 */

/** The event's UID (RFC 5545 §3.8.4.7): derived from the appointment alone, so every update replaces the same event. */
export function appointmentUid(appointmentId: string): string {
  return `${appointmentId}@finestreta`;
}

/** Links built on the organisation's base URL. */
export interface AppointmentLinks {
  access: string;
  change: string;
  cancel: string;
}

/** The citizen's personal links for an access token: the page itself and its change and cancel actions. */
export function appointmentLinks(baseUrl: string, token: string): AppointmentLinks {
  const access = `${trimBase(baseUrl)}/a/${encodeURIComponent(token)}`;
  return { access, change: `${access}?action=change`, cancel: `${access}?action=cancel` };
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** The bare address of a From value such as `Ajuntament <no-reply@example.org>`. */
function addressOf(from: string): string {
  const angle = /<([^<>\s]+)>\s*$/.exec(from);
  return (angle?.[1] ?? from).trim();
}

/** Collapses line breaks and runs of spaces: a subject is one header line. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

interface Context {
  data: AppointmentMailData;
  t: Translator;
  when: (date: Date, style: DateStyle) => string;
  now: Date;
}

function factsBlock({ data, t, when }: Context): MailBlock {
  return {
    kind: 'facts',
    items: [
      { label: t('mail.facts.procedure'), value: data.procedure.name },
      { label: t('mail.facts.date'), value: when(data.appointment.startsAt, 'date') },
      { label: t('mail.facts.time'), value: when(data.appointment.startsAt, 'time') },
      { label: t('mail.facts.reference'), value: data.appointment.reference },
    ],
  };
}

function needsBlocks({ t }: Context): MailBlock[] {
  const items = ['device', 'browser', 'place', 'id_document'].map((k) => t(`mail.needs.${k}`));
  return [
    { kind: 'heading', text: t('mail.needs.heading') },
    { kind: 'bullets', items },
  ];
}

function documentBlocks({ data, t, when }: Context): MailBlock[] {
  const docs = data.procedure.requiredDocuments;
  if (docs.length === 0) {
    return [
      { kind: 'heading', text: t('mail.documents.heading') },
      { kind: 'paragraph', text: t('mail.documents.none') },
    ];
  }
  return [
    { kind: 'heading', text: t('mail.documents.heading') },
    { kind: 'paragraph', text: t('mail.documents.intro') },
    {
      kind: 'list',
      items: docs.map((d) => ({
        title: d.name,
        qualifier: t(d.mandatory ? 'mail.documents.mandatory' : 'mail.documents.optional'),
        ...(d.description.trim() ? { detail: d.description.trim() } : {}),
      })),
    },
    {
      kind: 'facts',
      items: [{ label: t('mail.documents.deadline'), value: when(data.appointment.uploadDeadline, 'dateTime') }],
    },
  ];
}

function changeDeadline({ data, t, when }: Context): MailBlock {
  return {
    kind: 'facts',
    items: [{ label: t('mail.change.deadline'), value: when(data.appointment.changeDeadline, 'dateTime') }],
  };
}

function confirmationBlocks(ctx: Context, credentials: { token: string; password: string }): MailBlock[] {
  const { data, t } = ctx;
  const links = appointmentLinks(data.baseUrl, credentials.token);
  return [
    { kind: 'heading', text: t('mail.access.heading') },
    { kind: 'paragraph', text: t('mail.access.intro') },
    { kind: 'link', label: t('mail.access.link_label'), url: links.access },
    // Shown apart from the link: a forwarded or leaked link alone must not be enough.
    {
      kind: 'secret',
      label: t('mail.access.password_label'),
      value: credentials.password,
      note: t('mail.access.password_note'),
    },
    ...needsBlocks(ctx),
    ...documentBlocks(ctx),
    { kind: 'heading', text: t('mail.change.heading') },
    { kind: 'paragraph', text: t('mail.change.intro') },
    changeDeadline(ctx),
    {
      kind: 'actions',
      items: [
        { label: t('mail.change.change_link'), url: links.change },
        { label: t('mail.change.cancel_link'), url: links.cancel },
      ],
    },
  ];
}

/** The change notice carries no credentials: they exist in plaintext only when issued, in the first email. */
function changedBlocks(ctx: Context): MailBlock[] {
  const { t } = ctx;
  return [
    { kind: 'heading', text: t('mail.access.heading') },
    { kind: 'paragraph', text: t('mail.access.still_valid') },
    ...needsBlocks(ctx),
    ...documentBlocks(ctx),
    { kind: 'heading', text: t('mail.change.heading') },
    { kind: 'paragraph', text: t('mail.change.use_first_email') },
    changeDeadline(ctx),
  ];
}

function cancelledBlocks({ data, t }: Context): MailBlock[] {
  return [
    { kind: 'paragraph', text: t('mail.cancelled.credentials_void') },
    { kind: 'paragraph', text: t('mail.cancelled.rebook') },
    { kind: 'actions', items: [{ label: t('mail.cancelled.rebook_link'), url: trimBase(data.baseUrl) }] },
  ];
}

/**
 * Reminders carry no credentials: they exist in plaintext only in the
 * confirmation, and every extra copy in a mailbox is one more to leak.
 */
function dayBeforeBlocks(ctx: Context): MailBlock[] {
  const { data, t, now } = ctx;
  return [
    { kind: 'heading', text: t('mail.access.heading') },
    { kind: 'paragraph', text: t('mail.reminder.credentials') },
    ...needsBlocks(ctx),
    // Offered only while the citizen may still change it.
    ...(data.appointment.changeDeadline.getTime() > now.getTime()
      ? [
          { kind: 'heading', text: t('mail.change.heading') } satisfies MailBlock,
          { kind: 'paragraph', text: t('mail.change.intro') } satisfies MailBlock,
          { kind: 'paragraph', text: t('mail.change.use_first_email') } satisfies MailBlock,
          changeDeadline(ctx),
        ]
      : []),
  ];
}

function joinNowBlocks(ctx: Context): MailBlock[] {
  return [{ kind: 'paragraph', text: ctx.t('mail.reminder.join_now') }, ...needsBlocks(ctx)];
}

function missingDocumentsBlocks({ data, t, when }: Context): MailBlock[] {
  const missing = data.missingDocuments ?? [];
  return [
    { kind: 'heading', text: t('mail.reminder.documents_heading') },
    ...(missing.length > 0
      ? [
          {
            kind: 'list',
            items: missing.map((d) => ({
              title: d.name,
              ...(d.description.trim() ? { detail: d.description.trim() } : {}),
            })),
          } satisfies MailBlock,
        ]
      : []),
    {
      kind: 'facts',
      items: [{ label: t('mail.documents.deadline'), value: when(data.appointment.uploadDeadline, 'dateTime') }],
    },
    { kind: 'paragraph', text: t('mail.reminder.documents_how') },
    { kind: 'paragraph', text: t('mail.reminder.documents_consequence') },
    { kind: 'paragraph', text: t('mail.reminder.documents_already') },
  ];
}

function rejectedDocumentsBlocks({ data, t, when }: Context): MailBlock[] {
  const rejected = data.rejectedDocuments ?? [];
  return [
    { kind: 'heading', text: t('mail.rejected.heading') },
    {
      kind: 'list',
      items: rejected.map((d) => ({ title: d.name, detail: t('mail.rejected.item', { file: d.fileName, reason: d.reason }) })),
    },
    { kind: 'facts', items: [{ label: t('mail.documents.deadline'), value: when(data.appointment.uploadDeadline, 'dateTime') }] },
    { kind: 'paragraph', text: t('mail.rejected.how') },
    { kind: 'paragraph', text: t('mail.reminder.documents_how') },
  ];
}

/** The citizen did not come: what happened, that the link no longer works, and how to book again. */
function desistedBlocks({ data, t }: Context): MailBlock[] {
  return [
    { kind: 'paragraph', text: t('mail.desisted.explanation') },
    { kind: 'paragraph', text: t('mail.cancelled.credentials_void') },
    { kind: 'paragraph', text: t('mail.cancelled.rebook') },
    { kind: 'actions', items: [{ label: t('mail.cancelled.rebook_link'), url: trimBase(data.baseUrl) }] },
  ];
}

function bodyBlocks(ctx: Context): MailBlock[] {
  const { data } = ctx;
  switch (data.kind) {
    case 'booking_confirmation':
      if (!data.credentials) throw new TypeError('A booking confirmation needs the freshly issued credentials');
      return confirmationBlocks(ctx, data.credentials);
    case 'appointment_changed':
      return changedBlocks(ctx);
    case 'appointment_cancelled':
      return cancelledBlocks(ctx);
    case 'reminder_documents':
      return missingDocumentsBlocks(ctx);
    case 'reminder_day_before':
      return dayBeforeBlocks(ctx);
    case 'reminder_join_now':
      return joinNowBlocks(ctx);
    case 'document_rejected':
      return rejectedDocumentsBlocks(ctx);
    case 'appointment_desisted':
      return desistedBlocks(ctx);
  }
}

/** Whether a message changes the calendar event (and so carries the invitation). */
function changesEvent(kind: AppointmentMailKind): boolean {
  return kind === 'booking_confirmation' || kind === 'appointment_changed' || kind === 'appointment_cancelled';
}

/**
 * The invitation. Its LOCATION is the organisation's address, not the
 * personal link: calendars are synced to third parties and shared, and the
 * change and cancel messages cannot repeat a token the database only keeps
 * hashed, so an update would otherwise wipe the link from the event.
 */
function calendar(ctx: Context, from: string, dtstamp: Date): NonNullable<OutgoingMail['calendar']> {
  const { data, t } = ctx;
  const method = data.kind === 'appointment_cancelled' ? 'CANCEL' : 'REQUEST';
  const reference = data.appointment.reference;
  const content = buildIcs({
    method,
    uid: appointmentUid(data.appointment.id),
    sequence: data.appointment.icsSequence,
    start: data.appointment.startsAt,
    end: data.appointment.endsAt,
    timeZone: data.organisation.timeZone,
    summary: t('mail.calendar.summary', { procedure: data.procedure.name }),
    description: t(method === 'CANCEL' ? 'mail.calendar.description_cancelled' : 'mail.calendar.description', {
      reference,
    }),
    location: trimBase(data.baseUrl),
    organizer: { name: data.organisation.name, email: addressOf(from) },
    attendee: { name: fullName(data), email: data.citizen.email },
    dtstamp,
  });
  const safeReference = reference.replace(/[^A-Za-z0-9_-]+/g, '-');
  return { method, content, filename: t('mail.calendar.filename', { reference: safeReference }) };
}

function fullName(data: AppointmentMailData): string {
  return oneLine(`${data.citizen.name} ${data.citizen.surnames}`);
}

/**
 * Renders one appointment email: subject, text and HTML bodies and, for
 * the messages that change the appointment, the `.ics` invitation (REQUEST,
 * or CANCEL for a cancellation). Pure: `now` stamps the invitation (DTSTAMP)
 * and decides whether a reminder still offers changes; pass the application
 * clock's time.
 * `from` is the sender (MAIL_FROM), whose address becomes the ORGANIZER.
 */
export function renderAppointmentMail(data: AppointmentMailData, from: string, now: Date = new Date()): OutgoingMail {
  const t = translatorFor(data.language);
  const zone = data.organisation.timeZone;
  const ctx: Context = {
    data,
    t,
    when: (date, style) => formatInstant(date, data.language, zone, style),
    now,
  };
  const kind: AppointmentMailKind = data.kind;
  const subject = oneLine(
    t(`mail.subject.${kind}`, {
      procedure: data.procedure.name,
      date: ctx.when(data.appointment.startsAt, 'subject'),
      reference: data.appointment.reference,
    }),
  );
  const doc: MailDocument = {
    language: data.language,
    title: subject,
    brand: data.organisation.name,
    heading: t(`mail.heading.${kind}`),
    blocks: [
      { kind: 'paragraph', text: t('mail.greeting', { name: fullName(data) }) },
      { kind: 'paragraph', text: t(`mail.intro.${kind}`) },
      factsBlock(ctx),
      ...bodyBlocks(ctx),
      ...(data.organisationNote ? [{ kind: 'paragraph' as const, text: data.organisationNote }] : []),
    ],
    footer: [data.organisation.name, trimBase(data.baseUrl), t('mail.footer.automatic')],
  };
  return {
    to: data.citizen.email,
    subject,
    text: renderMailText(doc),
    html: renderMailHtml(doc),
    language: data.language,
    ...(changesEvent(kind) ? { calendar: calendar(ctx, from, now) } : {}),
  };
}
