/** A choice of camera, microphone or speaker, shown only when there is more than one. */
import { useTranslation } from 'react-i18next';
import { StaffSelect } from '../../../components/staff-select.tsx';

/** Props of {@link DeviceSelect}. */
export interface DeviceSelectProps {
  id: string;
  kind: 'camera' | 'microphone' | 'speaker';
  devices: readonly MediaDeviceInfo[];
  /** The device in use ('' = the browser's default). */
  value: string;
  onChange: (deviceId: string) => void;
}

/** A native select of devices (the browser's own names; numbered when it hides them). */
export function DeviceSelect({ id, kind, devices, value, onChange }: DeviceSelectProps) {
  const { t } = useTranslation();
  if (devices.length < 2) return null;
  const options = devices.map((device, i) => ({
    value: device.deviceId,
    label: device.label || t('call.deviceCheck.deviceFallback', { kind, n: i + 1 }),
  }));
  const selected = options.some((o) => o.value === value) ? value : (options[0]?.value ?? '');
  return <StaffSelect id={id} name={id} label={t('call.deviceCheck.choose', { kind })} value={selected} options={options} onChange={onChange} />;
}
