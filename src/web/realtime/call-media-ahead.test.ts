import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AHEAD_TTL_MS, discardCallMediaAhead, keepCallMediaReady, openCallMediaAhead, stopKeepingCallMediaReady, takeCallMediaAhead } from './call-media-ahead.ts';

/** A fake track that records being stopped. */
function track(kind: 'audio' | 'video') {
  return { kind, stopped: false, stop() { this.stopped = true; } };
}

describe('media opened ahead of a call', () => {
  let opened: { constraints: MediaStreamConstraints; tracks: ReturnType<typeof track>[] }[];

  beforeEach(() => {
    vi.useFakeTimers();
    opened = [];
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getUserMedia: (constraints: MediaStreamConstraints) => {
          const tracks = [track('audio'), track('video')];
          opened.push({ constraints, tracks });
          return Promise.resolve({ getAudioTracks: () => [tracks[0]], getVideoTracks: () => [tracks[1]] });
        },
      },
    });
  });

  afterEach(() => {
    discardCallMediaAhead();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('opens the default microphone and camera at once, for one call to take', async () => {
    expect(takeCallMediaAhead()).toBeNull();
    openCallMediaAhead();
    expect(opened).toHaveLength(1);
    expect(opened[0]?.constraints).toMatchObject({ audio: { echoCancellation: true }, video: { facingMode: { ideal: 'user' } } });
    const taken = await takeCallMediaAhead();
    expect(taken?.audio).toBe(opened[0]?.tracks[0]);
    expect(taken?.video).toBe(opened[0]?.tracks[1]);
    expect(takeCallMediaAhead()).toBeNull();
    // Taken by a call, it is the call's: the time limit no longer applies.
    await vi.advanceTimersByTimeAsync(AHEAD_TTL_MS);
    expect(opened[0]?.tracks.every((t) => !t.stopped)).toBe(true);
  });

  it('releases what no call took; a second click opens nothing more and restarts the time limit', async () => {
    openCallMediaAhead();
    await vi.advanceTimersByTimeAsync(AHEAD_TTL_MS - 1000);
    openCallMediaAhead();
    expect(opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(AHEAD_TTL_MS - 1000);
    expect(opened[0]?.tracks.some((t) => t.stopped)).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(opened[0]?.tracks.every((t) => t.stopped)).toBe(true);
    expect(takeCallMediaAhead()).toBeNull();
  });

  it('keeps the devices ready while a citizen waits, hands them to the admit click, and releases them when nobody waits', async () => {
    const ready = await keepCallMediaReady();
    expect(ready.video).toBe(opened[0]?.tracks[1]);
    // Kept ready: no time limit, and asking again opens nothing more.
    await vi.advanceTimersByTimeAsync(10 * AHEAD_TTL_MS);
    expect(opened[0]?.tracks.some((t) => t.stopped)).toBe(false);
    expect(await keepCallMediaReady()).toBe(ready);
    // The click takes over what is ready: the call gets the same tracks.
    openCallMediaAhead();
    expect(opened).toHaveLength(1);
    expect(await takeCallMediaAhead()).toBe(ready);
    // Nobody waits any more: what is kept goes after the time limit, unless a call took it.
    await keepCallMediaReady();
    expect(opened).toHaveLength(2);
    stopKeepingCallMediaReady();
    await vi.advanceTimersByTimeAsync(AHEAD_TTL_MS - 1);
    expect(opened[1]?.tracks.some((t) => t.stopped)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(opened[1]?.tracks.every((t) => t.stopped)).toBe(true);
    expect(opened[0]?.tracks.some((t) => t.stopped)).toBe(false);
  });

  it('keeps the devices a citizen chose ready, for a call with those devices only', async () => {
    const chosen = { microphoneId: 'mic-2', cameraId: 'cam-back' };
    await keepCallMediaReady(chosen);
    expect(opened[0]?.constraints).toMatchObject({ audio: { deviceId: { exact: 'mic-2' } }, video: { deviceId: { exact: 'cam-back' } } });
    // A call with the defaults does not get them (nor does it stop them); one with the same devices does.
    expect(takeCallMediaAhead()).toBeNull();
    expect(opened[0]?.tracks.some((t) => t.stopped)).toBe(false);
    expect((await takeCallMediaAhead({ ...chosen }))?.video).toBe(opened[0]?.tracks[1]);
    // Other devices chosen meanwhile replace what was kept.
    await keepCallMediaReady(chosen);
    await keepCallMediaReady({ microphoneId: null, cameraId: 'cam-front' });
    await vi.advanceTimersByTimeAsync(0);
    expect(opened).toHaveLength(3);
    expect(opened[1]?.tracks.every((t) => t.stopped)).toBe(true);
    expect(opened[2]?.tracks.some((t) => t.stopped)).toBe(false);
  });
});
