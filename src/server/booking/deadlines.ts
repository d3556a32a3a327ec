import type { Appointment, Organisation } from '../db/schema.ts';

/** When documents must be uploaded by: N hours before, or the start itself when booked later than that. */
export function uploadDeadline(org: Organisation, startMs: number, nowMs: number): string {
  const deadline = startMs - org.upload_deadline_hours * 3_600_000;
  return new Date(deadline > nowMs ? deadline : startMs).toISOString();
}

/** Until when the citizen may cancel or change an appointment. */
export function changeDeadline(org: Organisation, appointment: Pick<Appointment, 'starts_at'>): Date {
  return new Date(Date.parse(appointment.starts_at) - org.change_notice_hours * 3_600_000);
}
