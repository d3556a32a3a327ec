import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Administration console, staff and organisation (issue 9).
 *
 * `staff_invitations`: an administrator invites a colleague by email; the
 * link's token exists in plaintext only in that email, the row keeps its
 * SHA-256 (`token_hash`). A pending invitation is neither accepted nor
 * revoked, and not past `expires_at`; accepting it creates the account
 * (`staff_id`).
 *
 * `staff.last_sign_in_at`: when the account last opened a session (the
 * Staff list shows it; sessions themselves are deleted at sign-out).
 *
 * `organisation_settings`: what an organisation's administrators set that
 * has no column of its own in `organisations` — texts per language
 * (consent, recording notice, email note), retention periods in days (read
 * by the retention job) and the logo (a small PNG or JPEG, base64, kept out
 * of the organisations row that every request's tenant lookup reads).
 */
export const m0020StaffInvitationsOrganisationSettings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('staff_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('office_ids', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('accepted_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('staff_id', 'text')
      .execute();
    await db.schema.createIndex('staff_invitations_org_email').on('staff_invitations').columns(['organisation_id', 'email']).execute();

    await db.schema.alterTable('staff').addColumn('last_sign_in_at', 'text').execute();

    await db.schema
      .createTable('organisation_settings')
      .addColumn('organisation_id', 'text', (c) => c.primaryKey().references('organisations.id'))
      .addColumn('texts', 'text', (c) => c.notNull())
      .addColumn('retention', 'text', (c) => c.notNull())
      .addColumn('logo_type', 'text')
      .addColumn('logo_data', 'text')
      .addColumn('logo_sha256', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists organisation_settings`.execute(db);
    await sql`drop table if exists staff_invitations`.execute(db);
    await db.schema.alterTable('staff').dropColumn('last_sign_in_at').execute();
  },
};
