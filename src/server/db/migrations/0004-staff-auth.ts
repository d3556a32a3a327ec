import type { Kysely, Migration } from 'kysely';

/** Staff sign-in: lockout counters, TOTP second factor, server-side sessions, offices. */
export const m0004StaffAuth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('staff').addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('staff').addColumn('locked_until', 'text').execute();
    // TOTP seed sealed with the master key; enabled only once a code proved the enrolment.
    await db.schema.alterTable('staff').addColumn('totp_secret', 'text').execute();
    await db.schema.alterTable('staff').addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    // Last accepted TOTP time step: a code is good once (RFC 6238 §5.2).
    await db.schema.alterTable('staff').addColumn('totp_last_step', 'integer').execute();

    await db.schema
      .createTable('staff_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();

    await db.schema
      .createTable('offices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('staff_offices')
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('office_id', 'text', (c) => c.notNull().references('offices.id'))
      .addPrimaryKeyConstraint('staff_offices_pk', ['staff_id', 'office_id'])
      .execute();
  },
};
