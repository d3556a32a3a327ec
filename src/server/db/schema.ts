import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types shared by SQLite and PostgreSQL. Portable column choices:
 * instants are ISO-8601 UTC strings (`2026-03-29T07:00:00.000Z`, sortable on
 * both engines), booleans are 0/1 integers, structured values are JSON text.
 */
type Bool = ColumnType<number, number | undefined, number>;

/** One municipality (tenant). Every other row belongs to one. */
export interface OrganisationsTable {
  id: string;
  slug: string;
  name: string;
  dir3: string;
  time_zone: string;
  /** JSON array of enabled language codes, the first is the default. */
  languages: string;
  /** JSON object: { primaryColor, logoUrl? }. */
  branding: string;
  slot_interval_minutes: number;
  upload_deadline_hours: number;
  change_notice_hours: number;
  waiting_room_open_minutes: number;
  created_at: string;
}

/** Host names that resolve to an organisation. */
export interface OrganisationHostsTable {
  host: string;
  organisation_id: string;
}

export interface ProceduresTable {
  id: string;
  organisation_id: string;
  code: string;
  /** JSON { ca, es, en, ... }. */
  name: string;
  description: string;
  duration_minutes: number;
  buffer_minutes: number;
  /** JSON array of channels: "video", "in_person". */
  channels: string;
  min_notice_hours: number;
  max_advance_days: number;
  active: Bool;
  sort_order: number;
  created_at: string;
  /** SIA code (Sistema de Información Administrativa), for the ENI metadata; null: not set. */
  sia_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** ENI classification of the evidence file (defaults to the SIA code, then the procedure code). */
  classification: ColumnType<string | null, string | null | undefined, string | null>;
  /** Which case-management connector receives this procedure's evidence (`none`: kept for download). */
  delivery_connector: ColumnType<string, string | undefined, string>;
  archived_at: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RequiredDocumentsTable {
  id: string;
  organisation_id: string;
  procedure_id: string;
  name: string;
  description: string;
  mandatory: Bool;
  /** JSON array of MIME types. */
  accepted_types: string;
  max_size_mb: number;
  sort_order: number;
  /** Set when an administrator removed it after citizens had uploaded for it: no longer asked for. */
  retired_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StaffTable {
  id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  role: 'agent' | 'supervisor' | 'admin';
  password_hash: string | null;
  active: Bool;
  created_at: string;
}

/** Weekly opening hours of one agent, in the organisation's local time. */
export interface AgentSchedulesTable {
  id: string;
  organisation_id: string;
  staff_id: string;
  /** ISO weekday 1 (Monday) … 7 (Sunday). */
  weekday: number;
  /** "HH:MM" local time. */
  start_time: string;
  end_time: string;
  /** Inclusive local dates "YYYY-MM-DD", or null for open-ended. */
  valid_from: string | null;
  valid_to: string | null;
}

/**
 * A local date on which the weekly pattern does not apply: a holiday of the
 * whole organisation (`staff_id` null) or one agent's absence or special hours.
 * `kind = 'closed'` removes the day (or the window start–end only);
 * `kind = 'open'` replaces that agent's pattern for the day with start–end.
 */
export interface ScheduleExceptionsTable {
  id: string;
  organisation_id: string;
  staff_id: string | null;
  date: string;
  kind: 'closed' | 'open';
  start_time: string | null;
  end_time: string | null;
  reason: string;
}

export type AppointmentStatus =
  | 'booked'
  | 'documents_pending'
  | 'ready'
  | 'waiting'
  | 'in_call'
  | 'completed'
  | 'not_conclusive'
  | 'desisted'
  | 'cancelled';

export interface AppointmentsTable {
  id: string;
  organisation_id: string;
  reference: string;
  procedure_id: string;
  agent_id: string;
  channel: 'video' | 'in_person';
  status: AppointmentStatus;
  starts_at: string;
  ends_at: string;
  /**
   * The 5-minute occupancy units the agent is held for, [start, end): from
   * the start to the end plus the procedure's buffer. Integers so that
   * availability reads a month of appointments without parsing dates.
   */
  busy_start_unit: number;
  busy_end_unit: number;
  citizen_name: string;
  citizen_surnames: string;
  citizen_id_type: 'nif' | 'nie' | 'passport';
  citizen_id_number: string;
  citizen_email: string;
  citizen_phone: string;
  language: string;
  /** JSON { signLanguage: boolean, languageInterpreter: string | null, other: string | null }. */
  needs: string;
  access_token_hash: string | null;
  password_hash: string | null;
  failed_logins: number;
  locked_until: string | null;
  upload_deadline: string;
  ics_sequence: number;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * One row per agent per 5-minute unit that an appointment occupies. The
 * primary key (agent_id, unit) is what makes double booking impossible: the
 * database refuses the second claim, whatever the engine and however many
 * requests race.
 */
export interface AgentBusyTable {
  agent_id: string;
  unit: number;
  organisation_id: string;
  appointment_id: string;
}

/** Append-only history of an appointment. */
export interface AppointmentEventsTable {
  id: Generated<number>;
  organisation_id: string;
  appointment_id: string;
  type: string;
  actor: string;
  at: string;
  data: string;
}

export interface CitizenSessionsTable {
  id_hash: string;
  organisation_id: string;
  appointment_id: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

/** Outbound mail, persisted in the same transaction as what caused it, sent until acknowledged. */
export interface MailQueueTable {
  id: string;
  organisation_id: string;
  appointment_id: string;
  kind: 'booking_confirmation' | 'appointment_changed' | 'appointment_cancelled' | 'reminder_documents' | 'reminder_day_before' | 'reminder_join_now' | 'document_rejected' | 'appointment_desisted';
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  organisation_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

/** Spent proof-of-work challenges (replay protection) until they expire. */
export interface UsedChallengesTable {
  signature: string;
  expires_at: string;
}

/** The database as Kysely sees it. */
export interface Database {
  organisations: OrganisationsTable;
  organisation_hosts: OrganisationHostsTable;
  procedures: ProceduresTable;
  required_documents: RequiredDocumentsTable;
  staff: StaffTable;
  agent_schedules: AgentSchedulesTable;
  schedule_exceptions: ScheduleExceptionsTable;
  appointments: AppointmentsTable;
  agent_busy: AgentBusyTable;
  appointment_events: AppointmentEventsTable;
  citizen_sessions: CitizenSessionsTable;
  mail_queue: MailQueueTable;
  api_keys: ApiKeysTable;
  used_challenges: UsedChallengesTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type Procedure = Selectable<ProceduresTable>;
export type RequiredDocument = Selectable<RequiredDocumentsTable>;
export type Staff = Selectable<StaffTable>;
export type AgentSchedule = Selectable<AgentSchedulesTable>;
export type ScheduleException = Selectable<ScheduleExceptionsTable>;
export type Appointment = Selectable<AppointmentsTable>;
export type NewAppointment = Insertable<AppointmentsTable>;
export type AppointmentUpdate = Updateable<AppointmentsTable>;
