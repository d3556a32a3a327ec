/**
 * Shapes the web app exchanges with the API. Views come from the server's zod
 * schemas (type-only imports: nothing of the server reaches the bundle).
 */
import type { IdType } from '../../shared/id-document.ts';
import type { Language } from '../../shared/limits.ts';

import type { ProcedureView } from '../../server/catalogue/catalogue.schema.ts';
import type { CitizenAppointmentView } from '../../server/citizen/citizen.schema.ts';

/** Organisation and procedure views (see the server's catalogue schema). */
export type { OrganisationView, ProcedureView } from '../../server/catalogue/catalogue.schema.ts';
/** Availability and booking confirmation views (see the server's booking schema). */
export type { AvailabilityView, BookingConfirmation, SlotView } from '../../server/booking/booking.schema.ts';
/** The appointment as its citizen sees it (see the server's citizen schema). */
export type { CitizenAppointmentView } from '../../server/citizen/citizen.schema.ts';

/** One required document of a procedure. */
export type RequiredDocument = ProcedureView['requiredDocuments'][number];

/** A free time offered instead of one that was just taken (`details.alternatives`). */
export interface Alternative {
  startsAt: string;
  localTime: string;
  capacity: number;
  /** Local date, YYYY-MM-DD. */
  date: string;
}

/** A chosen appointment time: the UTC instant plus its local date and time for display. */
export interface ChosenSlot {
  startsAt: string;
  localTime: string;
  date: string;
}

/** An ALTCHA v2 challenge as the server issues it. */
export interface CaptchaChallenge {
  parameters: Record<string, unknown>;
  signature?: string;
}

/** The challenge sent back together with its proof of work. */
export interface CaptchaPayload {
  challenge: CaptchaChallenge;
  solution: { counter: number; derivedKey: string };
}

/** Body of `POST /api/public/appointments`. */
export interface BookingRequestBody {
  procedureId: string;
  startsAt: string;
  channel: 'video';
  citizen: {
    name: string;
    surnames: string;
    idType: IdType;
    idNumber: string;
    email: string;
    phone: string;
    language: Language;
    needs: { signLanguage: boolean; languageInterpreter: string | null; other: string | null };
  };
  captcha: CaptchaPayload;
}

/** What `POST /api/citizen/session` and `GET /api/citizen/appointment` answer. */
export interface CitizenSession {
  csrfToken: string;
  appointment: CitizenAppointmentView;
}

/** One issue of a `validation_failed` error. */
export interface ValidationIssue {
  path: string;
  code: string;
}
