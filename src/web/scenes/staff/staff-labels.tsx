/**
 * Words for what the staff pages show: statuses as tags (the word carries the
 * meaning, the colour only supports it), channels, support needs as badges,
 * history events and who did them.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Channel, Needs } from '../../api/staff-api.ts';
import { Tag } from '../../components/content.tsx';

/** Every appointment status, in the order an appointment goes through them. */
export const STATUSES = [
  'booked',
  'documents_pending',
  'ready',
  'waiting',
  'in_call',
  'completed',
  'not_conclusive',
  'desisted',
  'cancelled',
] as const;

const STATUS_COLOURS: Record<string, 'blue' | 'green' | 'grey' | 'red' | 'yellow'> = {
  booked: 'blue',
  documents_pending: 'yellow',
  ready: 'green',
  waiting: 'blue',
  in_call: 'blue',
  completed: 'green',
  not_conclusive: 'grey',
  desisted: 'grey',
  cancelled: 'red',
};

/** The status in words; an unknown status (a newer server) shows its id rather than nothing. */
export function statusLabel(status: string, t: TFunction, exists: (key: string) => boolean): string {
  const key = `staff.status.${status}`;
  return exists(key) ? t(key) : status;
}

/** The appointment's status as a tag. */
export function StaffStatusTag({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  return <Tag colour={STATUS_COLOURS[status] ?? 'grey'}>{statusLabel(status, t, (k) => i18n.exists(k))}</Tag>;
}

/** "Video call" or "In person". */
export function channelLabel(channel: Channel, t: TFunction): string {
  return channel === 'video' ? t('staff.channel.video') : t('staff.channel.inPerson');
}

/** The needs as short phrases, one per need; empty when there are none. */
export function needsLabels(needs: Needs, t: TFunction): string[] {
  const labels: string[] = [];
  if (needs.signLanguage) labels.push(t('staff.needs.signLanguage'));
  if (needs.languageInterpreter) labels.push(t('staff.needs.interpreter', { language: needs.languageInterpreter }));
  if (needs.other) labels.push(t('staff.needs.other', { text: needs.other }));
  return labels;
}

/** The needs as badges in a list, or "None". */
export function NeedsBadges({ needs }: { needs: Needs }) {
  const { t } = useTranslation();
  const labels = needsLabels(needs, t);
  if (labels.length === 0) return <span className="staff-muted">{t('staff.needs.none')}</span>;
  return (
    <ul className="staff-badges">
      {labels.map((label) => (
        <li key={label} className="staff-badge">
          {label}
        </li>
      ))}
    </ul>
  );
}

/** "Name Surnames". */
export function fullName(person: { name: string; surnames: string }, t: TFunction): string {
  // Retention or a data-protection erasure emptied them: say so rather than show nothing (an empty link has no name).
  if (!person.name.trim() && !person.surnames.trim()) return t('staff.fullNameDeleted');
  return t('staff.fullName', { name: person.name, surnames: person.surnames });
}

/**
 * A history event type in words, e.g. `appointment.video_offered` → "Video call offered".
 * Document events (`document_viewed`…) are worded by the document review's catalogue,
 * naming the file when the event's data carries its `fileName`.
 */
export function eventLabel(type: string, t: TFunction, exists: (key: string) => boolean, data: Record<string, unknown> = {}): string {
  const name = type.replace(/\./g, '_');
  const key = `staff.history.types.${name}`;
  if (exists(key)) return t(key);
  const withFile = `review.history.withFile.${name}`;
  if (typeof data.fileName === 'string' && exists(withFile)) return t(withFile, { file: data.fileName });
  const review = `review.history.types.${name}`;
  if (exists(review)) return t(review);
  const interpreter = `interpreter.history.types.${name}`;
  if (exists(interpreter)) return t(interpreter);
  // The call's recording (`recording.started`…) is worded by the call's catalogue.
  const live = `live.history.types.${name}`;
  if (exists(live)) return t(live);
  // Phone links (`uploader.issued`…) are worded by the phone catalogue.
  const phone = `phone.history.types.${name}`;
  if (exists(phone)) return t(phone);
  // Deliveries to case management (`delivery.queued`…) are worded by the delivery catalogue.
  const delivery = `delivery.history.types.${name}`;
  if (exists(delivery)) return t(delivery);
  // Retention and legal holds (`retention.purged`, `legal_hold.placed`…) are worded by the retention catalogue.
  const retention = `retention.history.types.${name}`;
  if (exists(retention)) return t(retention);
  // The wrap-up and the survey (`call.wrapped_up`, `survey.answered`…) are worded by the survey catalogue.
  const survey = `survey.history.types.${name}`;
  return exists(survey) ? t(survey) : type;
}

/**
 * Who did something. The server records `citizen`, `system`, `staff:<id>` or `interpreter:<invitation id>`;
 * staff are named when `staffNames` knows their id (the signed-in person, the
 * appointment's agent), otherwise called "a member of staff".
 */
export function actorLabel(actor: string, t: TFunction, staffNames: ReadonlyMap<string, string>): string {
  if (actor === 'citizen') return t('staff.history.actors.citizen');
  if (actor.startsWith('staff:')) return staffNames.get(actor.slice('staff:'.length)) ?? t('staff.history.actors.staff');
  if (actor.startsWith('interpreter:')) return t('interpreter.history.actor');
  // `uploader:<link id>`: the citizen, from their phone (through a phone link).
  if (actor.startsWith('uploader:')) return t('phone.history.actor');
  return t('staff.history.actors.system');
}
