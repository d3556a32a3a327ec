import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Appointment, RequiredDocument } from '../db/schema.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';

/**
 * The mandatory documents of an appointment's procedure that the citizen has
 * not provided yet, in catalogue order. The one place the documents
 * reminder (whether to send it) and its email (what to list) ask.
 *
 * Uploads do not exist yet, so every mandatory document counts as missing.
 * The document space replaces this body with a query of what was uploaded
 * and accepted; its callers stay as they are.
 */
export async function missingMandatoryDocuments(
  ctx: Pick<AppContext, 'db'>,
  appointment: Pick<Appointment, 'organisation_id' | 'procedure_id'>,
  db: Db = ctx.db,
): Promise<RequiredDocument[]> {
  const docs = await catalogueRepo.requiredDocuments(db, appointment.organisation_id, [appointment.procedure_id]);
  return docs.filter((d) => d.mandatory === 1);
}
