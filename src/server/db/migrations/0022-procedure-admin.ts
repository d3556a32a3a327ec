import type { Kysely, Migration } from 'kysely';

/**
 * What the administration console (issue 9) keeps about a procedure beyond
 * what booking needs: its SIA code and classification for the ENI metadata
 * of its evidence, which case-management connector receives that evidence,
 * and when it was archived or last changed. A required document that
 * citizens already uploaded for is retired rather than deleted: it is no
 * longer asked for, and the documents uploaded for it keep their reference.
 */
export const m0022ProcedureAdmin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('procedures').addColumn('sia_code', 'text').execute();
    await db.schema.alterTable('procedures').addColumn('classification', 'text').execute();
    await db.schema.alterTable('procedures').addColumn('delivery_connector', 'text', (c) => c.notNull().defaultTo('none')).execute();
    await db.schema.alterTable('procedures').addColumn('archived_at', 'text').execute();
    await db.schema.alterTable('procedures').addColumn('updated_at', 'text').execute();
    await db.schema.alterTable('required_documents').addColumn('retired_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('required_documents').dropColumn('retired_at').execute();
    for (const column of ['updated_at', 'archived_at', 'delivery_connector', 'classification', 'sia_code']) {
      await db.schema.alterTable('procedures').dropColumn(column).execute();
    }
  },
};
