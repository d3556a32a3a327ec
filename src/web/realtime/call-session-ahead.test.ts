import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallEndReason, CallStart, SignallingPort } from './call-types.ts';

// A call session needs a browser (RTCPeerConnection, devices): a stand-in records what is done with it.
const sessions: { options: { onEnded?: (reason: CallEndReason) => void }; opened: unknown; closed: boolean }[] = [];
vi.mock('./call-session.ts', () => ({
  CallSession: class {
    readonly record: (typeof sessions)[number];
    constructor(options: { onEnded?: (reason: CallEndReason) => void }) {
      this.record = { options, opened: null, closed: false };
      sessions.push(this.record);
    }
    open(devices: unknown) {
      this.record.opened = devices;
      return Promise.resolve();
    }
    close() {
      this.record.closed = true;
    }
  },
}));
const { SESSION_AHEAD_TTL_MS, callSessionKey, discardSessionAhead, startSessionAhead, takeSessionAhead } = await import('./call-session-ahead.ts');

const client: SignallingPort = { send: () => true, on: () => () => undefined };
const start = (selfPeerId = 'p1', appointmentId = 'a1'): CallStart => ({ type: 'call_started', appointmentId, selfPeerId, peers: [], iceServers: [] });

describe('a call session started before its view', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    sessions.length = 0;
  });
  afterEach(() => {
    discardSessionAhead();
    vi.useRealTimers();
  });

  it('opens at once with the devices given, and is taken over once by the view of the same call and connection', () => {
    startSessionAhead({ client, start: start(), role: 'citizen' }, { cameraId: 'cam-2', camera: true });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.opened).toEqual({ cameraId: 'cam-2', camera: true });
    // Another connection (a new self id), another appointment or another client: not this session.
    expect(takeSessionAhead(client, start('p2'), () => undefined)).toBeNull();
    expect(takeSessionAhead(client, start('p1', 'a2'), () => undefined)).toBeNull();
    expect(takeSessionAhead({ ...client }, start(), () => undefined)).toBeNull();
    expect(takeSessionAhead(client, start(), () => undefined)).not.toBeNull();
    expect(takeSessionAhead(client, start(), () => undefined)).toBeNull();
    // Taken: the view closes it, not the time limit.
    vi.advanceTimersByTime(SESSION_AHEAD_TTL_MS);
    expect(sessions[0]?.closed).toBe(false);
  });

  it('tells the view how the call ended, also when it ended before the view took it', () => {
    startSessionAhead({ client, start: start(), role: 'agent' });
    sessions[0]?.options.onEnded?.('completed');
    const ended: CallEndReason[] = [];
    takeSessionAhead(client, start(), (reason) => ended.push(reason));
    expect(ended).toEqual(['completed']);
    sessions[0]?.options.onEnded?.('returned_to_waiting');
    expect(ended).toEqual(['completed', 'returned_to_waiting']);
  });

  it('closes a session no view took in time, and the one before when another starts', () => {
    startSessionAhead({ client, start: start('p1'), role: 'agent' });
    startSessionAhead({ client, start: start('p2'), role: 'agent' });
    expect(sessions.map((s) => s.closed)).toEqual([true, false]);
    vi.advanceTimersByTime(SESSION_AHEAD_TTL_MS);
    expect(sessions[1]?.closed).toBe(true);
    expect(takeSessionAhead(client, start('p2'), () => undefined)).toBeNull();
  });

  it('keys a session by appointment and connection', () => {
    expect(callSessionKey(start('p1', 'a1'))).not.toBe(callSessionKey(start('p2', 'a1')));
    expect(callSessionKey(start('p1', 'a1'))).toBe(callSessionKey(start('p1', 'a1')));
  });
});
