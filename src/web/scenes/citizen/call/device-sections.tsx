/**
 * The device check's camera and microphone sections: the preview and the
 * level meter, each with the choice of device and what to do when it fails.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { levelWord, useAudioLevel } from './audio-level.ts';
import { DeviceSelect } from './device-select.tsx';
import { DeviceProblem } from './media-help.tsx';
import type { DeviceOutcome } from './media-problems.ts';
import { activeDeviceId, type DeviceLists } from './use-local-media.ts';

/** Props shared by both sections. */
interface SectionProps {
  outcome: DeviceOutcome | null;
  stream: MediaStream | null;
  devices: DeviceLists;
  chosen: string;
  onChoose: (deviceId: string) => void;
}

/** The camera: a mirrored preview, like a mirror, so moving left moves left. */
export function CameraSection({ outcome, stream, devices, chosen, onChoose }: SectionProps) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const hasVideo = outcome === 'ok' && (stream?.getVideoTracks().length ?? 0) > 0;
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.srcObject = hasVideo ? stream : null;
  }, [stream, hasVideo]);
  return (
    <section className="device-section" aria-labelledby="camera-heading">
      <h2 className="heading-m" id="camera-heading">
        {t('call.deviceCheck.camera.heading')}
      </h2>
      {hasVideo ? (
        <>
          {/* Muted: the preview shows the picture only; the sound is checked below. */}
          <video ref={video} className="device-preview" autoPlay muted playsInline aria-label={t('call.deviceCheck.camera.preview')} />
          <p className="body">{t('call.deviceCheck.camera.ok')}</p>
        </>
      ) : null}
      {outcome && outcome !== 'ok' && outcome !== 'denied' ? <DeviceProblem device="camera" problem={outcome} /> : null}
      {outcome === 'denied' ? <p className="body">{t('call.deviceCheck.camera.denied')}</p> : null}
      <DeviceSelect id="camera-choice" kind="camera" devices={devices.cameras} value={activeDeviceId(stream, 'video') || chosen} onChange={onChoose} />
    </section>
  );
}

/** The microphone: a level bar, the level in words, and a spoken "we can hear you" once it does. */
export function MicrophoneSection({ outcome, stream, devices, chosen, onChoose }: SectionProps) {
  const { t } = useTranslation();
  const { level, recentPeak, heard } = useAudioLevel(outcome === 'ok' ? stream : null);
  const word = levelWord(recentPeak);
  return (
    <section className="device-section" aria-labelledby="microphone-heading">
      <h2 className="heading-m" id="microphone-heading" tabIndex={-1}>
        {t('call.deviceCheck.microphone.heading')}
      </h2>
      {outcome === 'ok' ? (
        <>
          <p className="body">{t('call.deviceCheck.microphone.instructions')}</p>
          <div className="form-group">
            <label className="label" htmlFor="microphone-level">
              {t('call.deviceCheck.microphone.meterLabel')}
            </label>
            <meter
              id="microphone-level"
              className="level-meter"
              min={0}
              max={100}
              low={12}
              high={85}
              optimum={60}
              value={level}
              aria-valuetext={t('call.deviceCheck.microphone.level', { level: word })}
            />
            <p className="body level-meter__text">{t('call.deviceCheck.microphone.level', { level: word })}</p>
          </div>
        </>
      ) : null}
      {/* Announced once, when the microphone first hears something; the level itself changes too often to announce. */}
      <p className="body" role="status">
        {outcome === 'ok' ? (heard ? t('call.deviceCheck.microphone.heard') : t('call.deviceCheck.microphone.notHeard')) : null}
      </p>
      {outcome && outcome !== 'ok' && outcome !== 'denied' ? <DeviceProblem device="microphone" problem={outcome} /> : null}
      {outcome === 'denied' ? <p className="body">{t('call.deviceCheck.microphone.denied')}</p> : null}
      <DeviceSelect
        id="microphone-choice"
        kind="microphone"
        devices={devices.microphones}
        value={activeDeviceId(stream, 'audio') || chosen}
        onChange={onChoose}
      />
    </section>
  );
}
