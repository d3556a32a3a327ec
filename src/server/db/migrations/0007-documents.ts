import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * The document space: resumable uploads in progress (`document_uploads`, one
 * per tus upload) and the documents they became (`documents`), plus the
 * office's re-opening of uploads past the deadline. The bytes live in the
 * encrypted blob store under the upload's id; rows hold no document content.
 */
export const m0007Documents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('document_uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      // A required document's id, or null for "other documents".
      .addColumn('requirement_id', 'text')
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('declared_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      // Set once the blob of a refused or abandoned upload is destroyed.
      .addColumn('blob_destroyed_at', 'text')
      .execute();
    await db.schema.createIndex('document_uploads_appointment').on('document_uploads').columns(['appointment_id']).execute();
    await db.schema.createIndex('document_uploads_expiry').on('document_uploads').columns(['status', 'expires_at']).execute();

    await db.schema
      .createTable('documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('requirement_id', 'text')
      // The encrypted blob (the upload's id); null once purged.
      .addColumn('blob_id', 'text')
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('scan_status', 'text', (c) => c.notNull())
      .addColumn('scan_signature', 'text')
      // The scan runs outside any transaction, claimed by one node with a lease (as the mail queue).
      .addColumn('scan_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('scan_lease_until', 'text')
      .addColumn('review_status', 'text', (c) => c.notNull())
      .addColumn('rejection_reason', 'text')
      .addColumn('reviewed_by', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      // Set when a newer upload to the same slot replaced it, the citizen withdrew it, or it was purged.
      .addColumn('superseded_at', 'text')
      .addColumn('purged_at', 'text')
      .execute();
    await db.schema.createIndex('documents_appointment').on('documents').columns(['appointment_id']).execute();
    await db.schema.createIndex('documents_scan').on('documents').columns(['scan_status']).execute();

    await db.schema.alterTable('appointments').addColumn('uploads_reopened_until', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('appointments').dropColumn('uploads_reopened_until').execute();
    await sql`drop table if exists documents`.execute(db);
    await sql`drop table if exists document_uploads`.execute(db);
  },
};
