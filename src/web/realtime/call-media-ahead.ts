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
 * start later. When nobody waits any more (or the queue closes) the same
 * time limit applies as after a click.
 */
import { audioConstraints, openMicrophoneAndCamera, videoConstraints } from './call-media.ts';

/** What {@link openMicrophoneAndCamera} answers. */
export type OpenedMedia = Awaited<ReturnType<typeof openMicrophoneAndCamera>>;

/** How long media opened ahead waits for its call. */
export const AHEAD_TTL_MS = 15_000;

/** Media opened ahead; `timer` null while the queue keeps it ready (no time limit). */
let ahead: { opened: Promise<OpenedMedia>; timer: ReturnType<typeof setTimeout> | null } | null = null;

function openDefaults(): Promise<OpenedMedia> {
  return openMicrophoneAndCamera(audioConstraints(null), videoConstraints(null, 'user'));
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
 * chosen devices uses) for the call about to start — or, when the queue
 * already keeps them ready, hands those on (their time limit starts now).
 */
export function openCallMediaAhead(): void {
  if (!ahead) ahead = { opened: openDefaults(), timer: null };
  limit(ahead);
}

/**
 * Keeps the default microphone and camera open, without a time limit, for
 * the next call (a citizen is waiting); answers them for a preview.
 */
export function keepCallMediaReady(): Promise<OpenedMedia> {
  if (ahead?.timer) clearTimeout(ahead.timer);
  if (ahead) ahead.timer = null;
  else ahead = { opened: openDefaults(), timer: null };
  return ahead.opened;
}

/** The queue no longer keeps them ready: released unless a call takes them within {@link AHEAD_TTL_MS}. */
export function stopKeepingCallMediaReady(): void {
  if (ahead && !ahead.timer) limit(ahead);
}

/** What was opened ahead, for one call to use; null when nothing is waiting. */
export function takeCallMediaAhead(): Promise<OpenedMedia> | null {
  if (!ahead) return null;
  if (ahead.timer) clearTimeout(ahead.timer);
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
