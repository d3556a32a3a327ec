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
 */
import { audioConstraints, openMicrophoneAndCamera, videoConstraints } from './call-media.ts';

/** What {@link openMicrophoneAndCamera} answers. */
export type OpenedMedia = Awaited<ReturnType<typeof openMicrophoneAndCamera>>;

/** How long media opened ahead waits for its call. */
export const AHEAD_TTL_MS = 15_000;

let ahead: { opened: Promise<OpenedMedia>; timer: ReturnType<typeof setTimeout> } | null = null;

/** Opens the default microphone and camera (the constraints a call without chosen devices uses) for the call about to start. */
export function openCallMediaAhead(): void {
  discardCallMediaAhead();
  const opened = openMicrophoneAndCamera(audioConstraints(null), videoConstraints(null, 'user'));
  const timer = setTimeout(() => {
    if (ahead?.opened === opened) discardCallMediaAhead();
  }, AHEAD_TTL_MS);
  ahead = { opened, timer };
}

/** What was opened ahead, for one call to use; null when nothing is waiting. */
export function takeCallMediaAhead(): Promise<OpenedMedia> | null {
  if (!ahead) return null;
  clearTimeout(ahead.timer);
  const { opened } = ahead;
  ahead = null;
  return opened;
}

/** Releases what was opened ahead and not taken. */
export function discardCallMediaAhead(): void {
  const opened = takeCallMediaAhead();
  void opened?.then(({ audio, video }) => {
    audio?.stop();
    video?.stop();
  });
}
