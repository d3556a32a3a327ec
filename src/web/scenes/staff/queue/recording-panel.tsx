/**
 * The agent's recording control on the call page: start, stop, and where
 * the recording stands (chunks still on their way, a connection problem).
 * When the page opens while the server says the call is being recorded (a
 * reload, a lost connection), recording resumes by itself: what the last
 * page left is sent first, then a new segment begins.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallSession } from '../../../realtime/call-session.ts';
import type { SignallingClient } from '../../../realtime/signalling-client.ts';
import { CallRecorder, type RecorderState } from '../../../recording/call-recorder.ts';
import { loadRecording } from '../../../recording/recording-api.ts';
import { clockOffset } from './queue-presence.ts';
import { useOnWelcome } from './use-queue.ts';

/** Props of {@link RecordingPanel}. */
export interface RecordingPanelProps {
  appointmentId: string;
  reference: string;
  csrfToken: string;
  timeZone: string;
  language: string;
  /** The call on this page, once it exists. */
  session: CallSession | null;
  client: SignallingClient | null;
}

/** Start/stop recording and its state. */
export function RecordingPanel({ appointmentId, reference, csrfToken, timeZone, language, session, client }: RecordingPanelProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<RecorderState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<CallRecorder | null>(null);
  const offset = useRef(0);
  useOnWelcome(client, (serverTime) => {
    if (serverTime) offset.current = clockOffset(serverTime, Date.now());
  });

  useEffect(() => {
    if (!session) return;
    const created = new CallRecorder({
      appointmentId,
      csrfToken,
      onChange: setState,
      composition: { reference, timeZone, locale: language },
      sources: {
        videos: () => {
          const snap = session.snapshot();
          return [...snap.peers.map((p) => p.stream), ...(snap.local.preview ? [snap.local.preview] : [])];
        },
        audios: () => [...(session.localAudio ? [session.localAudio] : []), ...session.snapshot().peers.flatMap((p) => p.stream.getAudioTracks())],
        now: () => new Date(Date.now() + offset.current),
      },
    });
    recorder.current = created;
    setState(created.current);
    let gone = false;
    // Recording was on when this page (or this connection) began: go on with a new segment.
    void loadRecording(appointmentId)
      .then((view) => (!gone && view?.status === 'recording' ? created.start() : undefined))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : null));
    return () => {
      gone = true;
      if (recorder.current === created) recorder.current = null;
      // The call ended (a hang-up) while recording: finish properly — the last chunks go up and the file is made.
      // Otherwise (the page or the connection going away) the chunks wait in IndexedDB for the next page.
      if (session.snapshot().ended !== null && created.current.status === 'recording') void created.stop().catch(() => created.dispose());
      else created.dispose();
    };
  }, [session, appointmentId, csrfToken, reference, timeZone, language]);

  const run = (action: (r: CallRecorder) => Promise<unknown>) => {
    const r = recorder.current;
    if (!r) return;
    setError(null);
    action(r).catch((e: unknown) => setError(e instanceof Error && e.message ? e.message : t('live.staffCall.recordingState', { status: 'failed', segment: 0 })));
  };

  if (!state) return null;
  const busy = state.status === 'starting' || state.status === 'stopping';
  const on = state.status === 'recording';
  return (
    <section className="recording-panel" aria-labelledby="recording-heading">
      <h2 id="recording-heading" className="heading-s">
        {t('live.staffCall.recordingHeading')}
      </h2>
      <div role="status">
        <p className="body recording-panel__status">{t('live.staffCall.recordingState', { status: state.status, segment: state.segment ?? 0 })}</p>
        {on || state.status === 'stopping' ? <p className="body recording-panel__status">{t('live.staffCall.recordingPending', { count: state.pending })}</p> : null}
        {state.retrying ? <p className="body recording-panel__status">{t('live.staffCall.recordingRetrying')}</p> : null}
        {state.file ? <p className="body recording-panel__status">{t('live.staffCall.recordingSaved', { seconds: Math.round(state.file.durationMs / 1000) })}</p> : null}
      </div>
      {error ? (
        <p className="body error-message" role="alert">
          {error}
        </p>
      ) : null}
      {on ? (
        <button type="button" className="button button--warning" disabled={busy} onClick={() => run((r) => r.stop())}>
          {t('live.staffCall.recordingStop')}
        </button>
      ) : (
        <button type="button" className="button" disabled={busy || !session} onClick={() => run((r) => r.start())}>
          {t('live.staffCall.recordingStart')}
        </button>
      )}
    </section>
  );
}
