/** The device check's sound test: choose the output, play a chime, say whether it was heard. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Radios } from '../../../components/radios.tsx';
import { DeviceSelect } from './device-select.tsx';
import { playTestTone } from './test-tone.ts';

/** Props of {@link SpeakerSection}. */
export interface SpeakerSectionProps {
  speakers: readonly MediaDeviceInfo[];
  /** The browser can route sound to a chosen output. */
  canChoose: boolean;
  speakerId: string;
  onChoose: (deviceId: string) => void;
  heard: '' | 'yes' | 'no';
  onHeard: (answer: 'yes' | 'no') => void;
  error?: string | undefined;
}

/** The sound section. */
export function SpeakerSection({ speakers, canChoose, speakerId, onChoose, heard, onHeard, error }: SpeakerSectionProps) {
  const { t } = useTranslation();
  const [playing, setPlaying] = useState(false);
  const [failed, setFailed] = useState(false);
  const play = async () => {
    if (playing) return;
    setPlaying(true);
    setFailed(false);
    try {
      await playTestTone(speakerId);
    } catch {
      setFailed(true);
    } finally {
      setPlaying(false);
    }
  };
  return (
    <section className="device-section" aria-labelledby="speaker-heading">
      <h2 className="heading-m" id="speaker-heading">
        {t('call.deviceCheck.speaker.heading')}
      </h2>
      <p className="body">{t('call.deviceCheck.speaker.instructions')}</p>
      {canChoose ? <DeviceSelect id="speaker-choice" kind="speaker" devices={speakers} value={speakerId} onChange={onChoose} /> : null}
      <button type="button" id="play-sound" className="button button--secondary" onClick={() => void play()} aria-disabled={playing}>
        {t('call.deviceCheck.speaker.play')}
      </button>
      <p className="body" role="status">
        {playing ? t('call.deviceCheck.speaker.playing') : failed ? t('call.deviceCheck.speaker.failed') : null}
      </p>
      <Radios
        id="speaker-heard"
        name="speaker-heard"
        legend={t('call.deviceCheck.speaker.question')}
        value={heard}
        onChange={(value) => onHeard(value === 'yes' ? 'yes' : 'no')}
        error={error}
        small
        options={[
          { value: 'yes', label: t('call.deviceCheck.speaker.yes') },
          { value: 'no', label: t('call.deviceCheck.speaker.no') },
        ]}
      >
        {heard === 'no' ? (
          <div className="conditional">
            <ul className="list list--bullet">
              <li>{t('call.deviceCheck.speaker.help.volume')}</li>
              <li>{t('call.deviceCheck.speaker.help.headphones')}</li>
              <li>{t('call.deviceCheck.speaker.help.again')}</li>
            </ul>
            <p className="body">{t('call.deviceCheck.speaker.help.continue')}</p>
          </div>
        ) : null}
      </Radios>
    </section>
  );
}
