import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Phone links ("continue on your phone"): one row per link a citizen made.
 * Only SHA-256 digests of the link's token and of the phone's session
 * cookie are stored, never the secrets themselves; the row also says which
 * appointment (and, for a live request, which slot) the link is for, and
 * when it was made, opened, revoked and stops working.
 */
export const m0009UploaderLinks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('uploader_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      // A required document's id or `other`; null: every slot of the appointment.
      .addColumn('slot', 'text')
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // The link cannot be opened after this instant.
      .addColumn('expires_at', 'text', (c) => c.notNull())
      // Set when the phone opened the link (it opens once).
      .addColumn('exchanged_at', 'text')
      .addColumn('session_hash', 'text', (c) => c.unique())
      .addColumn('session_expires_at', 'text')
      .addColumn('csrf_token', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('uploader_links_appointment').on('uploader_links').columns(['appointment_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists uploader_links`.execute(db);
  },
};
