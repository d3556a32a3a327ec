/**
 * The call itself, the same for the citizen, the agent and an interpreter:
 * the others' pictures and sound, the self-view, the controls, the chat, a
 * status line that is also a polite live region (who joined, who turned the
 * camera off, the connection dropping and coming back), and the connection
 * details (what has been received from each participant). A
 * {@link CallSession} does the work; this only shows it. The page around it
 * passes the open signalling client and the `call_started` message, and is
 * told when the call ends.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParticipantRole } from '../../../shared/signalling.ts';
import { CallSession } from '../../realtime/call-session.ts';
import { callSessionKey, takeSessionAhead } from '../../realtime/call-session-ahead.ts';
import type { CallDevicePreferences, CallEndReason, CallSnapshot, CallStart, SignallingPort } from '../../realtime/call-types.ts';
import { CallChat } from './call-chat.tsx';
import { CallControls } from './call-controls.tsx';
import { noticeText } from './call-notices.ts';
import { LocalTile, RemoteTile } from './call-tiles.tsx';

/** Props of {@link CallView}. */
export interface CallViewProps {
  /** The open signalling client of this page. */
  client: SignallingPort;
  /** The `call_started` message; a new one for the same call (after a reconnection) updates the peers. */
  start: CallStart;
  role: ParticipantRole;
  /** Called once when the call ends for this participant. */
  onEnded: (reason: CallEndReason) => void;
  /** Devices chosen in the device check, if any. */
  devices?: CallDevicePreferences;
  /** Told of the session once it exists, and null when it closes (the agent's recorder reads its media). */
  onSession?: (session: CallSession | null) => void;
}

/** The status line: the latest change, in words, read out politely. */
function Announcer({ session }: { session: CallSession }) {
  const { t } = useTranslation();
  const [latest, setLatest] = useState<{ n: number; text: string } | null>(null);
  useEffect(
    () =>
      session.onNotice((notice) => {
        const text = noticeText(notice, t);
        if (text) setLatest((previous) => ({ n: (previous?.n ?? 0) + 1, text }));
      }),
    [session, t],
  );
  return (
    <div className="call-status" role="status">
      {/* A new element each time, so a repeated sentence is read again. */}
      {latest ? (
        <p key={latest.n} className="call-status__text">
          {latest.text}
        </p>
      ) : null}
    </div>
  );
}

/** What was received from each participant, as numbers (support staff and tests read it). */
function ConnectionDetails({ snapshot }: { snapshot: CallSnapshot }) {
  const { t } = useTranslation();
  return (
    <details className="call-details">
      <summary className="call-details__summary">{t('live.call.detailsSummary')}</summary>
      <ul className="call-details__list" data-testid="call-stats">
        {snapshot.peers.map((p) => (
          <li
            key={p.peerId}
            data-peer={p.peerId}
            data-role={p.role ?? ''}
            data-connection={p.connection}
            data-frames-decoded={p.received.framesDecoded}
            data-audio-packets={p.received.audioPacketsReceived}
          >
            {t('live.call.detailsPeer', {
              role: p.role ?? 'other',
              state: p.connection,
              frames: p.received.framesDecoded,
              packets: p.received.audioPacketsReceived,
            })}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Problems with this side's devices or network, each with what to do. */
function LocalNotices({ session, snapshot }: { session: CallSession; snapshot: CallSnapshot }) {
  const { t } = useTranslation();
  const { local } = snapshot;
  return (
    <>
      {local.audioOnly ? (
        <div className="call-notice">
          <p className="body">{t('live.call.audioOnlyText')}</p>
          <button type="button" className="button button--secondary button--inline" onClick={() => void session.resumeVideo()}>
            {t('live.call.resumeVideo')}
          </button>
        </div>
      ) : null}
      {local.problem ? (
        <div className="call-notice call-notice--problem">
          <p className="body">{t('live.call.problem', { device: local.problem.device, problem: local.problem.problem })}</p>
        </div>
      ) : null}
    </>
  );
}

/** The call once its session exists. */
function CallStage({ session }: { session: CallSession }) {
  const { t } = useTranslation();
  const snapshot = useSyncExternalStore(session.subscribe, session.snapshot);
  const [soundBlocked, setSoundBlocked] = useState(false);
  const onBlocked = useCallback(() => setSoundBlocked(true), []);

  if (snapshot.ended) {
    return (
      <div className="call-status" role="status">
        <p className="call-status__text">{t('live.call.ended', { reason: snapshot.ended })}</p>
      </div>
    );
  }
  const waitingForOthers = snapshot.peers.length === 0;
  return (
    <div className="call-layout">
      <div className="call-layout__main">
        {/* Permanent while the agent records (Orden ETD/465/2021: the person knows the call is recorded); words, not only a red dot. */}
        {snapshot.recording ? (
          <p className="call-recording" data-testid="recording-indicator">
            <span aria-hidden="true">● </span>
            {t('live.call.recording')}
          </p>
        ) : null}
        <div className="call-stage">
          {waitingForOthers ? <p className="body call-stage__empty">{t('live.call.alone')}</p> : null}
          {snapshot.peers.map((peer) => (
            <RemoteTile key={peer.peerId} peer={peer} speakerId={snapshot.local.speakerId} onBlocked={onBlocked} />
          ))}
          <LocalTile local={snapshot.local} />
        </div>
        {soundBlocked ? (
          <div className="call-notice">
            <p className="body">{t('live.call.soundBlocked')}</p>
            <button
              type="button"
              className="button button--inline"
              onClick={() => {
                for (const video of document.querySelectorAll<HTMLVideoElement>('.call-tile video')) void video.play().catch(() => undefined);
                setSoundBlocked(false);
              }}
            >
              {t('live.call.playSound')}
            </button>
          </div>
        ) : null}
        {snapshot.local.opening ? <p className="body">{t('live.call.opening')}</p> : null}
        <LocalNotices session={session} snapshot={snapshot} />
        <Announcer session={session} />
        <CallControls session={session} snapshot={snapshot} />
        <ConnectionDetails snapshot={snapshot} />
      </div>
      {/* The chat may carry the citizen's personal data: an interpreter is not part of it (the server sends them none). */}
      {snapshot.role === 'interpreter' ? null : (
        <div className="call-layout__side">
          <CallChat messages={snapshot.chat} onSend={(text) => session.sendChat(text)} disabled={snapshot.ended !== null} />
        </div>
      )}
    </div>
  );
}

/** The call: opens a session for `start` and closes it when the page leaves or the call ends. */
export function CallView({ client, start, role, onEnded, devices, onSession }: CallViewProps) {
  const { t } = useTranslation();
  const [session, setSession] = useState<CallSession | null>(null);
  // One session per call and connection: a `call_started` with a new self id is a new connection.
  const key = callSessionKey(start);
  const ended = useRef(onEnded);
  useEffect(() => {
    ended.current = onEnded;
  });

  // A layout effect: the connection starts in the same task as the render that shows the call, not after the
  // browser has painted it (on a busy machine, a paint and a passive-effect flush later: hundreds of ms to the
  // first frame, see bench/connect).
  // The session may have been started before this view (the agent's admit from the queue: call-session-ahead.ts).
  useLayoutEffect(() => {
    const onEndedHere = (reason: CallEndReason) => ended.current(reason);
    const adopted = takeSessionAhead(client, start, onEndedHere);
    const created = adopted ?? new CallSession({ client, start, role, onEnded: onEndedHere, deviceName: () => '' });
    setSession(created);
    if (!adopted) void created.open(devices ?? {});
    return () => {
      created.close();
    };
    // `start` updates the running session below; only a new call or connection starts a new one.
  }, [client, key, role]);

  useEffect(() => {
    if (session && session.appointmentId === start.appointmentId) session.update(start);
  }, [session, start]);

  useEffect(() => {
    onSession?.(session);
    return () => onSession?.(null);
  }, [session, onSession]);

  return (
    <section className="call" aria-label={t('live.call.regionLabel')}>
      {session ? <CallStage session={session} /> : <p className="body">{t('live.call.opening')}</p>}
    </section>
  );
}
