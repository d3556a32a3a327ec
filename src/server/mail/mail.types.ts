import type { Language } from '../../shared/limits.ts';

/** The reminders: documents still missing, the day before, the waiting room is open. */
export type ReminderMailKind = 'reminder_documents' | 'reminder_day_before' | 'reminder_join_now';

/** Which appointment message to render. */
export type AppointmentMailKind =
  | 'booking_confirmation'
  | 'appointment_changed'
  | 'appointment_cancelled'
  | ReminderMailKind
  | 'document_rejected'
  | 'appointment_desisted';

/**
 * Everything needed to render one appointment email, already resolved and
 * localised by the caller. Pure data: rendering does no I/O.
 */
export interface AppointmentMailData {
  kind: AppointmentMailKind;
  language: Language;
  organisation: { name: string; slug: string; dir3: string; timeZone: string };
  appointment: {
    id: string;
    reference: string;
    startsAt: Date;
    endsAt: Date;
    uploadDeadline: Date;
    /** Until when the citizen may cancel or change it. */
    changeDeadline: Date;
    /** RFC 5545 SEQUENCE: bumped on every change so calendars update the same event (same UID). */
    icsSequence: number;
  };
  procedure: {
    name: string;
    requiredDocuments: { name: string; description: string; mandatory: boolean }[];
  };
  citizen: { name: string; surnames: string; email: string };
  /** Organisation's base URL, e.g. `https://finestreta.rubi.cat` or `http://host/o/rubi`. */
  baseUrl: string;
  /**
   * Only in the booking confirmation: freshly issued credentials. The token
   * and the password exist in plaintext only here; the database keeps hashes.
   */
  credentials?: { token: string; password: string };
  /** Only in the documents reminder: the mandatory documents not provided yet. */
  missingDocuments?: { name: string; description: string }[];
  /** Only when the office rejected documents: each one still rejected, with the office's reason. */
  rejectedDocuments?: { name: string; fileName: string; reason: string }[];
  /** The organisation's own paragraph for every appointment email in this language (set in the administration console). */
  organisationNote?: string;
}
