/**
 * The app's SQLite database before and after its turn: seeded with what an
 * upload needs, then read for the SHA-256 the app recorded. Both run in a
 * child process (`upload.ts prepare` / `upload.ts recorded`): the app's
 * modules would otherwise weigh on the measuring process's garbage collector.
 */
import { randomUUID } from 'node:crypto';
import { BYTES } from './config.ts';

/** A fresh database with one organisation and one booked appointment whose citizen has credentials, as uploads.crash.test.ts prepares it. */
export async function prepareApp(dbFile: string): Promise<{ appointmentId: string; credentials: { token: string; password: string } }> {
  const { migrateToLatest, openDatabase } = await import('../../src/server/db/database.ts');
  const { seedOrganisation } = await import('../../src/server/seed/demo.seed.ts');
  const { issueCredentials } = await import('../../src/server/citizen/credentials.ts');
  const { db } = openDatabase({ kind: 'sqlite', file: dbFile });
  try {
    await migrateToLatest(db);
    const now = new Date();
    const { organisationId } = await seedOrganisation(db, { now, slug: 'bench', agents: 1 });
    const agentRow = await db.selectFrom('staff').select('id').where('organisation_id', '=', organisationId).where('role', '=', 'agent').executeTakeFirstOrThrow();
    const procedure = await db.selectFrom('procedures').select('id').where('organisation_id', '=', organisationId).executeTakeFirstOrThrow();
    const appointmentId = randomUUID();
    const starts = new Date(now.getTime() + 7 * 86_400_000);
    await db
      .insertInto('appointments')
      .values({
        id: appointmentId,
        organisation_id: organisationId,
        reference: 'BENCH-1',
        procedure_id: procedure.id,
        agent_id: agentRow.id,
        channel: 'video',
        status: 'booked',
        starts_at: starts.toISOString(),
        ends_at: new Date(starts.getTime() + 15 * 60_000).toISOString(),
        busy_start_unit: 0,
        busy_end_unit: 0,
        citizen_name: 'Núria',
        citizen_surnames: 'Puig',
        citizen_id_type: 'nif',
        citizen_id_number: '12345678Z',
        citizen_email: 'nuria@example.org',
        citizen_phone: '600000000',
        language: 'ca',
        needs: JSON.stringify({ signLanguage: false, languageInterpreter: null, other: null }),
        access_token_hash: null,
        password_hash: null,
        failed_logins: 0,
        locked_until: null,
        upload_deadline: new Date(starts.getTime() - 48 * 3_600_000).toISOString(),
        ics_sequence: 0,
        cancelled_at: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .execute();
    return { appointmentId, credentials: await issueCredentials(db, organisationId, appointmentId) };
  } finally {
    await db.destroy();
  }
}

/** The SHA-256 the app recorded for the appointment's one document. */
export async function recordedDocumentSha256(dbFile: string, appointmentId: string): Promise<string> {
  const { openDatabase } = await import('../../src/server/db/database.ts');
  const { db } = openDatabase({ kind: 'sqlite', file: dbFile });
  try {
    // The measured upload is the appointment's last document (the one before is the warm-up's).
    const doc = await db
      .selectFrom('documents')
      .select(['sha256', 'size'])
      .where('appointment_id', '=', appointmentId)
      .orderBy('uploaded_at', 'desc')
      .executeTakeFirstOrThrow();
    if (doc.size !== BYTES || doc.sha256 === null) throw new Error(`the app recorded ${doc.size} bytes and SHA-256 ${doc.sha256 ?? '(none)'}, not ${BYTES} bytes`);
    return doc.sha256;
  } finally {
    await db.destroy();
  }
}
