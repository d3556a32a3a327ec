import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Interpreters invited into a call. One row per invitation link an agent
 * created: only the SHA-256 of its 192-bit token is kept (the link exists in
 * clear only in the agent's answer), who asked for it, and when it was first
 * opened (the interpreter consented to the recording) or revoked. The link's
 * validity follows the appointment (its end plus a margin), so it is not
 * stored. Each step is also in `appointment_events`.
 */
export const m0010InterpreterInvitations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('interpreter_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      // sign_language | spoken_language
      .addColumn('kind', 'text', (c) => c.notNull())
      // The spoken language, as the agent wrote it; null for sign language (the local one is meant).
      .addColumn('language', 'text')
      .addColumn('name', 'text')
      .addColumn('email', 'text')
      // The member of staff who created it.
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // First opened and consented to (the link's first use); null until then.
      .addColumn('consented_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .execute();
    await db.schema.createIndex('interpreter_invitations_appointment').on('interpreter_invitations').columns(['appointment_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists interpreter_invitations`.execute(db);
  },
};
