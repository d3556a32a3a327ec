import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AHEAD_TTL_MS, discardCallMediaAhead, openCallMediaAhead, takeCallMediaAhead } from './call-media-ahead.ts';

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

  it('releases what no call took, and what a second click replaced', async () => {
    openCallMediaAhead();
    openCallMediaAhead();
    await vi.advanceTimersByTimeAsync(0);
    expect(opened[0]?.tracks.every((t) => t.stopped)).toBe(true);
    expect(opened[1]?.tracks.some((t) => t.stopped)).toBe(false);
    await vi.advanceTimersByTimeAsync(AHEAD_TTL_MS);
    expect(opened[1]?.tracks.every((t) => t.stopped)).toBe(true);
    expect(takeCallMediaAhead()).toBeNull();
  });
});
