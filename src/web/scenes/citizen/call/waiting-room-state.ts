/**
 * What the waiting room shows, as a pure function of the server's messages
 * (so it is tested without a browser): not open yet, waiting (and whether
 * the agent knows), in the call, or over; plus the agent's latest quick
 * message.
 */
import type { QuickMessage } from '../../../../shared/signalling.ts';
import type { ServerMessageOf } from '../../../realtime/signalling-client.ts';

/** The call's end reasons the server gives. */
export type EndReason = ServerMessageOf<'call_ended'>['reason'];

/** Where the citizen is. */
export type WaitingPhase =
  | { phase: 'connecting' }
  | { phase: 'not_open'; opensAt: string }
  | { phase: 'waiting'; agentKnows: boolean; returned: boolean }
  | { phase: 'in_call'; start: ServerMessageOf<'call_started'> }
  | { phase: 'ended'; reason: EndReason }
  /** The server refused the citizen's entry; `id` is its stable error id (the page words it). */
  | { phase: 'refused'; id: string };

/** The whole view. */
export interface WaitingView {
  status: WaitingPhase;
  /** The agent's latest quick message, if any. */
  message: QuickMessage | null;
}

/** Error ids that mean the citizen cannot enter at all (whatever message they answer). */
const JOIN_REFUSALS: readonly string[] = ['appointment_over', 'appointment_closed'];

/** The view before the server has said anything. */
export const INITIAL_VIEW: WaitingView = { status: { phase: 'connecting' }, message: null };

/** Messages the waiting room reacts to. */
export type WaitingRoomMessage =
  | ServerMessageOf<'waiting_status'>
  | ServerMessageOf<'call_started'>
  | ServerMessageOf<'returned_to_waiting'>
  | ServerMessageOf<'call_ended'>
  | ServerMessageOf<'error'>;

/** The view after `message`, at server time `nowMs`. */
export function nextView(view: WaitingView, message: WaitingRoomMessage, nowMs: number): WaitingView {
  const { status } = view;
  // Once over, the page stays over: a late status must not bring back the waiting room.
  if (status.phase === 'ended') return view;
  switch (message.type) {
    case 'waiting_status': {
      const next = { ...view, message: message.message };
      if (message.opensAt && Date.parse(message.opensAt) > nowMs) return { ...next, status: { phase: 'not_open', opensAt: message.opensAt } };
      if (status.phase === 'in_call') return next;
      if (message.presence === 'waiting') {
        const returned = status.phase === 'waiting' && status.returned;
        return { ...next, status: { phase: 'waiting', agentKnows: message.agentKnows, returned } };
      }
      // The room has opened but the citizen is not in it yet (the page is re-joining).
      if (status.phase === 'not_open') return { ...next, status: { phase: 'connecting' } };
      return next;
    }
    case 'call_started':
      return { ...view, status: { phase: 'in_call', start: message } };
    case 'returned_to_waiting':
      return { ...view, status: { phase: 'waiting', agentKnows: true, returned: true } };
    case 'call_ended':
      return { ...view, status: { phase: 'ended', reason: message.reason } };
    case 'error':
      // Only a refusal to join matters here; errors about other messages leave the room as it is.
      // "Not open yet" comes with a `waiting_status` carrying `opensAt`, which already shows the countdown.
      if (message.id === 'waiting_room_not_open') return view;
      if (message.replyTo === 'join_waiting_room' || JOIN_REFUSALS.includes(message.id)) return { ...view, status: { phase: 'refused', id: message.id } };
      return view;
  }
}
