/**
 * This participant's own microphone, camera and shared screen during a call:
 * opening them with the devices chosen, muting (the track stays open, so
 * unmuting is instant), turning the camera off (the device is released and
 * its light goes out), front/back camera, another device, screen sharing.
 * Every failure is kept as a problem the view explains. The call session
 * decides what is sent; this only holds the tracks and tells it when they
 * change.
 */
import {
  audioConstraints,
  deviceIdOf,
  isCancelled,
  mediaProblemOf,
  openMicrophoneAndCamera,
  openTrack,
  videoConstraints,
  type Facing,
  type MediaProblem,
} from './call-media.ts';
import { discardCallMediaAhead, takeCallMediaAhead } from './call-media-ahead.ts';
import type { CallDevicePreferences, CallNotice, LocalMedia } from './call-types.ts';

/** The local state the view shows (the session adds whether the audio-only fallback is on). */
export type LocalDevices = Omit<LocalMedia, 'audioOnly'>;

/** What {@link LocalTracks} tells the call. */
export interface LocalTracksHooks {
  /** The tracks changed: send the new ones. */
  tracksChanged(): Promise<void>;
  /** The state shown changed. */
  changed(): void;
  notice(notice: CallNotice): void;
  /** The person turned video on by hand (camera or screen): an audio-only fallback ends. */
  videoWanted(): void;
}

type Device = 'microphone' | 'camera' | 'screen';

/** What a call's view may do with the person's own devices (`CallSession.devices`). */
export type CallDeviceControls = Pick<
  LocalTracks,
  'setMicrophone' | 'setCamera' | 'switchCamera' | 'chooseMicrophone' | 'chooseCamera' | 'chooseSpeaker' | 'shareScreen' | 'stopSharing'
>;

/** The local tracks of one call. */
export class LocalTracks {
  private audioTrack: MediaStreamTrack | null = null;
  private cameraTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private muted = false;
  private closed = false;
  private current: LocalDevices = {
    microphone: false,
    camera: false,
    screen: false,
    facing: 'user',
    microphoneId: null,
    cameraId: null,
    speakerId: null,
    preview: null,
    problem: null,
    opening: true,
  };

  constructor(private readonly hooks: LocalTracksHooks) {}

  /** The microphone's track (sent even when muted: it then carries silence). */
  get audio(): MediaStreamTrack | null {
    return this.audioTrack;
  }

  /** What video there is to send: the shared screen, else the camera. */
  get video(): MediaStreamTrack | null {
    return this.screenTrack ?? this.cameraTrack;
  }

  /** The state shown (a new object after every change). */
  get state(): LocalDevices {
    return this.current;
  }

  /**
   * Opens microphone and camera together (`preferred` from the device check), each alone if that fails.
   * `camera: false` (the person chose voice only) opens the microphone alone; they may turn the camera on later.
   */
  async open(preferred: CallDevicePreferences): Promise<void> {
    const withCamera = preferred.camera !== false;
    // The devices opened ahead, if any (call-media-ahead.ts): on the agent's click or while waiting, the same ones, already running.
    const ahead = withCamera ? takeCallMediaAhead({ microphoneId: preferred.microphoneId ?? null, cameraId: preferred.cameraId ?? null }) : null;
    if (!ahead) discardCallMediaAhead();
    const opened = await (ahead ??
      openMicrophoneAndCamera(audioConstraints(preferred.microphoneId ?? null), withCamera ? videoConstraints(preferred.cameraId ?? null, 'user') : null));
    if (this.closed) {
      opened.audio?.stop();
      opened.video?.stop();
      return;
    }
    this.audioTrack = opened.audio;
    this.cameraTrack = opened.video;
    if (preferred.speakerId) this.update({ speakerId: preferred.speakerId });
    const problem = opened.audioProblem
      ? { device: 'microphone' as const, problem: opened.audioProblem }
      : opened.videoProblem
        ? { device: 'camera' as const, problem: opened.videoProblem }
        : null;
    this.update({ opening: false, problem, microphoneId: deviceIdOf(opened.audio), cameraId: deviceIdOf(opened.video) });
    if (problem) this.hooks.notice({ kind: 'media_problem', ...problem });
    await this.hooks.tracksChanged();
  }

  /** Mutes or unmutes the microphone; opens it if it failed before. */
  async setMicrophone(on: boolean): Promise<void> {
    if (on && !this.audioTrack) {
      const opened = await this.open1('audio', audioConstraints(this.current.microphoneId));
      if (!opened) return;
      if ('problem' in opened) return this.failed('microphone', opened.problem);
      this.audioTrack = opened.track;
      await this.hooks.tracksChanged();
    }
    this.muted = !on;
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.update({ problem: null });
    this.hooks.notice({ kind: 'local', what: 'microphone', on });
  }

  /** Turns the camera on or off; off releases the device. */
  async setCamera(on: boolean): Promise<void> {
    if (!on) {
      this.cameraTrack?.stop();
      this.cameraTrack = null;
    } else if (!this.cameraTrack) {
      const { cameraId, facing } = this.current;
      const opened = await this.open1('video', videoConstraints(cameraId, cameraId ? null : facing));
      if (!opened) return;
      if ('problem' in opened) return this.failed('camera', opened.problem);
      this.cameraTrack = opened.track;
      this.hooks.videoWanted();
    }
    this.update({ problem: null, cameraId: deviceIdOf(this.cameraTrack) ?? this.current.cameraId });
    this.hooks.notice({ kind: 'local', what: 'camera', on });
    await this.hooks.tracksChanged();
  }

  /** Switches between the front and the back camera (phones). */
  async switchCamera(): Promise<void> {
    const facing: Facing = this.current.facing === 'user' ? 'environment' : 'user';
    // Phones cannot open both cameras at once: release this one first.
    await this.replaceCamera(videoConstraints(null, facing), { facing });
  }

  /** Uses another microphone. */
  async chooseMicrophone(deviceId: string): Promise<void> {
    const opened = await this.open1('audio', audioConstraints(deviceId));
    if (!opened) return;
    if ('problem' in opened) return this.failed('microphone', opened.problem);
    this.audioTrack?.stop();
    this.audioTrack = opened.track;
    this.audioTrack.enabled = !this.muted;
    this.update({ microphoneId: deviceId, problem: null });
    await this.hooks.tracksChanged();
  }

  /** Uses another camera (turning it on if it was off). */
  async chooseCamera(deviceId: string): Promise<void> {
    await this.replaceCamera(videoConstraints(deviceId, null), {});
  }

  /** Plays the others on another speaker (the view applies it with `setSinkId`). */
  chooseSpeaker(deviceId: string): void {
    this.update({ speakerId: deviceId });
  }

  /** Shares a screen, a window or a tab in place of the camera; false if the person cancelled or it failed. */
  async shareScreen(): Promise<boolean> {
    if (this.screenTrack) return true;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = stream.getVideoTracks()[0];
      if (!track) return false;
      if (this.closed) {
        track.stop();
        return false;
      }
      // Text on a screen must stay sharp: the encoder drops frames rather than resolution.
      track.contentHint = 'detail';
      // The browser's own "Stop sharing" bar ends the track.
      track.addEventListener('ended', () => void this.stopSharing());
      this.screenTrack = track;
    } catch (error) {
      if (!isCancelled(error)) this.failed('screen', mediaProblemOf(error));
      return false;
    }
    this.hooks.videoWanted();
    this.update({ problem: null });
    this.hooks.notice({ kind: 'local', what: 'screen', on: true });
    await this.hooks.tracksChanged();
    return true;
  }

  /** Stops sharing the screen; the camera (if on) is sent again. */
  async stopSharing(): Promise<void> {
    if (!this.screenTrack) return;
    this.screenTrack.stop();
    this.screenTrack = null;
    this.update({});
    this.hooks.notice({ kind: 'local', what: 'screen', on: false });
    await this.hooks.tracksChanged();
  }

  /** Releases every device. */
  stop(): void {
    this.closed = true;
    for (const track of [this.audioTrack, this.cameraTrack, this.screenTrack]) track?.stop();
    this.audioTrack = null;
    this.cameraTrack = null;
    this.screenTrack = null;
  }

  /** Opens another camera in place of this one, or reopens this one if that fails. */
  private async replaceCamera(constraints: MediaTrackConstraints, patch: Partial<LocalDevices>): Promise<void> {
    const previous = this.current.cameraId;
    this.cameraTrack?.stop();
    this.cameraTrack = null;
    const opened = await this.open1('video', constraints);
    if (!opened) return;
    if ('track' in opened) {
      this.cameraTrack = opened.track;
      this.update({ ...patch, cameraId: deviceIdOf(opened.track), problem: null });
    } else {
      const back = await this.open1('video', videoConstraints(previous, null));
      if (back && 'track' in back) this.cameraTrack = back.track;
      this.failed('camera', opened.problem);
    }
    await this.hooks.tracksChanged();
  }

  /** Opens one device; null when the call closed meanwhile (the track is released at once). */
  private async open1(kind: 'audio' | 'video', constraints: MediaTrackConstraints): Promise<{ track: MediaStreamTrack } | { problem: MediaProblem } | null> {
    const opened = await openTrack(kind, constraints);
    if (this.closed) {
      opened.track?.stop();
      return null;
    }
    return opened.track ? { track: opened.track } : { problem: opened.problem };
  }

  private failed(device: Device, problem: MediaProblem): void {
    this.update({ problem: { device, problem } });
    this.hooks.notice({ kind: 'media_problem', device, problem });
  }

  /** Rebuilds the state from the tracks, with `patch` on top. */
  private update(patch: Partial<LocalDevices>): void {
    const base = { ...this.current, ...patch };
    const previewTrack = this.video;
    const previous = base.preview?.getVideoTracks()[0] ?? null;
    const preview = previewTrack === previous ? base.preview : previewTrack ? new MediaStream([previewTrack]) : null;
    this.current = {
      ...base,
      preview,
      microphone: this.audioTrack !== null && !this.muted,
      camera: this.cameraTrack !== null,
      screen: this.screenTrack !== null,
    };
    this.hooks.changed();
  }
}
