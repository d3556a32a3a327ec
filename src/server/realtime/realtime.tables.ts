import type { ColumnType, Selectable } from 'kysely';

/** The citizen's presence at one appointment, from their first entry into the waiting room. */
export interface AppointmentPresenceTable {
  appointment_id: string;
  organisation_id: string;
  /** First entry into the waiting room (server time): a citizen with a row is never a no-show. */
  arrived_at: string;
  /** While waiting: since when; null in the call or after leaving. */
  waiting_since: string | null;
  /** The recording consent given on the last entry: 1 yes, 0 no. */
  consent_recording: number;
  consent_at: string;
  updated_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    appointment_presence: AppointmentPresenceTable;
  }
  interface OrganisationsTable {
    /** Minutes after the start after which a citizen who never arrived is marked "desisted". */
    no_show_minutes: ColumnType<number, number | undefined, number>;
  }
}

/** A stored presence row. */
export type PresenceRow = Selectable<AppointmentPresenceTable>;
