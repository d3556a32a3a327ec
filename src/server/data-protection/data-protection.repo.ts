import type { Db } from '../db/database.ts';
import { withRetentionColumns } from '../retention/retention.tables.ts';
import { DATA_PROTECTION_MAX_APPOINTMENTS } from '../../shared/data-protection.ts';

/** Who a data-protection request is about: a normalised identity number and/or a lower-cased email. */
export interface Subject {
  idNumber: string | null;
  email: string | null;
}

/** An id list no query is ever run with empty (`in ()` is invalid SQL); no row has the empty id. */
const NONE = [''];
const ids = (list: readonly string[]) => (list.length > 0 ? [...list] : NONE);

/**
 * All SQL of data-protection requests. Every query is scoped to the
 * organisation, and every per-appointment query to the appointments the
 * subject search found, so another citizen's rows never come along.
 */
export const dataProtectionRepo = {
  /**
   * The citizen's appointments, newest first. Both identifiers given: both
   * must match. Emails are stored lower-cased and identity numbers
   * normalised by booking, so equality is the right test (and uses the
   * `appointments_org_email` / `appointments_org_idnumber` indexes).
   */
  appointmentsOf(db: Db, organisationId: string, subject: Subject) {
    // With retention's columns (migration 0024): `minimised_at` tells an appointment already erased.
    let q = withRetentionColumns(db)
      .selectFrom('appointments as a')
      .innerJoin('procedures as p', 'p.id', 'a.procedure_id')
      .selectAll('a')
      .select(['p.code as procedure_code', 'p.name as procedure_name', 'p.delivery_connector'])
      .where('a.organisation_id', '=', organisationId);
    if (subject.idNumber) q = q.where('a.citizen_id_number', '=', subject.idNumber);
    if (subject.email) q = q.where('a.citizen_email', '=', subject.email);
    return q.orderBy('a.starts_at', 'desc').orderBy('a.id').limit(DATA_PROTECTION_MAX_APPOINTMENTS).execute();
  },

  events(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('appointment_events')
      .select(['appointment_id', 'type', 'actor', 'at', 'data'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('id')
      .execute();
  },

  /** Every document row (current, replaced, withdrawn, purged): what was handed over and what is still held. */
  documents(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('documents')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('uploaded_at')
      .orderBy('id')
      .execute();
  },

  recordings(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return withRetentionColumns(db)
      .selectFrom('recordings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('started_at')
      .execute();
  },

  snapshots(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return withRetentionColumns(db)
      .selectFrom('identification_snapshots')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('taken_at')
      .orderBy('id')
      .execute();
  },

  packages(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return withRetentionColumns(db)
      .selectFrom('evidence_packages')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  deliveries(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('deliveries')
      .select(['id', 'appointment_id', 'package_id', 'connector', 'state', 'attempts', 'reference', 'acknowledged_at', 'dead_at', 'created_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  /** Registry entries of the appointments, and entries naming the same identity number without an appointment. */
  registryEntries(db: Db, organisationId: string, appointmentIds: readonly string[], idNumber: string | null) {
    return db
      .selectFrom('registry_entries')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where((eb) =>
        eb.or([
          eb('appointment_id', 'in', ids(appointmentIds)),
          ...(idNumber ? [eb.and([eb('appointment_id', 'is', null), eb('interested_id_number', '=', idNumber)])] : []),
        ]),
      )
      .orderBy('created_at')
      .execute();
  },

  surveys(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db.selectFrom('citizen_surveys').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', 'in', ids(appointmentIds)).execute();
  },

  wrapups(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('call_wrapups')
      .select(['appointment_id', 'outcome', 'note', 'created_at', 'updated_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .execute();
  },

  protocolSteps(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('protocol_steps')
      .select(['appointment_id', 'step', 'status', 'actor', 'at', 'reason', 'data'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('at')
      .execute();
  },

  protocolForms(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('protocol_forms')
      .select(['appointment_id', 'data', 'sha256', 'saved_at', 'read_aloud_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .execute();
  },

  presence(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('appointment_presence')
      .select(['appointment_id', 'arrived_at', 'consent_recording', 'consent_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .execute();
  },

  mails(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('mail_queue')
      .select(['appointment_id', 'kind', 'status', 'created_at', 'sent_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('created_at')
      .execute();
  },

  sessions(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('citizen_sessions')
      .select(['appointment_id', 'created_at', 'expires_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('created_at')
      .execute();
  },

  /** Interpreters invited: kind and language only (their names and emails are theirs, not the citizen's). */
  interpreters(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('interpreter_invitations')
      .select(['appointment_id', 'kind', 'language', 'created_at', 'consented_at', 'revoked_at'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .execute();
  },

  /** Who did what with the appointments' data (the audit trail holds ids, never contents). */
  audit(db: Db, organisationId: string, appointmentIds: readonly string[]) {
    return db
      .selectFrom('audit_log')
      .select(['appointment_id', 'seq', 'at', 'actor', 'action', 'target'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', 'in', ids(appointmentIds))
      .orderBy('seq')
      .execute();
  },
};

/** One appointment row as `appointmentsOf` answers it. */
export type SubjectAppointment = Awaited<ReturnType<typeof dataProtectionRepo.appointmentsOf>>[number];
