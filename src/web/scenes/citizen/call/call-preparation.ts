/**
 * What the citizen settled before entering the waiting room: the device
 * check's outcome (and chosen devices, which the call reuses) and the two
 * consents. Kept in sessionStorage, like the booking answers, so a reload
 * does not send them back to the start; tied to the personal link's token so
 * another appointment in the same tab starts afresh.
 */
import { readStored, writeStored } from '../../../hooks/use-stored-state.ts';
import type { CallDevicePreferences } from '../../../realtime/call-types.ts';

/** The devices chosen on the device check ('' = the browser's default). */
export interface DeviceChoice {
  cameraId: string;
  microphoneId: string;
  speakerId: string;
}

/** The outcome of the device check. */
export interface DeviceCheckResult {
  camera: boolean;
  microphone: boolean;
  /** The citizen accepted to take part by voice only (camera not working or not wanted). */
  audioOnly: boolean;
  /** Answer to "Did you hear the test sound?". */
  speakerHeard: boolean;
  /** The in-page WebRTC loopback worked; null when it could not be tried. */
  mediaPath: boolean | null;
  devices: DeviceChoice;
}

/** The consents given on the consent page (`processing` is required to get there). */
export interface CallConsents {
  processing: true;
  recording: boolean;
}

/** Everything stored for one personal link. */
export interface CallPreparation {
  deviceCheck: DeviceCheckResult | null;
  consents: CallConsents | null;
}

interface Stored extends CallPreparation {
  token: string;
}

const KEY = 'call-preparation';
const EMPTY: CallPreparation = { deviceCheck: null, consents: null };

/** What was settled for the link `token` (nothing for another link). */
export function readPreparation(token: string): CallPreparation {
  const stored = readStored<Stored | null>(KEY, null);
  if (!stored || stored.token !== token) return EMPTY;
  return { deviceCheck: stored.deviceCheck ?? null, consents: stored.consents ?? null };
}

function write(token: string, next: CallPreparation): void {
  writeStored<Stored>(KEY, { token, ...next });
}

/** Records the device check; a new check asks for the consents again only if none were given. */
export function saveDeviceCheck(token: string, result: DeviceCheckResult): void {
  write(token, { ...readPreparation(token), deviceCheck: result });
}

/** Records the consents. */
export function saveConsents(token: string, consents: CallConsents): void {
  write(token, { ...readPreparation(token), consents });
}

/** The devices the citizen chose, for the call (defaults when the check was not done in this tab). */
export function readDeviceChoice(token: string): DeviceChoice {
  return readPreparation(token).deviceCheck?.devices ?? { cameraId: '', microphoneId: '', speakerId: '' };
}

/** The devices the call opens, as the device check settled them (an empty id: the browser's default). */
export function callDevicesOf(deviceCheck: DeviceCheckResult): CallDevicePreferences {
  const { devices, audioOnly } = deviceCheck;
  return { cameraId: devices.cameraId || null, microphoneId: devices.microphoneId || null, speakerId: devices.speakerId || null, camera: !audioOnly };
}
