import { z } from 'zod';
import { citizenInput } from '../booking/booking.schema.ts';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date');

/** `GET /api/staff/agenda`. */
export const agendaQuery = z
  .object({ from: localDate, to: localDate, agentId: z.string().max(64).optional(), officeId: z.string().max(64).optional() })
  .refine((q) => q.from <= q.to, { message: 'from_after_to', path: ['to'] });

const needs = z.object({ signLanguage: z.boolean(), languageInterpreter: z.string().nullable(), other: z.string().nullable() });

/** One line of the agenda. */
export const agendaItem = z.object({
  id: z.string(),
  reference: z.string(),
  status: z.string(),
  channel: z.enum(['video', 'in_person']),
  startsAt: z.string(),
  endsAt: z.string(),
  procedure: z.object({ id: z.string(), name: z.string() }),
  agent: z.object({ id: z.string(), displayName: z.string() }),
  citizen: z.object({ name: z.string(), surnames: z.string(), language: z.string() }),
  needs,
});
export type AgendaItem = z.infer<typeof agendaItem>;

export const agendaView = z.object({
  timeZone: z.string(),
  /** The offices this viewer may look at (their own; every office for an administrator). */
  offices: z.array(z.object({ id: z.string(), name: z.string() })),
  agents: z.array(z.object({ id: z.string(), displayName: z.string() })),
  appointments: z.array(agendaItem),
});

/** The appointment as staff see it, with its history and what this viewer may do. */
export const staffAppointmentView = z.object({
  appointment: agendaItem.extend({
    citizen: z.object({
      name: z.string(),
      surnames: z.string(),
      idType: z.string(),
      idNumber: z.string(),
      email: z.string(),
      phone: z.string(),
      language: z.string(),
    }),
    uploadDeadline: z.string(),
    createdAt: z.string(),
  }),
  history: z.array(
    z.object({
      type: z.string(),
      actor: z.string(),
      /** A staff actor's display name; null for the citizen, the system or a machine. */
      actorName: z.string().nullable(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
  /** Agents it can be given to (empty unless this viewer may reassign it). */
  agents: z.array(z.object({ id: z.string(), displayName: z.string() })),
  canOfferVideo: z.boolean(),
  canReassign: z.boolean(),
  canCancel: z.boolean(),
});
export type StaffAppointmentView = z.infer<typeof staffAppointmentView>;

export const appointmentParams = z.object({ id: z.string().min(1).max(64) });

/** `POST /api/staff/appointments`: a booking on behalf of a citizen (phone or desk). */
export const staffBookingRequest = z.object({
  procedureId: z.string().min(1).max(64),
  startsAt: z.iso.datetime({ offset: true }),
  channel: z.enum(['video', 'in_person']),
  citizen: citizenInput,
});

export const reassignRequest = z.object({ agentId: z.string().min(1).max(64) });
