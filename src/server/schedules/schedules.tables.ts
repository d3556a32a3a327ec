/**
 * What migration 0019 adds to the schedule tables of `db/schema.ts`: the
 * office a weekly window is worked at (null when not said).
 */
declare module '../db/schema.ts' {
  interface AgentSchedulesTable {
    /** The office this window is worked at, or null (not said). */
    office_id: string | null;
  }
}

export {};
