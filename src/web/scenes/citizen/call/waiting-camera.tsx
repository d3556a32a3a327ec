/**
 * The citizen's camera in the waiting room: kept ready with the devices
 * chosen in the device check, so that when the agent admits them the agent
 * sees them as soon as the connection is up (no camera start then; see
 * call-media-ahead.ts). The citizen sees their own picture and is told that
 * nobody else sees it until the call starts; they can turn it off until then.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ReadyPicture, useReadyCamera } from '../../../components/ready-camera.tsx';
import { discardCallMediaAhead, type AheadDevices } from '../../../realtime/call-media-ahead.ts';

/** Props of {@link WaitingCamera}. */
export interface WaitingCameraProps {
  /** Whether the citizen is in the open waiting room now. */
  waiting: boolean;
  devices: AheadDevices;
}

/** The citizen's own picture while waiting, and the button to turn it off. */
export function WaitingCamera({ waiting, devices }: WaitingCameraProps) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(true);
  const picture = useReadyCamera(enabled && waiting, devices);
  if (!waiting) return null;
  return (
    <section className="waiting-camera" aria-labelledby="waiting-camera-heading">
      <h2 id="waiting-camera-heading" className="heading-s">
        {t('call.waiting.camera.heading')}
      </h2>
      <p className="body" role="status">
        {picture ? t('call.waiting.camera.on') : enabled ? t('call.waiting.camera.starting') : t('call.waiting.camera.off')}
      </p>
      {picture ? <ReadyPicture picture={picture} label={t('call.waiting.camera.picture')} /> : null}
      <p className="body">
        <button
          type="button"
          className="button button--secondary button--inline"
          onClick={() => {
            if (enabled) discardCallMediaAhead();
            setEnabled(!enabled);
          }}
        >
          {enabled ? t('call.waiting.camera.turnOff') : t('call.waiting.camera.turnOn')}
        </button>
      </p>
    </section>
  );
}
