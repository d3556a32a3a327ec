import { z } from 'zod';
import { requiredDocumentView } from '../catalogue/catalogue.schema.ts';

/** `POST /api/citizen/session`: the personal link's token plus the emailed password. */
export const loginRequest = z.object({
  token: z.string().min(10).max(200),
  password: z.string().min(1).max(200),
});

/** The appointment as its citizen sees it. */
export const citizenAppointmentView = z.object({
  reference: z.string(),
  status: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  uploadDeadline: z.string(),
  /** When the video call's waiting room opens (UTC instant): the organisation's minutes before the start. */
  waitingRoomOpensAt: z.string(),
  /** Until when the citizen may still cancel or change it (UTC instant). */
  changeDeadline: z.string(),
  canChange: z.boolean(),
  /** The registry entry made at the end of the procedure, once its sealed receipt can be downloaded. */
  receipt: z.object({ number: z.string(), registeredAt: z.string() }).nullable(),
  procedure: z.object({
    id: z.string(),
    name: z.string(),
    requiredDocuments: z.array(requiredDocumentView),
  }),
  citizen: z.object({
    name: z.string(),
    surnames: z.string(),
    email: z.string(),
    phone: z.string(),
    language: z.string(),
    needs: z.object({
      signLanguage: z.boolean(),
      languageInterpreter: z.string().nullable(),
      other: z.string().nullable(),
    }),
  }),
});
export type CitizenAppointmentView = z.infer<typeof citizenAppointmentView>;

export const sessionView = z.object({ csrfToken: z.string(), appointment: citizenAppointmentView });

/** `POST /api/citizen/appointment/reschedule`. */
export const rescheduleRequest = z.object({ startsAt: z.iso.datetime({ offset: true }) });
