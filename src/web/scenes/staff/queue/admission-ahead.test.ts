import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../../../shared/signalling.ts';
import type { SignallingClient } from '../../../realtime/signalling-client.ts';

// The session itself needs a browser (RTCPeerConnection, devices): here only whether and when one is started.
const started: unknown[] = [];
const discarded: number[] = [];
vi.mock('../../../realtime/call-session-ahead.ts', () => ({
  startSessionAhead: (options: { start: unknown }) => started.push(options.start),
  discardSessionAhead: () => discarded.push(1),
}));
const { ADMISSION_TTL_MS, admitAhead, takeAdmission } = await import('./admission-ahead.ts');

/** A signalling client that records what is sent and lets the test deliver server messages. */
function fakeClient(state: 'open' | 'connecting' = 'open') {
  const handlers = new Map<string, Set<(m: ServerMessage) => void>>();
  const sent: unknown[] = [];
  const client = {
    state,
    send: (message: unknown) => {
      sent.push(message);
      return true;
    },
    on: (type: string, handler: (m: ServerMessage) => void) => {
      const set = handlers.get(type) ?? new Set();
      set.add(handler);
      handlers.set(type, set);
      return () => set.delete(handler);
    },
  };
  const deliver = (message: ServerMessage) => {
    for (const handler of [...(handlers.get(message.type) ?? [])]) handler(message);
  };
  const listening = (type: string) => handlers.get(type)?.size ?? 0;
  return { client: client as unknown as SignallingClient, sent, deliver, listening };
}

const callStarted = (appointmentId: string): ServerMessage => ({ type: 'call_started', appointmentId, selfPeerId: 'p-agent', peers: [{ peerId: 'p-citizen', role: 'citizen' }], iceServers: [] });

describe('admitting from the queue’s click', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    started.length = 0;
    discarded.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('sends admit at once and starts the call’s session as soon as the call starts, before the page takes it over', () => {
    const { client, sent, deliver } = fakeClient();
    expect(admitAhead(client, 'a1')).toBe(true);
    expect(sent).toEqual([{ type: 'admit', appointmentId: 'a1' }]);
    deliver(callStarted('other'));
    expect(started).toEqual([]);
    deliver(callStarted('a1'));
    expect(started).toHaveLength(1);
    const admission = takeAdmission(client, 'a1');
    expect(admission?.started).toMatchObject({ type: 'call_started', appointmentId: 'a1' });
    // Taken once.
    expect(takeAdmission(client, 'a1')).toBeNull();
  });

  it('still starts the session when the page took the admission before the call started', () => {
    const { client, deliver, listening } = fakeClient();
    admitAhead(client, 'a1');
    const admission = takeAdmission(client, 'a1');
    expect(admission?.started).toBeNull();
    deliver(callStarted('a1'));
    expect(started).toHaveLength(1);
    // One call, one session: a later call_started (the socket came back) is the page's business.
    deliver(callStarted('a1'));
    expect(started).toHaveLength(1);
    expect(listening('call_started')).toBe(0);
  });

  it('hands over a refusal of the admit, and starts nothing', () => {
    const { client, deliver } = fakeClient();
    admitAhead(client, 'a1');
    deliver({ type: 'error', id: 'e1', message: 'Aquesta cita no és vostra.', replyTo: 'admit' });
    expect(takeAdmission(client, 'a1')?.refused?.message).toBe('Aquesta cita no és vostra.');
    expect(started).toEqual([]);
  });

  it('is for one appointment on one connection; a closed socket admits nothing', () => {
    const { client } = fakeClient();
    admitAhead(client, 'a1');
    expect(takeAdmission(client, 'a2')).toBeNull();
    expect(takeAdmission(fakeClient().client, 'a1')).toBeNull();
    const closed = fakeClient('connecting');
    expect(admitAhead(closed.client, 'a3')).toBe(false);
    expect(closed.sent).toEqual([]);
  });

  it('is forgotten when no page takes it in time, and a page that leaves closes a session it did not show', () => {
    const { client, listening } = fakeClient();
    admitAhead(client, 'a1');
    vi.advanceTimersByTime(ADMISSION_TTL_MS);
    expect(takeAdmission(client, 'a1')).toBeNull();
    expect(listening('call_started')).toBe(0);
    expect(discarded.length).toBeGreaterThan(0);

    discarded.length = 0;
    admitAhead(client, 'a4');
    takeAdmission(client, 'a4')?.stop();
    expect(listening('call_started')).toBe(0);
    expect(discarded).toHaveLength(1);
  });
});
