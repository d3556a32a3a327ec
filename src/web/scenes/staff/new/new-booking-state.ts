/**
 * The answers of "New appointment" (booking on behalf of a citizen), kept in
 * sessionStorage so a reload does not lose them. Separate from the citizen
 * journey's storage: the same browser may be used for both.
 */
import type { Alternative, ChosenSlot } from '../../../api/types.ts';
import type { Channel, StaffBookingResult } from '../../../api/staff-api.ts';
import { readStored, useStoredState, writeStored } from '../../../hooks/use-stored-state.ts';
import type { DetailsAnswers } from '../../citizen/booking-state.ts';

/** All answers so far. */
export interface StaffBookingAnswers {
  procedureId: string | null;
  channel: Channel | null;
  date: string | null;
  slot: ChosenSlot | null;
  details: DetailsAnswers | null;
  /** Free times the server offered after the chosen one was taken. */
  alternatives: Alternative[] | null;
}

/** The confirmation of the last appointment created, for the last page. */
export interface StaffBookingDone extends StaffBookingResult {
  procedureName: string;
  startsAt: string;
  channel: Channel;
  citizenName: string;
  email: string;
}

const KEY = 'staff-booking';
const DONE_KEY = 'staff-booking-done';

/** Nothing answered yet. */
export const EMPTY_STAFF_BOOKING: StaffBookingAnswers = {
  procedureId: null,
  channel: null,
  date: null,
  slot: null,
  details: null,
  alternatives: null,
};

/** Where the journey's pages live. */
export const NEW_BASE = '/staff/appointments/new';

/** The answers and a function merging changes into them. */
export function useStaffBooking(): [StaffBookingAnswers, (patch: Partial<StaffBookingAnswers>) => void] {
  const [answers, setAnswers] = useStoredState<StaffBookingAnswers>(KEY, EMPTY_STAFF_BOOKING);
  const update = (patch: Partial<StaffBookingAnswers>) => setAnswers((previous) => ({ ...previous, ...patch }));
  return [answers, update];
}

/** Ends the journey: keeps the confirmation for the last page and forgets the answers. */
export function finishStaffBooking(done: StaffBookingDone): void {
  writeStored(DONE_KEY, done);
  writeStored(KEY, null);
}

/** The last appointment created in this tab, if any. */
export function lastStaffBooking(): StaffBookingDone | null {
  return readStored<StaffBookingDone | null>(DONE_KEY, null);
}
