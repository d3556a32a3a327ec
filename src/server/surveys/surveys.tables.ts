import type { Selectable } from 'kysely';

/** How an attended call ended, in the agent's words (the wrap-up). */
export const WRAPUP_OUTCOMES = ['completed', 'missing_documents', 'other_reason', 'technical_failure'] as const;
export type WrapupOutcome = (typeof WRAPUP_OUTCOMES)[number];

/** The agent's wrap-up of one call (migration 0016). */
export interface CallWrapupsTable {
  appointment_id: string;
  organisation_id: string;
  agent_id: string;
  outcome: WrapupOutcome;
  /** How the call went for the agent, 1 (badly) to 5 (very well): staff satisfaction. */
  rating: number;
  note: string | null;
  created_at: string;
  updated_at: string;
}

/** The citizen's answers after their call, one per appointment; never shown with their identity. */
export interface CitizenSurveysTable {
  appointment_id: string;
  organisation_id: string;
  /** "Did you like it?" 0–10. */
  liked: number;
  /** "Was it easy?" 0–10. */
  easy: number;
  /** "Would you use it again?" 1 yes, 0 no. */
  use_again: number;
  comment: string | null;
  language: string;
  answered_via: 'call' | 'email';
  answered_at: string;
}

/** The emailed link to the survey (token as SHA-256). */
export interface SurveyInvitationsTable {
  appointment_id: string;
  organisation_id: string;
  token_hash: string;
  expires_at: string;
  created_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    call_wrapups: CallWrapupsTable;
    citizen_surveys: CitizenSurveysTable;
    survey_invitations: SurveyInvitationsTable;
  }
}

export type WrapupRow = Selectable<CallWrapupsTable>;
export type SurveyRow = Selectable<CitizenSurveysTable>;
