import { z } from 'zod';
import type { AppointmentStatus } from '../db/schema.ts';
import { errorEnvelope } from '../http/envelope.ts';
import { availabilityQuery, availabilityView, citizenInput } from '../booking/booking.schema.ts';
import { langQuery, procedureView } from '../catalogue/catalogue.schema.ts';

/**
 * Schemas of the integration API v1: the single source of its validation,
 * its TypeScript types and its OpenAPI document. Schemas registered in
 * `apiSchemas` become named components (`#/components/schemas/<id>`).
 */
export const apiSchemas = z.registry<{ id?: string; description?: string }>();

/**
 * Gives a schema a description in the document. (Not zod's `describe`: that
 * writes zod's global registry, which the document does not read.)
 */
export function documented<T extends z.ZodType>(schema: T, description: string): T {
  apiSchemas.add(schema, { description });
  return schema;
}

const STATUSES = {
  booked: true,
  documents_pending: true,
  ready: true,
  waiting: true,
  in_call: true,
  completed: true,
  not_conclusive: true,
  desisted: true,
  cancelled: true,
} satisfies Record<AppointmentStatus, true>;
const appointmentStatuses = Object.keys(STATUSES) as [AppointmentStatus, ...AppointmentStatus[]];

const instant = (what: string) => documented(z.string(), `${what}: UTC instant, ISO 8601 (e.g. 2026-03-03T08:00:00.000Z).`);

/** An appointment as machines see it: no identity document, phone, needs, tokens or hashes. */
export const apiAppointment = z.object({
  id: documented(z.string(), 'Stable identifier (UUID).'),
  reference: documented(z.string(), 'Short reference the citizen reads over the phone, e.g. V-7K3M9P.'),
  status: z.enum(appointmentStatuses),
  procedureId: z.string(),
  startsAt: instant('Start'),
  endsAt: instant('End'),
  channel: z.enum(['video', 'in_person']),
  citizen: z.object({
    name: z.string(),
    surnames: z.string(),
    email: z.string(),
    language: documented(z.string(), 'Language of the citizen’s emails: ca, es or en.'),
  }),
  createdAt: instant('Creation'),
  updatedAt: instant('Last change'),
});
apiSchemas.add(apiAppointment, { id: 'Appointment', description: 'An appointment.' });
/** The machine view of an appointment. */
export type ApiAppointment = z.infer<typeof apiAppointment>;

/** The error envelope every non-2xx answer carries. */
export const apiError = errorEnvelope;
apiSchemas.add(apiError, {
  id: 'Error',
  description: 'Every error: a stable `id` to match on, a `message` in the request’s language, the request id for support, and details when useful (e.g. `issues` with field paths).',
});

/** The documented error answers of a route, by status: all of them the error envelope. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 422 | 429)[]): Record<number, typeof apiError> {
  return Object.fromEntries(statuses.map((s) => [s, apiError]));
}

/** A procedure of the catalogue. */
export const apiProcedure = procedureView;
apiSchemas.add(apiProcedure, { id: 'Procedure', description: 'A bookable procedure, in the request’s language.' });

/** `GET /api/v1/procedures`. */
export const procedureListQuery = langQuery;

/** `GET /api/v1/procedures/:id/slots?from&to`: local dates (organisation’s zone), inclusive. */
export const slotsQuery = availabilityQuery;
/** Free slots per local day. */
export const apiSlots = availabilityView;
apiSchemas.add(apiSlots, { id: 'Slots', description: 'Free video slots per local day; `capacity` is how many more appointments fit.' });

/** Path parameter of one resource. */
export const idParams = z.object({ id: z.string().min(1).max(64) });

/** `POST /api/v1/appointments`. */
export const createAppointmentRequest = z.object({
  procedureId: z.string().min(1).max(64),
  startsAt: documented(z.iso.datetime({ offset: true }), 'One of the `startsAt` values offered by the slots endpoint.'),
  channel: z.literal('video').default('video'),
  citizen: citizenInput,
});
apiSchemas.add(createAppointmentRequest, { id: 'NewAppointment', description: 'A video appointment to book for a citizen.' });
/** A validated booking request. */
export type CreateAppointmentRequest = z.infer<typeof createAppointmentRequest>;

/**
 * The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header):
 * an opaque string of visible ASCII. Loose, so the other headers stay readable.
 */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': documented(
    z.string().min(1, 'required').max(255, 'too_long').regex(/^[\x21-\x7e]+$/, 'invalid_idempotency_key'),
    'Retry-safe creation: the same key with the same body within 24 h returns the first answer and books once.',
  ).optional(),
});

/** `POST /api/v1/appointments/:id/cancel`: no fields (an empty object or no body). */
export const cancelRequest = z.object({}).nullish();

/** `POST /api/v1/appointments/:id/reschedule`. */
export const rescheduleRequest = z.object({
  startsAt: documented(z.iso.datetime({ offset: true }), 'One of the `startsAt` values offered by the slots endpoint.'),
});
