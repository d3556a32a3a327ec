/**
 * The local side of a call's media: opening the microphone and camera with
 * the devices chosen (or the front or back camera on a phone), sorting the
 * browser's failures into the few a person can act on, and listing devices.
 */

/** Which camera of a phone: the one facing the person, or the one on the back. */
export type Facing = 'user' | 'environment';

/** A failure to open a device, as the call explains it. */
export type MediaProblem = 'permission_denied' | 'not_found' | 'busy' | 'other';

/** Sorts a `getUserMedia`/`getDisplayMedia` rejection by what the person can do about it (Media Capture and Streams §9.2). */
export function mediaProblemOf(error: unknown): MediaProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'permission_denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'not_found';
  if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') return 'busy';
  return 'other';
}

/** Whether a `getDisplayMedia` rejection is the person closing the picker (not a problem to report). */
export function isCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'NotAllowedError';
}

/** Camera constraints: a chosen device wins over a facing mode; modest size, a call needs no more. */
export function videoConstraints(cameraId: string | null, facing: Facing | null): MediaTrackConstraints {
  const size = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } };
  if (cameraId) return { ...size, deviceId: { exact: cameraId } };
  if (facing) return { ...size, facingMode: { ideal: facing } };
  return size;
}

/** Microphone constraints: the chosen device, with the browser's echo cancellation and noise suppression. */
export function audioConstraints(microphoneId: string | null): MediaTrackConstraints {
  const processing = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  return microphoneId ? { ...processing, deviceId: { exact: microphoneId } } : processing;
}

/** One device a person may choose. */
export interface DeviceOption {
  deviceId: string;
  label: string;
}

/** The devices of each kind (labels are empty until a permission was granted). */
export interface DeviceLists {
  microphones: DeviceOption[];
  cameras: DeviceOption[];
  speakers: DeviceOption[];
}

/** Lists microphones, cameras and speakers; `name(kind, n)` names a device the browser gives no label. */
export async function listDevices(name: (kind: MediaDeviceKind, index: number) => string): Promise<DeviceLists> {
  const lists: DeviceLists = { microphones: [], cameras: [], speakers: [] };
  if (!navigator.mediaDevices?.enumerateDevices) return lists;
  const devices = await navigator.mediaDevices.enumerateDevices();
  for (const device of devices) {
    if (!device.deviceId) continue;
    const list = device.kind === 'audioinput' ? lists.microphones : device.kind === 'videoinput' ? lists.cameras : lists.speakers;
    list.push({ deviceId: device.deviceId, label: device.label || name(device.kind, list.length + 1) });
  }
  return lists;
}

/** Opens one kind of device; answers the track or the problem. */
export async function openTrack(
  kind: 'audio' | 'video',
  constraints: MediaTrackConstraints,
): Promise<{ track: MediaStreamTrack; problem: null } | { track: null; problem: MediaProblem }> {
  if (!navigator.mediaDevices?.getUserMedia) return { track: null, problem: 'not_found' };
  try {
    const stream = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints });
    const track = stream.getTracks()[0];
    return track ? { track, problem: null } : { track: null, problem: 'not_found' };
  } catch (error) {
    return { track: null, problem: mediaProblemOf(error) };
  }
}

/** The device id a live track is using, if the browser says. */
export function deviceIdOf(track: MediaStreamTrack | null): string | null {
  return track?.getSettings().deviceId ?? null;
}

/** Whether the browser can share a screen (not on most phones). */
export function canShareScreen(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** Whether the browser lets the page choose the speaker (`setSinkId`). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/** Opens microphone and camera together (one permission prompt), then each alone if that fails. */
export async function openMicrophoneAndCamera(
  audio: MediaTrackConstraints,
  video: MediaTrackConstraints | null,
): Promise<{ audio: MediaStreamTrack | null; video: MediaStreamTrack | null; audioProblem: MediaProblem | null; videoProblem: MediaProblem | null }> {
  if (video && navigator.mediaDevices?.getUserMedia) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio, video });
      return { audio: stream.getAudioTracks()[0] ?? null, video: stream.getVideoTracks()[0] ?? null, audioProblem: null, videoProblem: null };
    } catch {
      // One of the two is missing, busy or refused: find out which by opening each alone.
    }
  }
  const mic = await openTrack('audio', audio);
  const cam = video ? await openTrack('video', video) : { track: null, problem: null };
  return { audio: mic.track, video: cam.track, audioProblem: mic.problem, videoProblem: cam.problem };
}
