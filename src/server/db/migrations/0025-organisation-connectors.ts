import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

/**
 * Each organisation's own case-management receivers (issue 7): one row per
 * organisation and connector kind (`rest`, `eni`, `drop_folder`). One
 * installation serves several town halls, each with its own system, so an
 * administrator may point a kind at their own receiver; without a row the
 * installation's (environment) setting applies. For `rest`/`eni`: the URL,
 * the HMAC secret sealed under the master key (bound to the organisation and
 * kind, so a sealed value cannot be moved to another row) and the timeout;
 * for `drop_folder`: the name of a sub-folder of `DELIVERY_DROP_DIR`, never a
 * path. Mutual TLS stays installation-wide (files on the server).
 * `updated_at` also keys the workers' connector caches: a change is picked up
 * on the next attempt in every process.
 */
export const m0025OrganisationConnectors: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organisation_connectors')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('secret_sealed', 'text')
      .addColumn('timeout_seconds', 'integer')
      .addColumn('folder', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('organisation_connectors_pk', ['organisation_id', 'kind'])
      .execute();
    // Two organisations sharing a folder would hand each other's packages to one receiver.
    await db.schema.createIndex('organisation_connectors_folder').unique().on('organisation_connectors').column('folder').execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists organisation_connectors`.execute(db);
  },
};
