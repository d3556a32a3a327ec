import { onAppointmentChange, type AppointmentChange } from '../booking/appointment-hooks.ts';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { purgeAppointmentDocuments } from './documents.service.ts';

/**
 * A cancelled appointment keeps no documents: they are marked for
 * crypto-shredding in the cancellation's own transaction, so no cancelled
 * appointment can be left holding them whatever crashes afterwards.
 */
async function purgeOnCancel(trx: Transaction<Database>, change: AppointmentChange): Promise<void> {
  if (change.type !== 'cancelled') return;
  await purgeAppointmentDocuments(trx, change.appointment, 'cancelled', change.at);
}

onAppointmentChange(purgeOnCancel);
