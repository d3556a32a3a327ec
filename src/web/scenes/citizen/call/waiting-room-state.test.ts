/** The waiting room's view as the server's messages arrive. */
import { describe, expect, it } from 'vitest';
import type { ServerMessageOf } from '../../../realtime/signalling-client.ts';
import { INITIAL_VIEW, nextView, type WaitingView } from './waiting-room-state.ts';

const NOW = Date.parse('2030-03-04T09:00:00Z');

function status(over: Partial<ServerMessageOf<'waiting_status'>> = {}): ServerMessageOf<'waiting_status'> {
  return { type: 'waiting_status', presence: 'waiting', agentKnows: false, message: null, opensAt: null, ...over };
}

const started: ServerMessageOf<'call_started'> = {
  type: 'call_started',
  appointmentId: 'a1',
  selfPeerId: 'p1',
  peers: [{ peerId: 'p2', role: 'agent' }],
  iceServers: [],
};

function run(...messages: Parameters<typeof nextView>[1][]): WaitingView {
  return messages.reduce((view, m) => nextView(view, m, NOW), INITIAL_VIEW);
}

describe('waiting room view', () => {
  it('shows the countdown while the room is not open, then waits', () => {
    expect(run(status({ presence: 'not_arrived', opensAt: '2030-03-04T09:15:00Z' })).status).toEqual({
      phase: 'not_open',
      opensAt: '2030-03-04T09:15:00Z',
    });
    // An opening time already past (clock skew) is not a countdown.
    expect(run(status({ opensAt: '2030-03-04T08:59:00Z' })).status).toEqual({ phase: 'waiting', agentKnows: false, returned: false });
    expect(run(status({ presence: 'not_arrived', opensAt: '2030-03-04T09:15:00Z' }), status({ presence: 'not_arrived' })).status).toEqual({
      phase: 'connecting',
    });
  });

  it('says when the agent knows, and keeps the latest quick message', () => {
    const view = run(status(), status({ agentKnows: true, message: { template: 'running_late', minutes: 5 } }));
    expect(view.status).toEqual({ phase: 'waiting', agentKnows: true, returned: false });
    expect(view.message).toEqual({ template: 'running_late', minutes: 5 });
    expect(nextView(view, status({ agentKnows: true, message: null }), NOW).message).toBeNull();
  });

  it('goes into the call, back to waiting, and ends for good', () => {
    const inCall = run(status(), started);
    expect(inCall.status).toEqual({ phase: 'in_call', start: started });
    // A status while in the call does not throw the citizen out of it.
    expect(nextView(inCall, status({ agentKnows: true }), NOW).status.phase).toBe('in_call');
    const back = nextView(inCall, { type: 'returned_to_waiting', appointmentId: 'a1' }, NOW);
    expect(back.status).toEqual({ phase: 'waiting', agentKnows: true, returned: true });
    expect(nextView(back, status({ agentKnows: true }), NOW).status).toEqual({ phase: 'waiting', agentKnows: true, returned: true });
    const ended = nextView(back, { type: 'call_ended', appointmentId: 'a1', reason: 'completed' }, NOW);
    expect(ended.status).toEqual({ phase: 'ended', reason: 'completed' });
    expect(nextView(ended, status(), NOW)).toBe(ended);
    expect(nextView(ended, started, NOW)).toBe(ended);
  });

  it('shows a refusal to join, and ignores errors about other messages', () => {
    const refused = run({ type: 'error', id: 'appointment_over', message: 'The time of this appointment is over.', replyTo: 'join_waiting_room' });
    expect(refused.status).toEqual({ phase: 'refused', id: 'appointment_over' });
    expect(run({ type: 'error', id: 'appointment_closed', message: 'Closed' }).status).toEqual({ phase: 'refused', id: 'appointment_closed' });
    expect(run(status(), { type: 'error', id: 'invalid_message', message: 'x', replyTo: 'ping' }).status.phase).toBe('waiting');
    // Not open yet: the countdown from the status stays.
    const early = run(status({ presence: 'not_arrived', opensAt: '2030-03-04T09:15:00Z' }), {
      type: 'error',
      id: 'waiting_room_not_open',
      message: 'The waiting room is not open yet.',
      replyTo: 'join_waiting_room',
    });
    expect(early.status.phase).toBe('not_open');
  });
});
