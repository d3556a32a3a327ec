/**
 * The microphone and camera opened a moment before a call starts. When an
 * agent clicks "admit", the call page still has to open, send `admit` and be
 * told the call started before the call would open the devices, and a camera
 * that has not been used for a while is slow to start (a real one powers up;
 * Chromium also starts its video capture service anew after ~10 s idle: 0.3
 * to 1.7 s measured, bench/connect). The citizen's first picture of the agent
 * waits for it. Opening the devices on the click overlaps that with the round
 * trip, and the call takes them over. The click says a video call is wanted,
 * so the camera turning on then is expected; media not taken within
 * {@link AHEAD_TTL_MS} (the call never started) is released, so a camera is
 * never left on unseen.
 *
 * Earlier still: while a citizen waits in the agent's queue, the queue may
 * keep the devices ready ({@link keepCallMediaReady}) and shows the agent
 * their own picture, so the camera is already running when they admit — the
 * citizen then sees the agent as soon as the connection is up, not a camera
 * start later. The citizen's waiting room does the same with the devices
 * chosen in the device check, so the agent sees the citizen at once too.
 * When nobody waits any more (or the page moves on) the same time limit
 * applies as after a click.
 */
import { audioConstraints, openMicrophoneAndCamera, videoConstraints } from './call-media.ts';

/** What {@link openMicrophoneAndCamera} answers. */
export type OpenedMedia = Awaited<ReturnType<typeof openMicrophoneAndCamera>>;

/** How long media opened ahead waits for its call. */
export const AHEAD_TTL_MS = 15_000;

/** The devices media is opened with: null, the browser's default (a call without chosen devices). */
export interface AheadDevices {
  microphoneId: string | null;
  cameraId: string | null;
}

const DEFAULT_DEVICES: AheadDevices = { microphoneId: null, cameraId: null };

const keyOf = (d: AheadDevices) => `${d.microphoneId ?? ''}\n${d.cameraId ?? ''}`;

/** Media opened ahead, with which devices; `timer` null while it is kept ready (no time limit). */
let ahead: { opened: Promise<OpenedMedia>; key: string; timer: ReturnType<typeof setTimeout> | null } | null = null;

function open(devices: AheadDevices): NonNullable<typeof ahead> {
  return {
    opened: openMicrophoneAndCamera(audioConstraints(devices.microphoneId), videoConstraints(devices.cameraId, 'user')),
    key: keyOf(devices),
    timer: null,
  };
}

/** Starts the time limit of what is open ahead (restarts it if running). */
function limit(entry: NonNullable<typeof ahead>): void {
  if (entry.timer) clearTimeout(entry.timer);
  entry.timer = setTimeout(() => {
    if (ahead === entry) discardCallMediaAhead();
  }, AHEAD_TTL_MS);
}

/**
 * Opens the default microphone and camera (the constraints a call without
 * chosen devices uses) for the call about to start — or, when they are
 * already kept ready, hands those on (their time limit starts now).
 */
export function openCallMediaAhead(): void {
  if (ahead?.key !== keyOf(DEFAULT_DEVICES)) {
    discardCallMediaAhead();
    ahead = open(DEFAULT_DEVICES);
  }
  limit(ahead);
}

/**
 * Keeps the microphone and camera open, without a time limit, for the next
 * call (someone is waiting); answers them for a preview. Other devices than
 * those kept replace them.
 */
export function keepCallMediaReady(devices: AheadDevices = DEFAULT_DEVICES): Promise<OpenedMedia> {
  if (ahead?.key !== keyOf(devices)) {
    discardCallMediaAhead();
    ahead = open(devices);
  }
  if (ahead.timer) clearTimeout(ahead.timer);
  ahead.timer = null;
  return ahead.opened;
}

/** They are no longer kept ready: released unless a call takes them within {@link AHEAD_TTL_MS}. */
export function stopKeepingCallMediaReady(): void {
  if (ahead && !ahead.timer) limit(ahead);
}

/** What was opened ahead with these devices, for one call to use; null when nothing is waiting (or other devices are). */
export function takeCallMediaAhead(devices: AheadDevices = DEFAULT_DEVICES): Promise<OpenedMedia> | null {
  if (ahead?.key !== keyOf(devices)) return null;
  if (ahead.timer) clearTimeout(ahead.timer);
  const { opened } = ahead;
  ahead = null;
  return opened;
}

/** Releases what was opened ahead and not taken. */
export function discardCallMediaAhead(): void {
  if (!ahead) return;
  if (ahead.timer) clearTimeout(ahead.timer);
  const { opened } = ahead;
  ahead = null;
  void opened.then(({ audio, video }) => {
    audio?.stop();
    video?.stop();
  });
}
