import type { Kysely, Migration } from 'kysely';
import { SqliteAdapter, sql } from 'kysely';

/** Whether the migration runs on SQLite (the only place the dialects' DDL differs). */
export function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Migrations live in code so that the same list runs on SQLite and
 * PostgreSQL and ships inside the package. Column types are the portable
 * subset (text, integer); see `schema.ts`.
 */
/** Organisations, catalogue, staff, schedules, appointments, occupancy, sessions, mail queue. */
export const m0001Initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('dir3', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('languages', 'text', (c) => c.notNull())
      .addColumn('branding', 'text', (c) => c.notNull())
      .addColumn('slot_interval_minutes', 'integer', (c) => c.notNull())
      .addColumn('upload_deadline_hours', 'integer', (c) => c.notNull())
      .addColumn('change_notice_hours', 'integer', (c) => c.notNull())
      .addColumn('waiting_room_open_minutes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('organisation_hosts')
      .addColumn('host', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .execute();

    await db.schema
      .createTable('procedures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('duration_minutes', 'integer', (c) => c.notNull())
      .addColumn('buffer_minutes', 'integer', (c) => c.notNull())
      .addColumn('channels', 'text', (c) => c.notNull())
      .addColumn('min_notice_hours', 'integer', (c) => c.notNull())
      .addColumn('max_advance_days', 'integer', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('procedures_org_code', ['organisation_id', 'code'])
      .execute();

    await db.schema
      .createTable('required_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('mandatory', 'integer', (c) => c.notNull())
      .addColumn('accepted_types', 'text', (c) => c.notNull())
      .addColumn('max_size_mb', 'integer', (c) => c.notNull())
      .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('required_documents_procedure')
      .on('required_documents')
      .columns(['procedure_id', 'sort_order'])
      .execute();

    await db.schema
      .createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('staff_org_email', ['organisation_id', 'email'])
      .execute();

    await db.schema
      .createTable('agent_schedules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('weekday', 'integer', (c) => c.notNull())
      .addColumn('start_time', 'text', (c) => c.notNull())
      .addColumn('end_time', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text')
      .addColumn('valid_to', 'text')
      .execute();
    await db.schema
      .createIndex('agent_schedules_org')
      .on('agent_schedules')
      .columns(['organisation_id', 'staff_id'])
      .execute();

    await db.schema
      .createTable('schedule_exceptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('start_time', 'text')
      .addColumn('end_time', 'text')
      .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .createIndex('schedule_exceptions_org_date')
      .on('schedule_exceptions')
      .columns(['organisation_id', 'date'])
      .execute();

    await db.schema
      .createTable('appointments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('busy_start_unit', 'integer', (c) => c.notNull())
      .addColumn('busy_end_unit', 'integer', (c) => c.notNull())
      .addColumn('citizen_name', 'text', (c) => c.notNull())
      .addColumn('citizen_surnames', 'text', (c) => c.notNull())
      .addColumn('citizen_id_type', 'text', (c) => c.notNull())
      .addColumn('citizen_id_number', 'text', (c) => c.notNull())
      .addColumn('citizen_email', 'text', (c) => c.notNull())
      .addColumn('citizen_phone', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('needs', 'text', (c) => c.notNull())
      .addColumn('access_token_hash', 'text', (c) => c.unique())
      .addColumn('password_hash', 'text')
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('upload_deadline', 'text', (c) => c.notNull())
      .addColumn('ics_sequence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cancelled_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('appointments_org_reference', ['organisation_id', 'reference'])
      .execute();
    await db.schema
      .createIndex('appointments_org_start')
      .on('appointments')
      .columns(['organisation_id', 'starts_at'])
      .execute();
    // Covering, partial index for availability: the open appointments of a
    // period with exactly the columns the slot computation reads, as integers
    // (a month for 50 agents is thousands of rows: no dates to parse).
    await db.schema
      .createIndex('appointments_open_busy')
      .on('appointments')
      .columns(['organisation_id', 'busy_start_unit', 'busy_end_unit', 'agent_id', 'status', 'id'])
      .where(sql.ref('status'), 'in', ['booked', 'documents_pending', 'ready', 'waiting', 'in_call'])
      .execute();
    await db.schema
      .createIndex('appointments_org_email')
      .on('appointments')
      .columns(['organisation_id', 'citizen_email', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_org_idnumber')
      .on('appointments')
      .columns(['organisation_id', 'citizen_id_number', 'starts_at'])
      .execute();

    await db.schema
      .createTable('agent_busy')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('unit', 'integer', (c) => c.notNull())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addPrimaryKeyConstraint('agent_busy_pk', ['agent_id', 'unit'])
      .execute();
    await db.schema
      .createIndex('agent_busy_org_unit')
      .on('agent_busy')
      .columns(['organisation_id', 'unit'])
      .execute();
    await db.schema
      .createIndex('agent_busy_appointment')
      .on('agent_busy')
      .column('appointment_id')
      .execute();

    await db.schema
      .createTable('appointment_events')
      .addColumn('id', 'integer', (c) =>
        isSqlite(db) ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('appointment_events_appointment')
      .on('appointment_events')
      .column('appointment_id')
      .execute();

    await db.schema
      .createTable('citizen_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('mail_queue')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema
      .createIndex('mail_queue_pending')
      .on('mail_queue')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema
      .createTable('used_challenges')
      .addColumn('signature', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      'used_challenges',
      'api_keys',
      'mail_queue',
      'citizen_sessions',
      'appointment_events',
      'agent_busy',
      'appointments',
      'schedule_exceptions',
      'agent_schedules',
      'staff',
      'required_documents',
      'procedures',
      'organisation_hosts',
      'organisations',
    ]) {
      await sql`drop table if exists ${sql.table(t)}`.execute(db);
    }
  },
};

