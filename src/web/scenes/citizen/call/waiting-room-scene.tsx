/**
 * The waiting room: before it opens, when it opens and what to prepare;
 * once in, what to have at hand, whether the person who will attend knows
 * the citizen is here, and their quick messages (announced politely). When
 * the agent admits the citizen the call replaces the waiting room on the
 * same page and the same connection.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { ConnectionBanner } from '../../../components/connection-banner.tsx';
import { InsetText } from '../../../components/content.tsx';
import { focusPageHeadingSoon, PageHeading } from '../../../components/page-heading.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { CallView } from '../../call/call-view.tsx';
import { useCitizenSession } from '../citizen-area.tsx';
import { SurveyInvitation } from '../survey/survey-invitation.tsx';
import { callDevicesOf, readPreparation } from './call-preparation.ts';
import { CallProtocol } from './call-protocol.tsx';
import { LiveDocumentRequest } from './live-document-request.tsx';
import { quickMessageText } from './quick-message.ts';
import { useWaitingRoom } from './use-waiting-room.ts';
import { WaitingCamera } from './waiting-camera.tsx';
import type { WaitingPhase } from './waiting-room-state.ts';

/** Statuses in which there is no call to wait for any more. */
const OVER_STATUSES: readonly string[] = ['cancelled', 'completed', 'not_conclusive', 'desisted'];

/** The current time, refreshed every `everyMs`, shifted by the server's clock offset. */
function useNow(offsetMs: number, everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now + offsetMs;
}

/** When the room opens, and how long until then. */
function NotOpen({ opensAt, offsetMs, timeZone }: { opensAt: string; offsetMs: number; timeZone: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const now = useNow(offsetMs, 10_000);
  const minutes = Math.max(0, Math.ceil((Date.parse(opensAt) - now) / 60_000));
  const sameDay = formatInstantDate(opensAt, timeZone, language) === formatInstantDate(new Date(now).toISOString(), timeZone, language);
  const time = formatInstantTime(opensAt, timeZone, language);
  return (
    <>
      <p className="body-l">
        {sameDay ? t('call.waiting.notOpen.today', { time }) : t('call.waiting.notOpen.otherDay', { date: formatInstantDate(opensAt, timeZone, language), time })}
      </p>
      {minutes < 120 ? <p className="body">{t('call.waiting.notOpen.minutes', { minutes })}</p> : null}
      <p className="body">{t('call.waiting.notOpen.keepOpen')}</p>
    </>
  );
}

/** The sentence for where the citizen is, read out when it changes. */
function statusText(status: WaitingPhase, t: ReturnType<typeof useTranslation>['t']): string {
  switch (status.phase) {
    case 'connecting':
      return t('call.waiting.status.connecting');
    case 'not_open':
      return t('call.waiting.status.notOpen');
    case 'waiting':
      return status.agentKnows ? t('call.waiting.status.agentKnows') : t('call.waiting.status.agentNotYet');
    case 'in_call':
      return t('call.waiting.status.inCall');
    case 'ended':
      return t('call.waiting.ended', { reason: status.reason });
    case 'refused':
      return t('call.waiting.status.refused', { id: status.id });
  }
}

/** The waiting room page (`/a/:token/waiting-room`). */
export function WaitingRoomScene() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const language = useLanguage();
  const { session, token, base, setSession } = useCitizenSession();
  const { appointment } = session;
  const [preparation] = useState(() => readPreparation(token));
  const over = OVER_STATUSES.includes(appointment.status);
  const room = useWaitingRoom(session.csrfToken, over ? null : preparation.deviceCheck, over ? null : preparation.consents);
  const { status, message } = room.view;
  const inCall = status.phase === 'in_call';
  usePageTitle(inCall ? t('call.waiting.callTitle') : t('call.waiting.title'));

  // Entering and leaving the call is a change of page for the citizen: focus goes to the new heading.
  const wasInCall = useRef(inCall);
  useEffect(() => {
    if (wasInCall.current !== inCall) focusPageHeadingSoon();
    wasInCall.current = inCall;
  }, [inCall]);

  if (over) return <Navigate to={`${base}/appointment`} replace />;
  if (!preparation.deviceCheck) return <Navigate to={`${base}/join`} replace />;
  if (!preparation.consents) return <Navigate to={`${base}/join/consent`} replace />;

  const startsAt = formatInstantTime(appointment.startsAt, appointment.timeZone, language);
  const leave = () => {
    room.leave();
    void navigate(`${base}/appointment`);
  };

  if (status.phase === 'in_call' && room.client) {
    return (
      <>
        <ConnectionBanner client={room.client} />
        <PageHeading caption={appointment.procedure.name}>{t('call.waiting.callTitle')}</PageHeading>
        <CallView
          client={room.client}
          start={status.start}
          role="citizen"
          onEnded={room.callEnded}
          devices={callDevicesOf(preparation.deviceCheck)}
        />
        <CallProtocol client={room.client} csrfToken={session.csrfToken} onSessionExpired={() => setSession(null)} />
        <LiveDocumentRequest
          client={room.client}
          csrfToken={session.csrfToken}
          timeZone={appointment.timeZone}
          reference={appointment.reference}
          onSessionExpired={() => setSession(null)}
        />
      </>
    );
  }

  return (
    <>
      <ConnectionBanner client={room.client} />
      <PageHeading caption={appointment.procedure.name}>{t('call.waiting.title')}</PageHeading>

      <div className="waiting-status" role="status">
        <p className="body-l waiting-status__text">{statusText(status, t)}</p>
        {message ? (
          <div className="waiting-message">
            <h2 className="heading-s waiting-message__title">{t('call.waiting.messageHeading')}</h2>
            <p className="body waiting-message__text">{quickMessageText(message, t)}</p>
          </div>
        ) : null}
      </div>

      {status.phase === 'ended' ? (
        <>
          <SurveyInvitation base={base} />
          <p className="body">
            <Link to={`${base}/appointment`}>{t('call.waiting.toAppointment')}</Link>
          </p>
        </>
      ) : (
        <>
          {status.phase === 'not_open' ? (
            <NotOpen opensAt={status.opensAt} offsetMs={room.clockOffsetMs} timeZone={appointment.timeZone} />
          ) : null}
          {status.phase === 'waiting' ? (
            <>
              {status.returned ? <p className="body">{t('call.waiting.returned')}</p> : null}
              <p className="body">{t('call.waiting.keepOpen')}</p>
            </>
          ) : null}
          <p className="body">{t('call.waiting.startsAt', { time: startsAt })}</p>

          <h2 className="heading-m">{status.phase === 'not_open' ? t('call.waiting.prepare.headingBefore') : t('call.waiting.prepare.heading')}</h2>
          <ul className="list list--bullet">
            <li>{t('call.waiting.prepare.id')}</li>
            <li>
              {t('call.waiting.prepare.documents')}{' '}
              <Link to={`${base}/documents`} target="_blank" rel="noopener">
                {t('call.waiting.prepare.documentsLink')}
              </Link>
            </li>
            <li>{t('call.waiting.prepare.place')}</li>
            <li>{t('call.waiting.prepare.battery')}</li>
          </ul>
          {preparation.deviceCheck.audioOnly ? (
            <InsetText>
              <p className="body">{t('call.waiting.audioOnly')}</p>
            </InsetText>
          ) : (
            <WaitingCamera
              waiting={status.phase === 'waiting'}
              devices={{ microphoneId: preparation.deviceCheck.devices.microphoneId || null, cameraId: preparation.deviceCheck.devices.cameraId || null }}
            />
          )}

          <button type="button" className="button button--secondary" onClick={leave}>
            {t('call.waiting.leave')}
          </button>
        </>
      )}
    </>
  );
}
