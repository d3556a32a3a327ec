/**
 * The pictures of a call: one tile per other participant (their video and
 * sound) and a small self-view. Each tile says in words who it is and what
 * they send (microphone off, camera off, sharing their screen, reconnecting),
 * so nothing depends on seeing the picture or on colour.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalMedia, PeerView } from '../../realtime/call-types.ts';

/** Props of {@link MediaVideo}. */
interface MediaVideoProps {
  stream: MediaStream | null;
  /** The self-view: muted (no echo). */
  self?: boolean;
  /** Shown as in a mirror (the camera's self-view, not a shared screen). */
  mirror?: boolean;
  /** Speaker chosen in the settings, where the browser allows it. */
  speakerId?: string | null;
  /** Told when the browser refused to start the sound without a click (autoplay policy). */
  onBlocked?: () => void;
  label: string;
}

/** A `<video>` showing a live stream (srcObject cannot be set from JSX). */
function MediaVideo({ stream, self = false, mirror = false, speakerId = null, onBlocked, label }: MediaVideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
    if (stream) {
      video.play().catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'NotAllowedError') onBlocked?.();
      });
    }
  }, [stream, onBlocked]);
  useEffect(() => {
    const video = ref.current;
    if (video && speakerId && 'setSinkId' in video) void video.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId]);
  return (
    <video
      ref={ref}
      className={mirror ? 'call-tile__video call-tile__video--mirror' : 'call-tile__video'}
      autoPlay
      playsInline
      muted={self}
      aria-label={label}
    />
  );
}

/** Props of {@link RemoteTile}. */
export interface RemoteTileProps {
  peer: PeerView;
  speakerId: string | null;
  onBlocked: () => void;
}

/** Another participant: their picture and sound, and what they send, in words. */
export function RemoteTile({ peer, speakerId, onBlocked }: RemoteTileProps) {
  const { t } = useTranslation();
  const who = t('live.call.roleName', { role: peer.role ?? 'other' });
  const states: string[] = [];
  if (peer.connection !== 'connected') states.push(t('live.call.connectionState', { state: peer.connection }));
  if (!peer.audio) states.push(t('live.call.peerMicrophoneOff'));
  if (peer.screen) states.push(t('live.call.peerSharing'));
  else if (!peer.video) states.push(t('live.call.peerCameraOff'));
  const showPicture = peer.video || peer.screen;
  return (
    <figure className={`call-tile${peer.screen ? ' call-tile--screen' : ''}`} data-peer={peer.peerId} data-role={peer.role ?? 'other'}>
      <div className="call-tile__frame">
        <MediaVideo stream={peer.stream} speakerId={speakerId} onBlocked={onBlocked} label={t('live.call.videoOf', { role: peer.role ?? 'other' })} />
        {showPicture ? null : (
          <p className="call-tile__placeholder" aria-hidden="true">
            {who}
          </p>
        )}
      </div>
      <figcaption className="call-tile__caption">
        <strong>{who}</strong>
        {states.length > 0 ? <span className="call-tile__states">{states.join(' · ')}</span> : null}
      </figcaption>
    </figure>
  );
}

/** The self-view, small; says when nothing of it is sent. */
export function LocalTile({ local }: { local: LocalMedia }) {
  const { t } = useTranslation();
  const states: string[] = [];
  if (!local.microphone) states.push(t('live.call.selfMicrophoneOff'));
  if (local.screen) states.push(t('live.call.selfSharing'));
  else if (!local.camera) states.push(t('live.call.selfCameraOff'));
  if (local.audioOnly) states.push(t('live.call.selfVideoPaused'));
  return (
    <figure className="call-tile call-tile--self">
      <div className="call-tile__frame">
        <MediaVideo stream={local.preview} self mirror={!local.screen} label={t('live.call.selfVideo')} />
        {local.preview ? null : (
          <p className="call-tile__placeholder" aria-hidden="true">
            {t('live.call.you')}
          </p>
        )}
      </div>
      <figcaption className="call-tile__caption">
        <strong>{t('live.call.you')}</strong>
        {states.length > 0 ? <span className="call-tile__states">{states.join(' · ')}</span> : null}
      </figcaption>
    </figure>
  );
}
