import { AppError } from '../http/errors.ts';
import { translate } from '../i18n/translate.ts';

/**
 * Refusals particular to the real-time channel. They travel as `error`
 * messages on a socket that stays open; the browser shows its own text for
 * each `id` (the call scenes' catalog), so `message` is a plain English
 * explanation for developers and logs.
 */
const MESSAGES = {
  invalid_message: 'The message is not valid JSON or not one of the protocol’s messages.',
  not_greeted: 'Say hello first.',
  already_greeted: 'This socket has already said hello.',
  wrong_role: 'This message is for the other side of the call.',
  waiting_room_not_open: 'The waiting room is not open yet.',
  appointment_over: 'The time of this appointment is over.',
  citizen_not_waiting: 'The citizen is not in the waiting room.',
  citizen_present: 'The citizen is in the waiting room or in the call.',
  too_early: 'The appointment has not started yet.',
  not_in_call: 'This socket is not in that call.',
  unknown_peer: 'There is no such peer in this call.',
  call_taken_elsewhere: 'The call continues in another window.',
} as const;

/** A real-time refusal's stable id. */
export type RealtimeErrorId = keyof typeof MESSAGES;

/** A refusal of one message; the socket stays open. */
export class RealtimeError extends Error {
  constructor(public readonly id: RealtimeErrorId) {
    super(MESSAGES[id]);
    this.name = 'RealtimeError';
  }
}

/**
 * The `error` message for something a handler threw: the channel's own
 * refusals, the application's errors (translated like HTTP answers), or a
 * generic internal error — never internals.
 */
export function errorMessage(error: unknown, lang: string, replyTo: string | undefined) {
  const base = { type: 'error' as const, ...(replyTo ? { replyTo } : {}) };
  if (error instanceof RealtimeError) return { ...base, id: error.id, message: error.message };
  if (error instanceof AppError) return { ...base, id: error.id, message: translate(lang, `errors.${error.id}`, { ...error.details, ...error.messageValues }) };
  return { ...base, id: 'internal_error', message: translate(lang, 'errors.internal_error') };
}
