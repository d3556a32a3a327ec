/**
 * The call's controls: toggle buttons (native buttons with `aria-pressed`,
 * whose names never change, WAI-ARIA APG "Button" pattern) for the
 * microphone, the camera and screen sharing; switching between the front and
 * back camera; the devices in use; hanging up. All reachable with Tab and
 * worked with Enter or Space.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canChooseSpeaker, canShareScreen, type DeviceOption } from '../../realtime/call-media.ts';
import type { CallSession } from '../../realtime/call-session.ts';
import type { CallSnapshot } from '../../realtime/call-types.ts';

/** Props of {@link DeviceSelect}. */
interface DeviceSelectProps {
  id: string;
  label: string;
  value: string | null;
  options: readonly DeviceOption[];
  onChange: (deviceId: string) => void;
}

/** A labelled native select of devices; choosing one uses it at once (a setting, not a change of context). */
function DeviceSelect({ id, label, value, options, onChange }: DeviceSelectProps) {
  const { t } = useTranslation();
  return (
    <div className="form-group">
      <label htmlFor={id} className="label">
        {label}
      </label>
      <select id={id} className="select call-settings__select" value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        {value ? null : <option value="">{t('live.call.defaultDevice')}</option>}
        {options.map((o) => (
          <option key={o.deviceId} value={o.deviceId}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Props of {@link CallControls}. */
export interface CallControlsProps {
  session: CallSession;
  snapshot: CallSnapshot;
}

/** The control bar and the devices panel it opens. */
export function CallControls({ session, snapshot }: CallControlsProps) {
  const { t } = useTranslation();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const { local, devices } = snapshot;
  const nameFor = (kind: 'microphone' | 'camera' | 'speaker', n: number) => t('live.call.unnamedDevice', { kind, n });
  const label = (list: readonly DeviceOption[], kind: 'microphone' | 'camera' | 'speaker') =>
    list.map((d, i) => ({ deviceId: d.deviceId, label: d.label || nameFor(kind, i + 1) }));
  return (
    <div className="call-controls">
      <div className="call-controls__bar" role="group" aria-label={t('live.call.controlsLabel')}>
        <button
          type="button"
          className="button button--secondary call-controls__button"
          aria-pressed={!local.microphone}
          onClick={() => void session.devices.setMicrophone(!local.microphone)}
        >
          {t('live.call.mute')}
        </button>
        <button
          type="button"
          className="button button--secondary call-controls__button"
          aria-pressed={!local.camera}
          onClick={() => void session.devices.setCamera(!local.camera)}
        >
          {t('live.call.cameraOff')}
        </button>
        {devices.cameras.length > 1 ? (
          <button type="button" className="button button--secondary call-controls__button" onClick={() => void session.devices.switchCamera()}>
            {t('live.call.switchCamera')}
          </button>
        ) : null}
        {canShareScreen() ? (
          <button
            type="button"
            className="button button--secondary call-controls__button"
            aria-pressed={local.screen}
            onClick={() => void (local.screen ? session.devices.stopSharing() : session.devices.shareScreen())}
          >
            {t('live.call.shareScreen')}
          </button>
        ) : null}
        <button
          type="button"
          className="button button--secondary call-controls__button"
          aria-expanded={settingsOpen}
          aria-controls="call-settings"
          onClick={() => {
            if (!settingsOpen) void session.refreshDevices();
            setSettingsOpen(!settingsOpen);
          }}
        >
          {t('live.call.devices')}
        </button>
        <button type="button" className="button button--warning call-controls__button" onClick={() => session.hangUp()}>
          {/* An interpreter's hang-up takes only them out of the call. */}
          {snapshot.role === 'interpreter' ? t('interpreter.call.leave') : t('live.call.hangUp')}
        </button>
      </div>
      <div id="call-settings" className="call-settings" hidden={!settingsOpen}>
        {settingsOpen ? (
          <>
            <DeviceSelect
              id="call-microphone"
              label={t('live.call.microphone')}
              value={local.microphoneId}
              options={label(devices.microphones, 'microphone')}
              onChange={(id) => void session.devices.chooseMicrophone(id)}
            />
            <DeviceSelect
              id="call-camera"
              label={t('live.call.camera')}
              value={local.cameraId}
              options={label(devices.cameras, 'camera')}
              onChange={(id) => void session.devices.chooseCamera(id)}
            />
            {canChooseSpeaker() && devices.speakers.length > 0 ? (
              <DeviceSelect
                id="call-speaker"
                label={t('live.call.speaker')}
                value={local.speakerId}
                options={label(devices.speakers, 'speaker')}
                onChange={(id) => session.devices.chooseSpeaker(id)}
              />
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
