/**
 * The booking journey's answers, kept in sessionStorage so a reload does not
 * lose them. One journey at a time: choosing another procedure starts afresh.
 */
import type { IdType } from '../../../shared/id-document.ts';
import type { Language } from '../../../shared/limits.ts';
import type { Alternative, BookingConfirmation, ChosenSlot } from '../../api/types.ts';
import { readStored, useStoredState, writeStored } from '../../hooks/use-stored-state.ts';

/** What the citizen typed on "Your details". */
export interface DetailsAnswers {
  name: string;
  surnames: string;
  idType: IdType | '';
  idNumber: string;
  email: string;
  phone: string;
  language: Language | '';
  signLanguage: boolean;
  needsInterpreter: boolean;
  interpreterLanguage: string;
  hasOtherNeeds: boolean;
  otherNeeds: string;
}

/** All answers of the journey so far. */
export interface BookingAnswers {
  procedureId: string | null;
  date: string | null;
  slot: ChosenSlot | null;
  details: DetailsAnswers | null;
  /** Free times offered after the chosen one was taken. */
  alternatives: Alternative[] | null;
}

const KEY = 'booking';
const CONFIRMATION_KEY = 'booking-confirmation';

/** A journey with nothing answered. */
export const EMPTY_BOOKING: BookingAnswers = {
  procedureId: null,
  date: null,
  slot: null,
  details: null,
  alternatives: null,
};

/** Empty details, with the appointment language defaulting to the UI language. */
export function emptyDetails(language: Language): DetailsAnswers {
  return {
    name: '',
    surnames: '',
    idType: '',
    idNumber: '',
    email: '',
    phone: '',
    language,
    signLanguage: false,
    needsInterpreter: false,
    interpreterLanguage: '',
    hasOtherNeeds: false,
    otherNeeds: '',
  };
}

/** The answers and a function merging changes into them. */
export function useBooking(): [BookingAnswers, (patch: Partial<BookingAnswers>) => void] {
  const [answers, setAnswers] = useStoredState<BookingAnswers>(KEY, EMPTY_BOOKING);
  const update = (patch: Partial<BookingAnswers>) => setAnswers((previous) => ({ ...previous, ...patch }));
  return [answers, update];
}

/** Ends the journey: keeps the confirmation for the last page and forgets the answers. */
export function finishBooking(confirmation: BookingConfirmation): void {
  writeStored(CONFIRMATION_KEY, confirmation);
  writeStored(KEY, null);
}

/** The confirmation of the last booking made in this tab, if any. */
export function lastConfirmation(): BookingConfirmation | null {
  return readStored<BookingConfirmation | null>(CONFIRMATION_KEY, null);
}
