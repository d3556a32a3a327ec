import { DateTime } from 'luxon';
import type { Organisation } from '../db/schema.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import type { PresenceState, QueueEntry } from '../../shared/signalling.ts';
import type { QueueRow } from './realtime.repo.ts';

/**
 * Where the citizen is, from the appointment's status and whether they ever
 * arrived: an open appointment whose citizen came and went is "left", one
 * whose citizen never came is "not arrived"; a closed one is "left".
 */
export function presenceOf(row: Pick<QueueRow, 'status' | 'arrived_at'>): PresenceState {
  if (row.status === 'waiting') return 'waiting';
  if (row.status === 'in_call') return 'in_call';
  if ((OPEN_STATUSES as readonly string[]).includes(row.status)) return row.arrived_at === null ? 'not_arrived' : 'left';
  return 'left';
}

/** One queue entry for an agent reading `lang`. Only what the queue shows: no ID number, no contact details. */
export function presentEntry(row: QueueRow, lang: string): QueueEntry {
  return {
    appointmentId: row.id,
    reference: row.reference,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    citizenName: `${row.citizen_name} ${row.citizen_surnames}`.trim(),
    procedureName: pickLocalised(localised(row.procedure_name), lang),
    agentId: row.agent_id,
    presence: presenceOf(row),
    waitingSince: row.status === 'waiting' ? row.waiting_since : null,
    recordingConsent: row.consent_recording === null ? null : row.consent_recording === 1,
  };
}

/** The local day (YYYY-MM-DD) of an instant in the organisation's zone. */
export function localDate(org: Pick<Organisation, 'time_zone'>, iso: string | Date): string {
  const dt = typeof iso === 'string' ? DateTime.fromISO(iso, { zone: org.time_zone }) : DateTime.fromJSDate(iso, { zone: org.time_zone });
  return dt.toISODate() ?? '';
}

/** The UTC instants bounding a local day, [start, next day's start). */
export function dayBounds(org: Pick<Organisation, 'time_zone'>, date: string): { from: string; to: string } {
  const start = DateTime.fromISO(date, { zone: org.time_zone }).startOf('day');
  return { from: start.toUTC().toISO() ?? '', to: start.plus({ days: 1 }).toUTC().toISO() ?? '' };
}

/** When the waiting room of an appointment opens. */
export function opensAt(org: Pick<Organisation, 'waiting_room_open_minutes'>, row: Pick<QueueRow, 'starts_at'>): Date {
  return new Date(Date.parse(row.starts_at) - org.waiting_room_open_minutes * 60_000);
}
