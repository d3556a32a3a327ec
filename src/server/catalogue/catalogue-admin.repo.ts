import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, Procedure, RequiredDocument } from '../db/schema.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';

type Executor = Db | Transaction<Database>;

/** SQL of the catalogue's administration, every query scoped to one organisation. */
export const catalogueAdminRepo = {
  /** Every procedure, archived ones too, with how many appointments each still has ahead. */
  async procedures(db: Executor, organisationId: string, nowIso: string): Promise<(Procedure & { upcoming: number })[]> {
    const [rows, counts] = await Promise.all([
      db.selectFrom('procedures').selectAll().where('organisation_id', '=', organisationId).orderBy('sort_order').orderBy('code').execute(),
      db
        .selectFrom('appointments')
        .select(['procedure_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('organisation_id', '=', organisationId)
        .where('status', 'in', [...OPEN_STATUSES])
        .where('ends_at', '>', nowIso)
        .groupBy('procedure_id')
        .execute(),
    ]);
    const byProcedure = new Map(counts.map((c) => [c.procedure_id, Number(c.n)]));
    return rows.map((r) => ({ ...r, upcoming: byProcedure.get(r.id) ?? 0 }));
  },

  procedure(db: Executor, organisationId: string, id: string): Promise<Procedure | undefined> {
    return db.selectFrom('procedures').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  /** The appointments still ahead of a procedure (the first `limit`), with their agent's name. */
  upcomingAppointments(db: Executor, organisationId: string, procedureId: string, nowIso: string, limit: number) {
    return db
      .selectFrom('appointments')
      .innerJoin('staff', 'staff.id', 'appointments.agent_id')
      .select(['appointments.id', 'appointments.reference', 'appointments.starts_at', 'staff.display_name'])
      .where('appointments.organisation_id', '=', organisationId)
      .where('appointments.procedure_id', '=', procedureId)
      .where('appointments.status', 'in', [...OPEN_STATUSES])
      .where('appointments.ends_at', '>', nowIso)
      .orderBy('appointments.starts_at')
      .limit(limit)
      .execute();
  },

  /** The procedure's calls under way (at most 20), whose agents are filling in its form. */
  callsUnderWay(db: Executor, organisationId: string, procedureId: string) {
    return db
      .selectFrom('appointments')
      .innerJoin('staff', 'staff.id', 'appointments.agent_id')
      .select(['appointments.id', 'appointments.reference', 'appointments.starts_at', 'staff.display_name'])
      .where('appointments.organisation_id', '=', organisationId)
      .where('appointments.procedure_id', '=', procedureId)
      .where('appointments.status', '=', 'in_call')
      .orderBy('appointments.starts_at')
      .limit(20)
      .execute();
  },

  /** The procedure's documents still asked for, in order. */
  documents(db: Executor, organisationId: string, procedureId: string): Promise<RequiredDocument[]> {
    return db
      .selectFrom('required_documents')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('procedure_id', '=', procedureId)
      .where('retired_at', 'is', null)
      .orderBy('sort_order')
      .execute();
  },

  /** Which of these requirements citizens have uploaded (or are uploading) documents for: those are retired, not deleted. */
  async requirementsInUse(db: Executor, organisationId: string, requirementIds: string[]): Promise<Set<string>> {
    if (requirementIds.length === 0) return new Set();
    const used = new Set<string>();
    for (const table of ['documents', 'document_uploads'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('requirement_id')
        .distinct()
        .where('organisation_id', '=', organisationId)
        .where('requirement_id', 'in', requirementIds)
        .execute();
      for (const r of rows) if (r.requirement_id) used.add(r.requirement_id);
    }
    return used;
  },

  /** The highest sort order used, so a new procedure goes last. */
  async lastSortOrder(db: Executor, organisationId: string): Promise<number> {
    const row = await db
      .selectFrom('procedures')
      .select((eb) => eb.fn.max('sort_order').as('m'))
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return Number(row?.m ?? 0);
  },
};
