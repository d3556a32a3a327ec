import type { Appointment } from '../db/schema.ts';
import type { ApiAppointment } from './integration.schema.ts';

/**
 * The machine view of an appointment, for API answers and webhook events.
 * It picks fields one by one: the identity document, phone, needs and the
 * citizen's credential hashes never leave through the API.
 */
export function presentApiAppointment(a: Appointment): ApiAppointment {
  return {
    id: a.id,
    reference: a.reference,
    status: a.status,
    procedureId: a.procedure_id,
    startsAt: a.starts_at,
    endsAt: a.ends_at,
    channel: a.channel,
    citizen: { name: a.citizen_name, surnames: a.citizen_surnames, email: a.citizen_email, language: a.language },
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}
