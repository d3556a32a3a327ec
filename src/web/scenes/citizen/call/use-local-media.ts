/**
 * The camera and microphone of the device check: asks for both, finds out
 * which one failed and why when the joint request fails, lists the devices
 * (their names appear only once permission is given) and reopens the stream
 * when the citizen chooses another device. The stream stops when the page
 * goes away, so the camera light goes off.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceChoice } from './call-preparation.ts';
import { classifyMediaError, type DeviceOutcome } from './media-problems.ts';

/** The devices of each kind the browser reports. */
export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

/** Where the check stands. */
export interface LocalMedia {
  /** `idle` until the citizen starts the check. */
  status: 'idle' | 'requesting' | 'done';
  stream: MediaStream | null;
  camera: DeviceOutcome | null;
  microphone: DeviceOutcome | null;
  devices: DeviceLists;
  choice: DeviceChoice;
  /** The browser can send sound to a chosen speaker (`setSinkId`; not in Safari). */
  speakerChoice: boolean;
  /** Asks for the camera and microphone (again). */
  start: () => void;
  /** Uses another device of one kind. */
  choose: (kind: keyof DeviceChoice, deviceId: string) => void;
}

const NO_DEVICES: DeviceLists = { cameras: [], microphones: [], speakers: [] };

function constraint(deviceId: string): MediaTrackConstraints | boolean {
  return deviceId ? { deviceId: { exact: deviceId } } : true;
}

interface Acquired {
  stream: MediaStream | null;
  camera: DeviceOutcome;
  microphone: DeviceOutcome;
}

/**
 * Asks for both devices at once (one permission prompt); when that fails,
 * asks for each alone to learn which one is the problem. A citizen with a
 * working microphone but no camera can still join by voice.
 */
async function acquire(choice: DeviceChoice): Promise<Acquired> {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== 'function') return { stream: null, camera: 'unsupported', microphone: 'unsupported' };
  const video = constraint(choice.cameraId);
  const audio = constraint(choice.microphoneId);
  try {
    const stream = await media.getUserMedia({ video, audio });
    return { stream, camera: 'ok', microphone: 'ok' };
  } catch (joint) {
    const problem = classifyMediaError(joint);
    // Denied for both: asking again would only fail the same way (and, in Firefox, prompt twice).
    if (problem === 'denied') return { stream: null, camera: 'denied', microphone: 'denied' };
    // A device chosen on an earlier visit may be gone: fall back to the browser's defaults.
    if (problem === 'not_found' && (choice.cameraId || choice.microphoneId)) return acquire({ ...choice, cameraId: '', microphoneId: '' });
  }
  const tracks: MediaStreamTrack[] = [];
  const one = async (constraints: MediaStreamConstraints): Promise<DeviceOutcome> => {
    try {
      const stream = await media.getUserMedia(constraints);
      tracks.push(...stream.getTracks());
      return 'ok';
    } catch (error) {
      return classifyMediaError(error);
    }
  };
  const microphone = await one({ audio });
  const camera = await one({ video });
  return { stream: tracks.length > 0 ? new MediaStream(tracks) : null, camera, microphone };
}

function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

async function listDevices(): Promise<DeviceLists> {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!media || typeof media.enumerateDevices !== 'function') return NO_DEVICES;
  const all = await media.enumerateDevices();
  // Without permission, browsers list placeholder devices with empty ids: nothing to choose from.
  const usable = all.filter((d) => d.deviceId !== '');
  return {
    cameras: usable.filter((d) => d.kind === 'videoinput'),
    microphones: usable.filter((d) => d.kind === 'audioinput'),
    speakers: usable.filter((d) => d.kind === 'audiooutput'),
  };
}

/** The id of the device behind the stream's first track of `kind` ('' when none). */
export function activeDeviceId(stream: MediaStream | null, kind: 'audio' | 'video'): string {
  const track = kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
  return track?.getSettings().deviceId ?? '';
}

/** True when sound can be routed to a chosen output device. */
export function canChooseSpeaker(): boolean {
  if (typeof window === 'undefined') return false;
  return 'setSinkId' in HTMLMediaElement.prototype || (typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype);
}

/** The device check's camera and microphone; `initial` are the devices chosen on an earlier visit. */
export function useLocalMedia(initial: DeviceChoice): LocalMedia {
  const [status, setStatus] = useState<LocalMedia['status']>('idle');
  const [result, setResult] = useState<Acquired | null>(null);
  const [devices, setDevices] = useState<DeviceLists>(NO_DEVICES);
  const [choice, setChoice] = useState<DeviceChoice>(initial);
  const [request, setRequest] = useState(0);
  const current = useRef<MediaStream | null>(null);

  // Each request (start, retry, another device) replaces the stream; a late answer to an older one is dropped.
  useEffect(() => {
    if (request === 0) return;
    let cancelled = false;
    setStatus('requesting');
    stopStream(current.current);
    current.current = null;
    void acquire({ cameraId: choice.cameraId, microphoneId: choice.microphoneId, speakerId: '' }).then(async (acquired) => {
      if (cancelled) {
        stopStream(acquired.stream);
        return;
      }
      current.current = acquired.stream;
      setResult(acquired);
      setStatus('done');
      const lists = await listDevices().catch(() => NO_DEVICES);
      if (!cancelled) setDevices(lists);
    });
    return () => {
      cancelled = true;
    };
  }, [request, choice.cameraId, choice.microphoneId]);

  // Plugging in a headset or a webcam updates the choices.
  useEffect(() => {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!media || status !== 'done') return;
    const refresh = () => {
      void listDevices().then(setDevices, () => undefined);
    };
    media.addEventListener('devicechange', refresh);
    return () => media.removeEventListener('devicechange', refresh);
  }, [status]);

  useEffect(
    () => () => {
      stopStream(current.current);
      current.current = null;
    },
    [],
  );

  const start = useCallback(() => setRequest((n) => n + 1), []);
  const choose = useCallback((kind: keyof DeviceChoice, deviceId: string) => {
    setChoice((previous) => ({ ...previous, [kind]: deviceId }));
    // The speaker needs no new stream; a camera or microphone does (the effect reruns on the new id).
    if (kind !== 'speakerId') setRequest((n) => Math.max(n, 1));
  }, []);

  return {
    status,
    stream: result?.stream ?? null,
    camera: result?.camera ?? null,
    microphone: result?.microphone ?? null,
    devices,
    choice,
    speakerChoice: canChooseSpeaker(),
    start,
    choose,
  };
}
