/**
 * Minimising an appointment's personal data at the end of its retention
 * period (or on erasure): what identifies or describes the citizen goes;
 * what the office needs to account for the service stays — reference,
 * procedure, agent, dates, status, hashes, the registry number and the
 * delivery's acknowledgement. The registry entry itself is not touched: the
 * registry book is a legal record of its own (Ley 39/2015 art. 16) whose
 * keeping is not this platform's retention to decide.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { withRetentionColumns } from './retention.tables.ts';

type Trx = Transaction<Database>;

/**
 * History data keys whose string values are codes, ids, hashes or instants
 * (never free text or personal data); any other string is dropped. Keys
 * ending in `Id`, `Ids`, `At` or `sha256`/`Sha256` count too.
 */
const SAFE_STRING_KEYS = new Set(['reason', 'state', 'connector', 'kind', 'slot', 'status', 'was', 'via', 'by', 'from', 'to', 'outcome', 'step', 'decision', 'language', 'mediaType', 'number', 'idType', 'type', 'until', 'error', 'reference', 'attempt']);
const SAFE_KEY = /(Id|Ids|At|sha256|Sha256|hash|Hash)$/;
/** Codes and ids are short and plain; a longer or spaced value under a "safe" key is text after all. */
const CODE_LIKE = /^[A-Za-z0-9_.:@+\-/]{0,100}$/;

/**
 * A history event's data with free text and personal values removed:
 * numbers, booleans and nulls stay, strings only under keys that hold codes,
 * ids, hashes or instants (and only when they look like one), recursively.
 * E.g. a chat line keeps its message id and sender role, loses its text; a
 * document event keeps the id and hash, loses the file name.
 */
export function redactEventData(value: unknown, key = ''): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return (SAFE_STRING_KEYS.has(key) || SAFE_KEY.test(key)) && CODE_LIKE.test(value) && !value.includes('@') ? value : undefined;
  if (Array.isArray(value)) return value.map((v) => redactEventData(v, key)).filter((v) => v !== undefined);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const kept = redactEventData(v, k);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return undefined;
}

/** Redacts a stored JSON text; unreadable text becomes `{}`. */
function redactJson(json: string): string {
  try {
    return JSON.stringify(redactEventData(JSON.parse(json)) ?? {});
  } catch {
    return '{}';
  }
}

/**
 * Removes the citizen's personal data of one appointment, in the caller's
 * transaction. The appointment row is the claim: only the transaction that
 * sets `minimised_at` goes on (another process doing the same finds it set
 * and stops), so the rest runs once. Returns 1 when it minimised now, 0 when
 * it had been already.
 */
export async function minimiseAppointment(trx: Trx, organisationId: string, appointmentId: string, atIso: string): Promise<number> {
  const claimed = await withRetentionColumns(trx)
    .updateTable('appointments')
    .set({
      citizen_name: '',
      citizen_surnames: '',
      citizen_id_number: '',
      citizen_email: '',
      citizen_phone: '',
      // Accessibility needs can reveal a disability.
      needs: '{}',
      access_token_hash: null,
      password_hash: null,
      minimised_at: atIso,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', appointmentId)
    .where('minimised_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return 0;

  // The form's answers go; its hash (in the evidence) stays.
  await trx.updateTable('protocol_forms').set({ data: '{}', otp_hash: null, otp_expires_at: null }).where('appointment_id', '=', appointmentId).execute();
  for (const step of await trx.selectFrom('protocol_steps').select(['step', 'data']).where('appointment_id', '=', appointmentId).execute()) {
    await trx.updateTable('protocol_steps').set({ data: redactJson(step.data), reason: null }).where('appointment_id', '=', appointmentId).where('step', '=', step.step).execute();
  }
  // Chat lines, notes, file names, interpreters' names in the history.
  for (const event of await trx.selectFrom('appointment_events').select(['id', 'data']).where('appointment_id', '=', appointmentId).execute()) {
    const redacted = redactJson(event.data);
    if (redacted !== event.data) await trx.updateTable('appointment_events').set({ data: redacted }).where('id', '=', event.id).execute();
  }
  await trx.updateTable('call_wrapups').set({ note: null }).where('appointment_id', '=', appointmentId).execute();
  await trx.updateTable('citizen_surveys').set({ comment: null }).where('appointment_id', '=', appointmentId).execute();
  await trx.updateTable('interpreter_invitations').set({ name: null, email: null }).where('appointment_id', '=', appointmentId).execute();
  // A file name often carries the citizen's name ("DNI Joan Garcia.pdf"); the hash stays.
  await trx.updateTable('documents').set({ file_name: '' }).where('appointment_id', '=', appointmentId).execute();
  await trx.updateTable('document_uploads').set({ file_name: '' }).where('appointment_id', '=', appointmentId).execute();
  await trx.deleteFrom('citizen_sessions').where('appointment_id', '=', appointmentId).execute();
  await trx.deleteFrom('uploader_links').where('appointment_id', '=', appointmentId).execute();
  await trx.deleteFrom('survey_invitations').where('appointment_id', '=', appointmentId).execute();
  return 1;
}
