import type { Selectable } from 'kysely';

/** When an appointment's call began and ended (migration 0016): the handling time, as a fact. */
export interface CallTimesTable {
  appointment_id: string;
  organisation_id: string;
  /** The agent first admitted the citizen. */
  started_at: string;
  /** The call ended (hang-up); null while it is on. */
  ended_at: string | null;
  /** Whole seconds from start to end; null while the call is on. */
  seconds: number | null;
}

/** An in-person figure an indicator is compared with, per metric and month (`*`: every month). */
export interface IndicatorBaselinesTable {
  organisation_id: string;
  metric: string;
  month: string;
  value: number;
  updated_by: string;
  updated_at: string;
}

/**
 * The figures of one closed month of an organisation, by procedure and
 * agent (migration 0017): the rows of the indicators' grouped queries as
 * JSON, so that a dashboard over a year reads twelve small rows instead of
 * scanning a year of appointments. Recomputed when missing or older than
 * the rollup's lifetime; the current month is always counted live.
 */
export interface IndicatorRollupsTable {
  organisation_id: string;
  month: string;
  rows: string;
  computed_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    call_times: CallTimesTable;
    indicator_baselines: IndicatorBaselinesTable;
    indicator_rollups: IndicatorRollupsTable;
  }
}

export type CallTimesRow = Selectable<CallTimesTable>;
export type BaselineRow = Selectable<IndicatorBaselinesTable>;
