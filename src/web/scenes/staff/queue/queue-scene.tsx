/**
 * The agent's queue of the day (`/staff/queue`), live over the signalling
 * connection: each appointment with where the citizen is (not arrived,
 * waiting for N minutes, in the call, left) and their recording consent, and
 * what can be done: admit (opens the call page), send a quick message, put
 * back in the waiting room, mark as a no-show. When a citizen starts waiting
 * every open queue tab of the agent chimes, shows a system notification (if
 * allowed), highlights the row with the word "New" and announces it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { QueueEntry, QuickMessage } from '../../../../shared/signalling.ts';
import { Loading, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { StaffTable } from '../../../components/staff-table.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { useOrganisation } from '../../../hooks/use-organisation.ts';
import { capitalise, formatDayWithYear, formatInstantTime, localDateOf } from '../../../i18n/format.ts';
import { openCallMediaAhead } from '../../../realtime/call-media-ahead.ts';
import { useConnectionState } from '../../../realtime/use-connection-state.ts';
import { useStaffPageTitle, useStaffSession } from '../staff-session.ts';
import { admitAhead } from './admission-ahead.ts';
import { NoShowConfirm, QuickMessageBox } from './queue-actions.tsx';
import { QueueAlertSettings } from './queue-alert-settings.tsx';
import { QueueCamera } from './queue-camera.tsx';
import { Chime, notify, soundChoice } from './queue-alerts.ts';
import { entryActions, waitingMinutes } from './queue-presence.ts';
import { useStaffSignalling } from './staff-signalling.ts';
import { useQueue } from './use-queue.ts';

/** Where the call page of an appointment is. */
export function callPath(appointmentId: string): string {
  return `/staff/calls/${encodeURIComponent(appointmentId)}`;
}

type Box = { kind: 'message' | 'no_show'; entry: QueueEntry } | null;

/** The presence as a tag: the words carry the meaning, the colour only supports it. */
function PresenceTag({ entry, now }: { entry: QueueEntry; now: number }) {
  const { t } = useTranslation();
  const minutes = waitingMinutes(entry, now);
  const colour = entry.presence === 'waiting' ? 'yellow' : entry.presence === 'in_call' ? 'green' : 'grey';
  return <Tag colour={colour}>{t('live.queue.presence', { presence: entry.presence, minutes: minutes ?? 0 })}</Tag>;
}

/** Props of {@link QueueRow}. */
interface QueueRowProps {
  entry: QueueEntry;
  now: number;
  highlighted: boolean;
  onAdmit: () => void;
  onMessage: () => void;
  onReturn: () => void;
  onNoShow: () => void;
}

/** One appointment of the queue. */
function QueueRow({ entry, now, highlighted, onAdmit, onMessage, onReturn, onNoShow }: QueueRowProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { timeZone } = useOrganisation();
  const actions = entryActions(entry.presence);
  const name = entry.citizenName;
  return (
    <tr className={highlighted ? 'queue-row queue-row--new' : 'queue-row'} data-appointment={entry.appointmentId}>
      <th scope="row" className="staff-table__time">
        {t('live.queue.timeRange', {
          start: formatInstantTime(entry.startsAt, timeZone, language),
          end: formatInstantTime(entry.endsAt, timeZone, language),
        })}
      </th>
      <td>
        <Link to={`/staff/appointments/${encodeURIComponent(entry.appointmentId)}`} className="staff-table__citizen">
          {name}
        </Link>
        <span className="staff-table__reference">{entry.reference}</span>
        <span className="queue-row__procedure">{entry.procedureName}</span>
      </td>
      <td>
        <span className="queue-row__presence">
          {highlighted ? <Tag colour="blue">{t('live.queue.new')}</Tag> : null}
          <PresenceTag entry={entry} now={now} />
        </span>
      </td>
      <td>{t('live.queue.recording', { consent: entry.recordingConsent === null ? 'unknown' : entry.recordingConsent ? 'yes' : 'no' })}</td>
      <td>
        <div className="queue-row__actions">
          {actions.admit ? (
            <button type="button" className="button button--inline" aria-label={t('live.queue.admitNamed', { name })} onClick={onAdmit}>
              {t('live.queue.admit')}
            </button>
          ) : null}
          {actions.rejoin ? (
            <Link to={callPath(entry.appointmentId)} className="queue-row__link" aria-label={t('live.queue.rejoinNamed', { name })}>
              {t('live.queue.rejoin')}
            </Link>
          ) : null}
          {actions.message ? (
            <button
              type="button"
              id={`message-${entry.appointmentId}`}
              className="button button--secondary button--inline"
              aria-label={t('live.queue.messageNamed', { name })}
              onClick={onMessage}
            >
              {t('live.queue.message')}
            </button>
          ) : null}
          {actions.returnToWaiting ? (
            <button
              type="button"
              className="button button--secondary button--inline"
              aria-label={t('live.queue.returnNamed', { name })}
              onClick={onReturn}
            >
              {t('live.queue.return')}
            </button>
          ) : null}
          {actions.noShow ? (
            <button
              type="button"
              id={`no-show-${entry.appointmentId}`}
              className="button button--secondary button--inline"
              aria-label={t('live.queue.noShowNamed', { name })}
              onClick={onNoShow}
            >
              {t('live.queue.noShow')}
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** The queue page. */
export function QueueScene() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const session = useStaffSession();
  const { timeZone } = useOrganisation();
  const client = useStaffSignalling(session.csrfToken);
  const connection = useConnectionState(client);
  const [highlighted, setHighlighted] = useState<ReadonlySet<string>>(new Set());
  const [arrival, setArrival] = useState<{ n: number; text: string } | null>(null);
  const [feedback, setFeedback] = useState<{ n: number; text: string } | null>(null);
  const [box, setBox] = useState<Box>(null);
  const [sound, setSound] = useState(soundChoice.read);
  const chime = useMemo(() => new Chime(), []);
  const soundOn = useRef(sound);
  useEffect(() => {
    soundOn.current = sound;
  }, [sound]);
  useStaffPageTitle(t('live.queue.title'));

  // Browsers let a page make sound only after a click or key press in it.
  useEffect(() => {
    const unlock = () => chime.unlock();
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
    return () => {
      document.removeEventListener('pointerdown', unlock, true);
      document.removeEventListener('keydown', unlock, true);
      chime.close();
    };
  }, [chime]);

  const [queue, clearError] = useQueue(client, (entry) => {
    const time = formatInstantTime(entry.startsAt, timeZone, language);
    const text = t('live.queue.arrived', { name: entry.citizenName, time, procedure: entry.procedureName });
    setHighlighted((set) => new Set(set).add(entry.appointmentId));
    setArrival((previous) => ({ n: (previous?.n ?? 0) + 1, text }));
    if (soundOn.current) chime.play();
    notify(t('live.queue.notificationTitle'), text, `finestreta-waiting-${entry.appointmentId}`);
  });
  const { entries, now } = queue;

  // The highlight lasts while the citizen waits.
  useEffect(() => {
    if (!entries) return;
    setHighlighted((set) => {
      const still = [...set].filter((id) => entries.some((e) => e.appointmentId === id && e.presence === 'waiting'));
      return still.length === set.size ? set : new Set(still);
    });
  }, [entries]);

  const send = (message: Parameters<NonNullable<typeof client>['send']>[0], done: string) => {
    clearError();
    const sent = client?.send(message) ?? false;
    setFeedback((previous) => ({ n: (previous?.n ?? 0) + 1, text: sent ? done : t('live.queue.notSent') }));
    return sent;
  };
  const closeBox = (focusId: string | null) => {
    setBox(null);
    if (focusId) window.setTimeout(() => document.getElementById(focusId)?.focus(), 0);
  };

  const day = queue.date ?? localDateOf(new Date(now), timeZone);
  let body;
  if (!entries) body = <Loading />;
  else if (entries.length === 0) body = <p className="body staff-muted">{t('live.queue.empty')}</p>;
  else {
    body = (
      <StaffTable
        id="queue-table"
        caption={t('live.queue.caption', { day: formatDayWithYear(day, language) })}
        columns={[
          t('live.queue.columns.time'),
          t('live.queue.columns.citizen'),
          t('live.queue.columns.presence'),
          t('live.queue.columns.recording'),
          t('live.queue.columns.actions'),
        ]}
        tableClassName="queue-table"
      >
        {entries.map((entry) => (
          <QueueRow
            key={entry.appointmentId}
            entry={entry}
            now={now}
            highlighted={highlighted.has(entry.appointmentId)}
            onAdmit={() => {
              // The camera starts, and the server starts the call, while the call page opens.
              openCallMediaAhead();
              if (client) admitAhead(client, entry.appointmentId);
              void navigate(callPath(entry.appointmentId));
            }}
            onMessage={() => setBox({ kind: 'message', entry })}
            onReturn={() =>
              send({ type: 'return_to_waiting', appointmentId: entry.appointmentId }, t('live.queue.returned', { name: entry.citizenName }))
            }
            onNoShow={() => setBox({ kind: 'no_show', entry })}
          />
        ))}
      </StaffTable>
    );
  }

  const sendMessage = (entry: QueueEntry, message: QuickMessage) => {
    if (send({ type: 'send_message', appointmentId: entry.appointmentId, message }, t('live.queue.messageSent', { name: entry.citizenName }))) {
      closeBox(`message-${entry.appointmentId}`);
    }
  };

  return (
    <>
      <PageHeading caption={capitalise(formatDayWithYear(day, language), language)}>{t('live.queue.title')}</PageHeading>
      {connection === 'reconnecting' || (connection === 'closed' && client?.reason) ? (
        <div className="queue-connection" role="status">
          <p className="body">{t('live.queue.connection', { state: connection === 'closed' ? (client?.reason ?? 'client') : connection })}</p>
        </div>
      ) : null}
      {queue.error ? (
        <div className="queue-error" role="alert">
          <p className="body">{queue.error.message}</p>
        </div>
      ) : null}
      <div className="queue-announcement" role="status">
        {arrival ? (
          <p key={arrival.n} className="queue-announcement__text">
            {arrival.text}
          </p>
        ) : null}
      </div>
      <div className="queue-feedback" role="status">
        {feedback ? (
          <p key={feedback.n} className="body queue-feedback__text">
            {feedback.text}
          </p>
        ) : null}
      </div>
      <QueueAlertSettings sound={sound} onSoundChange={setSound} />
      <QueueCamera waiting={entries?.some((e) => e.presence === 'waiting') ?? false} />
      {body}
      {box?.kind === 'message' ? (
        <QuickMessageBox
          entry={box.entry}
          onSend={(message) => sendMessage(box.entry, message)}
          onCancel={() => closeBox(`message-${box.entry.appointmentId}`)}
        />
      ) : null}
      {box?.kind === 'no_show' ? (
        <NoShowConfirm
          entry={box.entry}
          onConfirm={() => {
            if (send({ type: 'mark_no_show', appointmentId: box.entry.appointmentId }, t('live.queue.noShowDone', { name: box.entry.citizenName }))) {
              closeBox(null);
            }
          }}
          onCancel={() => closeBox(`no-show-${box.entry.appointmentId}`)}
        />
      ) : null}
    </>
  );
}
