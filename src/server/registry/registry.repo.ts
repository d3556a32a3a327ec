import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { RegistryEntriesTable, RegistryEntryRow } from './registry.tables.ts';

type Executor = Db | Transaction<Database>;

/** All SQL of the registry book; every query is scoped to the organisation. */
export const registryRepo = {
  /**
   * The next number of the organisation's year, inside the caller's
   * transaction. The counter row is created at 0 if missing (a concurrent
   * creator waits on the unique key and then does nothing), then
   * incremented with `UPDATE … RETURNING`: on PostgreSQL the update takes the
   * row lock, so concurrent transactions queue until the holder commits or
   * rolls back; on SQLite the transaction holds the database's write lock.
   * Either way the number is only spent if the entry commits with it.
   */
  async nextSequence(trx: Transaction<Database>, organisationId: string, year: number): Promise<number> {
    await trx
      .insertInto('registry_counters')
      .values({ organisation_id: organisationId, year, last_number: 0 })
      .onConflict((oc) => oc.columns(['organisation_id', 'year']).doNothing())
      .execute();
    const row = await trx
      .updateTable('registry_counters')
      .set((eb) => ({ last_number: eb('last_number', '+', 1) }))
      .where('organisation_id', '=', organisationId)
      .where('year', '=', year)
      .returning('last_number')
      .executeTakeFirstOrThrow();
    return Number(row.last_number);
  },

  async insert(trx: Executor, row: RegistryEntriesTable): Promise<void> {
    await trx.insertInto('registry_entries').values(row).execute();
  },

  /** The entry a CSV names, in this organisation only. */
  byCsv(db: Executor, organisationId: string, csv: string): Promise<RegistryEntryRow | undefined> {
    return db.selectFrom('registry_entries').selectAll().where('organisation_id', '=', organisationId).where('csv', '=', csv).executeTakeFirst();
  },

  /** The entry of an appointment, if it was registered. */
  byAppointment(db: Executor, organisationId: string, appointmentId: string): Promise<RegistryEntryRow | undefined> {
    return db
      .selectFrom('registry_entries')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .executeTakeFirst();
  },

  /** Records the sealed receipt's digest, once: true for the writer that recorded it, false when it was already there. */
  async attachReceipt(
    db: Executor,
    organisationId: string,
    id: string,
    receipt: { sha256: string; size: number; sealedAt: string; sealSubject: string },
  ): Promise<boolean> {
    const result = await db
      .updateTable('registry_entries')
      .set({ receipt_sha256: receipt.sha256, receipt_size: receipt.size, receipt_sealed_at: receipt.sealedAt, receipt_seal_subject: receipt.sealSubject })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('receipt_sha256', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /** Numbers of an organisation's year in order (tests, audits). */
  async sequences(db: Executor, organisationId: string, year: number): Promise<number[]> {
    const rows = await db
      .selectFrom('registry_entries')
      .select('sequence')
      .where('organisation_id', '=', organisationId)
      .where('year', '=', year)
      .orderBy('sequence')
      .execute();
    return rows.map((r) => Number(r.sequence));
  },
};

/** The documents an appointment's entry lists: current (not replaced, withdrawn or purged), hashed, and not quarantined. */
export function annexDocuments(db: Executor, organisationId: string, appointmentId: string) {
  return db
    .selectFrom('documents')
    .select(['file_name', 'sha256', 'size'])
    .where('organisation_id', '=', organisationId)
    .where('appointment_id', '=', appointmentId)
    .where('superseded_at', 'is', null)
    .where('purged_at', 'is', null)
    .where('sha256', 'is not', null)
    .where('scan_status', '!=', 'infected')
    .orderBy('uploaded_at')
    .orderBy('id')
    .execute();
}

/** An appointment with its procedure's localised names (JSON), in this organisation only. */
export function appointmentToRegister(db: Executor, organisationId: string, appointmentId: string) {
  return db
    .selectFrom('appointments')
    .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
    .selectAll('appointments')
    .select('procedures.name as procedure_name')
    .where('appointments.organisation_id', '=', organisationId)
    .where('procedures.organisation_id', '=', organisationId)
    .where('appointments.id', '=', appointmentId)
    .executeTakeFirst();
}
