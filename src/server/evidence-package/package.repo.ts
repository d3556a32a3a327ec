import type { Insertable, Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { documentsRepo } from '../documents/documents.repo.ts';
import { snapshotsOf } from '../snapshots/snapshots.service.ts';
import type { EvidencePackageRow, EvidencePackagesTable } from './package.tables.ts';

type Executor = Db | Transaction<Database>;

/** Everything a package is made of, read in one go before anything is written. */
export type PackageSources = NonNullable<Awaited<ReturnType<typeof sources>>>;

async function sources(db: Executor, organisationId: string, appointmentId: string) {
  const appointment = await db
    .selectFrom('appointments')
    .innerJoin('procedures', 'procedures.id', 'appointments.procedure_id')
    .selectAll('appointments')
    .select(['procedures.code as procedure_code', 'procedures.classification as procedure_classification', 'procedures.sia_code as procedure_sia_code'])
    .where('appointments.organisation_id', '=', organisationId)
    .where('procedures.organisation_id', '=', organisationId)
    .where('appointments.id', '=', appointmentId)
    .executeTakeFirst();
  if (!appointment) return null;
  const [events, documents, entry, recording, snapshots, steps, form] = await Promise.all([
    db
      .selectFrom('appointment_events')
      .select(['type', 'actor', 'at', 'data'])
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointment.id)
      .orderBy('id')
      .execute(),
    documentsRepo.current(db, organisationId, appointment.id),
    db.selectFrom('registry_entries').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointment.id).executeTakeFirst(),
    db
      .selectFrom('recordings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointment.id)
      .where('file_blob_id', 'is not', null)
      .orderBy('started_at', 'desc')
      .executeTakeFirst(),
    snapshotsOf({ db }, organisationId, appointment.id),
    db.selectFrom('protocol_steps').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointment.id).orderBy('at').execute(),
    db.selectFrom('protocol_forms').selectAll().where('organisation_id', '=', organisationId).where('appointment_id', '=', appointment.id).executeTakeFirst(),
  ]);
  return {
    appointment,
    procedureCode: appointment.procedure_code,
    /** The ENI classification the administrator set, else the SIA code, else the procedure's code. */
    classification: appointment.procedure_classification ?? appointment.procedure_sia_code ?? appointment.procedure_code,
    events,
    documents,
    entry: entry ?? null,
    recording: recording ?? null,
    snapshots,
    steps,
    form: form ?? null,
  };
}

/** Evidence packages: the sources they are made of and the rows that record them. */
export const packageRepo = {
  sources,

  insert(db: Executor, row: Insertable<EvidencePackagesTable>) {
    return db.insertInto('evidence_packages').values(row).execute();
  },

  list(db: Executor, organisationId: string, appointmentId: string): Promise<EvidencePackageRow[]> {
    return db
      .selectFrom('evidence_packages')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
  },

  one(db: Executor, organisationId: string, appointmentId: string, id: string): Promise<EvidencePackageRow | undefined> {
    return db
      .selectFrom('evidence_packages')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('appointment_id', '=', appointmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
};
