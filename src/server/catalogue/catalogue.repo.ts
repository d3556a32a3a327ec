import type { Db } from '../db/database.ts';
import type { Procedure, RequiredDocument } from '../db/schema.ts';

/** SQL for the procedures catalogue, always scoped to one organisation. */
export const catalogueRepo = {
  activeProcedures(db: Db, organisationId: string): Promise<Procedure[]> {
    return db
      .selectFrom('procedures')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('active', '=', 1)
      .orderBy('sort_order')
      .orderBy('code')
      .execute();
  },
  procedure(db: Db, organisationId: string, id: string): Promise<Procedure | undefined> {
    return db
      .selectFrom('procedures')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  requiredDocuments(db: Db, organisationId: string, procedureIds: string[]): Promise<RequiredDocument[]> {
    if (procedureIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('required_documents')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('procedure_id', 'in', procedureIds)
      .where('retired_at', 'is', null)
      .orderBy('sort_order')
      .execute();
  },
};
