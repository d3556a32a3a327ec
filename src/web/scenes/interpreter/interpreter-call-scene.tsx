/**
 * The interpreter's call page (`/i/:token/call`): waiting until the call
 * runs (they are brought in when it starts), then the call itself — the same
 * view as the citizen's and the agent's, as a third participant, without the
 * chat — and what happened after: they left (and may join again), the call
 * ended, or the link stopped working (revoked, expired, opened elsewhere).
 * Every change is said in a polite live region and moves focus to the new
 * heading, as a change of page would.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { PageHeading, focusPageHeadingSoon } from '../../components/page-heading.tsx';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useConnectionState } from '../../realtime/use-connection-state.ts';
import { CallView } from '../call/call-view.tsx';
import { useInterpreterArea } from './interpreter-area.tsx';
import { useInterpreterCall, type InterpreterPhase } from './use-interpreter-call.ts';

/** The sentence for where the interpreter is, outside the call. */
function phaseText(phase: Exclude<InterpreterPhase, { phase: 'in_call' }>, t: ReturnType<typeof useTranslation>['t']): string {
  switch (phase.phase) {
    case 'connecting':
      return t('interpreter.call.connecting');
    case 'waiting':
      return phase.paused ? t('interpreter.call.paused') : t('interpreter.call.waiting');
    case 'left':
      return t('interpreter.call.left');
    case 'ended':
      return t('interpreter.call.ended', { reason: phase.reason });
    case 'closed':
      return t('interpreter.call.closed', { reason: phase.reason });
  }
}

/** The call page. */
export function InterpreterCallScene() {
  const { t } = useTranslation();
  const { token, invitation, devices, base } = useInterpreterArea();
  const [attempt, setAttempt] = useState(0);
  const call = useInterpreterCall(token, attempt);
  const connection = useConnectionState(call.client);
  const { phase } = call;
  const inCall = phase.phase === 'in_call';
  usePageTitle(inCall ? t('interpreter.call.callTitle') : t('interpreter.call.waitingTitle'));

  const wasInCall = useRef(inCall);
  useEffect(() => {
    if (wasInCall.current !== inCall) focusPageHeadingSoon();
    wasInCall.current = inCall;
  }, [inCall]);

  if (!invitation.consented) return <Navigate to={base} replace />;

  const reconnecting = connection === 'reconnecting' ? <p className="body connection-banner__text">{t('call.connection.reconnecting')}</p> : null;
  if (phase.phase === 'in_call' && call.port) {
    return (
      <>
        <div role="status" className={reconnecting ? 'connection-banner' : undefined}>
          {reconnecting}
        </div>
        <PageHeading caption={invitation.organisation}>{t('interpreter.call.callTitle')}</PageHeading>
        <CallView
          client={call.port}
          start={phase.start}
          role="interpreter"
          onEnded={call.callEnded}
          devices={{ cameraId: devices?.cameraId || null, microphoneId: devices?.microphoneId || null }}
        />
      </>
    );
  }

  const text = phaseText(phase.phase === 'in_call' ? { phase: 'connecting' } : phase, t);
  return (
    <>
      <PageHeading caption={invitation.organisation}>{t('interpreter.call.waitingTitle')}</PageHeading>
      <div className="waiting-status" role="status">
        <p className="body-l waiting-status__text">{text}</p>
        {reconnecting}
      </div>
      {phase.phase === 'left' ? (
        <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
          {t('interpreter.call.joinAgain')}
        </button>
      ) : null}
      {phase.phase === 'closed' && phase.reason === 'forbidden' ? (
        <p className="body">
          <Link to={base}>{t('interpreter.call.backToStart')}</Link>
        </p>
      ) : null}
    </>
  );
}
