import type { Db } from '../db/database.ts';
import type { CaseManagementKind } from '../../shared/case-management.ts';
import type { OrganisationConnector, OrganisationConnectorsTable } from './case-management-admin.tables.ts';

/** SQL of an organisation's own case-management receivers. */
export const caseManagementRepo = {
  /** Every kind the organisation set, with the name of who saved it. */
  settings(db: Db, organisationId: string) {
    return db
      .selectFrom('organisation_connectors as c')
      .leftJoin('staff as s', (join) => join.onRef('s.id', '=', 'c.updated_by').onRef('s.organisation_id', '=', 'c.organisation_id'))
      .selectAll('c')
      .select('s.display_name as updated_by_name')
      .where('c.organisation_id', '=', organisationId)
      .execute();
  },

  /** One kind's setting (the worker reads it before each attempt: one primary-key lookup). */
  setting(db: Db, organisationId: string, kind: CaseManagementKind): Promise<OrganisationConnector | undefined> {
    return db.selectFrom('organisation_connectors').selectAll().where('organisation_id', '=', organisationId).where('kind', '=', kind).executeTakeFirst();
  },

  /** Whether another organisation already uses this drop folder. */
  async folderTaken(db: Db, organisationId: string, folder: string): Promise<boolean> {
    const row = await db.selectFrom('organisation_connectors').select('organisation_id').where('folder', '=', folder).where('organisation_id', '!=', organisationId).executeTakeFirst();
    return row !== undefined;
  },

  /** Creates or replaces one kind's setting. */
  async upsert(db: Db, row: OrganisationConnectorsTable): Promise<void> {
    await db
      .insertInto('organisation_connectors')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'kind']).doUpdateSet({
          url: row.url,
          secret_sealed: row.secret_sealed,
          timeout_seconds: row.timeout_seconds,
          folder: row.folder,
          updated_at: row.updated_at,
          updated_by: row.updated_by,
        }),
      )
      .execute();
  },

  /** Removes one kind's setting; false when there was none. */
  async remove(db: Db, organisationId: string, kind: CaseManagementKind): Promise<boolean> {
    const res = await db.deleteFrom('organisation_connectors').where('organisation_id', '=', organisationId).where('kind', '=', kind).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  },

  /** How many of the organisation's procedures (not archived) use each connector. */
  async procedureCounts(db: Db, organisationId: string): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('procedures')
      .select(['delivery_connector'])
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('archived_at', 'is', null)
      .groupBy('delivery_connector')
      .execute();
    return new Map(rows.map((r) => [r.delivery_connector, Number(r.n)]));
  },
};
