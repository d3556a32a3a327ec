import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalTracks } from './call-local.ts';
import { discardCallMediaAhead, openCallMediaAhead } from './call-media-ahead.ts';

/** A fake track: its kind, the device it came from, and whether it was stopped. */
function track(kind: 'audio' | 'video', deviceId: string) {
  return { kind, enabled: true, stopped: false, stop() { this.stopped = true; }, getSettings: () => ({ deviceId }) };
}

describe('the devices a call opens, from the device check', () => {
  let asked: MediaStreamConstraints[];
  let opened: ReturnType<typeof track>[];

  beforeEach(() => {
    asked = [];
    opened = [];
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getUserMedia: (constraints: MediaStreamConstraints) => {
          asked.push(constraints);
          const tracks = [...(constraints.audio ? [track('audio', 'mic-1')] : []), ...(constraints.video ? [track('video', 'cam-1')] : [])];
          opened.push(...tracks);
          return Promise.resolve({
            getTracks: () => tracks,
            getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
            getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
          });
        },
      },
    });
    // The preview of the camera is a stream of its track.
    vi.stubGlobal(
      'MediaStream',
      class {
        constructor(readonly tracks: { kind: string }[] = []) {}
        getVideoTracks() {
          return this.tracks.filter((t) => t.kind === 'video');
        }
      },
    );
  });

  afterEach(() => {
    discardCallMediaAhead();
    vi.unstubAllGlobals();
  });

  const tracks = () => new LocalTracks({ tracksChanged: async () => {}, changed: () => {}, notice: () => {}, videoWanted: () => {} });

  it('opens microphone and camera by default, and plays the other side on the speaker chosen', async () => {
    const local = tracks();
    await local.open({ speakerId: 'spk-2' });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.video).toBeTruthy();
    expect(local.video).not.toBeNull();
    expect(local.state.speakerId).toBe('spk-2');
  });

  it('opens only the microphone when the person chose voice only, and releases what was opened ahead', async () => {
    openCallMediaAhead();
    const ahead = [...opened];
    const local = tracks();
    await local.open({ camera: false });
    expect(asked.at(-1)?.video).toBeFalsy();
    expect(local.audio).not.toBeNull();
    expect(local.video).toBeNull();
    expect(local.state.camera).toBe(false);
    await vi.waitFor(() => expect(ahead.every((t) => t.stopped)).toBe(true));
  });
});
