import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { DeliveriesTable, Delivery, DeliveryState } from './delivery.tables.ts';

type Executor = Db | Transaction<Database>;

/** A delivery with what attempting it needs: its package and the metadata's sources. */
export type DeliveryForAttempt = NonNullable<Awaited<ReturnType<typeof forAttempt>>>;

function forAttempt(db: Executor, id: string) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('evidence_packages as p', 'p.id', 'd.package_id')
    .innerJoin('appointments as a', 'a.id', 'd.appointment_id')
    .innerJoin('procedures as pr', 'pr.id', 'a.procedure_id')
    .innerJoin('organisations as o', 'o.id', 'd.organisation_id')
    .selectAll('d')
    .select([
      'p.blob_id',
      'p.sha256',
      'p.size',
      'p.created_at as sealed_at',
      'a.reference as appointment_reference',
      'pr.code as procedure_code',
      'pr.sia_code as procedure_sia_code',
      'o.dir3',
      'o.slug',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** All SQL of deliveries: the outbox rows, their claims and outcomes. */
export const deliveryRepo = {
  forAttempt,

  /** The connector of an appointment's procedure (`none` when it has none). */
  async connectorOf(db: Executor, organisationId: string, appointmentId: string): Promise<string> {
    const row = await db
      .selectFrom('appointments as a')
      .innerJoin('procedures as p', 'p.id', 'a.procedure_id')
      .select('p.delivery_connector')
      .where('a.organisation_id', '=', organisationId)
      .where('a.id', '=', appointmentId)
      .executeTakeFirst();
    return row?.delivery_connector ?? 'none';
  },

  insert(db: Executor, row: DeliveriesTable) {
    return db.insertInto('deliveries').values(row).onConflict((oc) => oc.column('package_id').doNothing()).execute();
  },

  /** Ids of pending deliveries due by `nowIso` and not claimed by a live lease, oldest first. */
  async due(db: Db, nowIso: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('deliveries')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowIso)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /**
   * Claims a due delivery for one attempt with one conditional UPDATE: it
   * succeeds only while the row is pending, due and not under another live
   * lease, so of two processes racing exactly one gets it (on PostgreSQL the
   * loser's UPDATE waits for the winner's row lock, then re-checks the
   * conditions and finds the lease taken). Counts the attempt.
   */
  async claim(db: Db, id: string, owner: string, nowIso: string, leaseUntil: string): Promise<boolean> {
    const res = await db
      .updateTable('deliveries')
      .set((eb) => ({ lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', nowIso)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Records an attempt's outcome and releases the lease, only while `owner` still holds it (the fence). */
  async finish(
    db: Executor,
    id: string,
    owner: string,
    leaseUntil: string,
    set: { state: DeliveryState; next_attempt_at: string; last_error: string | null; reference?: string; acknowledged_at?: string; dead_at?: string },
  ): Promise<boolean> {
    const res = await db
      .updateTable('deliveries')
      .set({ ...set, lease_owner: null, lease_until: null })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('lease_owner', '=', owner)
      .where('lease_until', '=', leaseUntil)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Moves a held lease on (a long attempt still running); false when `owner` no longer holds it. */
  async extend(db: Db, id: string, owner: string, leaseUntil: string, next: string): Promise<boolean> {
    const res = await db
      .updateTable('deliveries')
      .set({ lease_until: next })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('lease_owner', '=', owner)
      .where('lease_until', '=', leaseUntil)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /**
   * Whether the receiver acknowledged a delivery of the appointment's
   * evidence (with its reference): what a retention job must require before
   * purging anything of the appointment.
   */
  async acknowledged(db: Executor, organisationId: string, appointmentId: string): Promise<boolean> {
    const row = await db
      .selectFrom('deliveries')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('state', '=', 'acknowledged')
      .where('reference', 'is not', null)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Marks a dead letter as announced; false when another process did it first. */
  async markAlerted(db: Db, id: string, nowIso: string): Promise<boolean> {
    const res = await db.updateTable('deliveries').set({ alerted_at: nowIso }).where('id', '=', id).where('state', '=', 'dead').where('alerted_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  clearAlerted(db: Db, id: string) {
    return db.updateTable('deliveries').set({ alerted_at: null }).where('id', '=', id).execute();
  },

  /** Dead letters nobody was told about yet (a process died between the two steps). */
  async unalertedDead(db: Db, limit: number): Promise<string[]> {
    const rows = await db.selectFrom('deliveries').select('id').where('state', '=', 'dead').where('alerted_at', 'is', null).limit(limit).execute();
    return rows.map((r) => r.id);
  },

  /**
   * Makes a pending or dead delivery due now, with a new dead-letter
   * deadline; an acknowledged one is not touched. Answers the row as it was.
   */
  async retry(db: Db, organisationId: string, id: string, nowIso: string, deadAfter: string): Promise<Delivery | undefined> {
    return db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('deliveries').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
      if (!row || row.state === 'acknowledged') return row;
      await trx
        .updateTable('deliveries')
        .set({ state: 'pending', next_attempt_at: nowIso, dead_after: deadAfter, dead_at: null, alerted_at: null })
        .where('id', '=', id)
        .where('state', '!=', 'acknowledged')
        .execute();
      return row;
    });
  },

  /** Deliveries per state, for `/metrics`. */
  async countByState(db: Db): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('deliveries')
      .select(['state', (eb) => eb.fn.countAll<string | number>().as('n')])
      .groupBy('state')
      .execute();
    return new Map(rows.map((r) => [r.state, Number(r.n)]));
  },

  /** One delivery of an organisation. */
  one(db: Executor, organisationId: string, id: string): Promise<Delivery | undefined> {
    return db.selectFrom('deliveries').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  },

  /** Deliveries of an organisation, newest first, optionally of one state and of the appointments of some agents. */
  list(db: Db, organisationId: string, opts: { state?: DeliveryState | undefined; agents: string[] | null; limit: number }) {
    return db
      .selectFrom('deliveries as d')
      .innerJoin('appointments as a', 'a.id', 'd.appointment_id')
      .selectAll('d')
      .select(['a.reference as appointment_reference', 'a.agent_id'])
      .where('d.organisation_id', '=', organisationId)
      .$if(opts.state !== undefined, (qb) => qb.where('d.state', '=', opts.state ?? 'pending'))
      .$if(opts.agents !== null, (qb) => qb.where('a.agent_id', 'in', opts.agents && opts.agents.length > 0 ? opts.agents : ['']))
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id')
      .limit(opts.limit)
      .execute();
  },
};
