/**
 * The agent's camera, made ready for the next call while a citizen waits:
 * the queue opens the default microphone and camera (call-media-ahead.ts)
 * and shows the agent their own picture, so when they admit, the citizen
 * sees them as soon as the connection is up instead of after a camera start
 * (up to a second or more; bench/connect). The agent can turn this off —
 * remembered on this computer — and the camera then opens on "admit". The
 * picture and a sentence say plainly that the camera is on; it goes off
 * shortly after nobody waits any more.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ReadyPicture, useReadyCamera } from '../../../components/ready-camera.tsx';
import { discardCallMediaAhead } from '../../../realtime/call-media-ahead.ts';
import { ToggleButton } from './queue-alert-settings.tsx';
import { rememberedChoice } from './queue-alerts.ts';

/** Whether the agent wants the camera ready while a citizen waits. */
const cameraChoice = rememberedChoice('finestreta.queue.cameraReady');

/** Props of {@link QueueCamera}. */
export interface QueueCameraProps {
  /** Whether a citizen is waiting for this agent now. */
  waiting: boolean;
}

/** The toggle, and the agent's own picture while the camera is kept ready. */
export function QueueCamera({ waiting }: QueueCameraProps) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(cameraChoice.read);
  const picture = useReadyCamera(enabled && waiting);
  return (
    <section className="queue-alerts queue-camera" aria-labelledby="queue-camera-heading">
      <h2 id="queue-camera-heading" className="heading-s">
        {t('live.queue.cameraHeading')}
      </h2>
      <div className="queue-alerts__row">
        <ToggleButton
          pressed={enabled}
          onToggle={(on) => {
            cameraChoice.save(on);
            if (!on) discardCallMediaAhead();
            setEnabled(on);
          }}
        >
          {t('live.queue.cameraToggle')}
        </ToggleButton>
        <p className="body queue-alerts__state" role="status">
          {picture ? t('live.queue.cameraOn') : enabled ? t('live.queue.cameraWhenWaiting') : t('live.queue.cameraOnAdmit')}
        </p>
        {picture ? <ReadyPicture picture={picture} label={t('live.queue.cameraPicture')} /> : null}
      </div>
    </section>
  );
}
