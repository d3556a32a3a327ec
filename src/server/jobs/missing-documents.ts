import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Appointment, RequiredDocument } from '../db/schema.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { documentsRepo } from '../documents/documents.repo.ts';

/**
 * The mandatory documents of an appointment's procedure that the citizen has
 * not provided yet, in catalogue order. The one place the documents
 * reminder (whether to send it) and its email (what to list) ask.
 *
 * A document counts as provided while it is current and neither rejected by
 * the office nor quarantined by the scanner (those need a new upload).
 */
export async function missingMandatoryDocuments(
  ctx: Pick<AppContext, 'db'>,
  appointment: Pick<Appointment, 'organisation_id' | 'procedure_id'> & Partial<Pick<Appointment, 'id'>>,
  db: Db = ctx.db,
): Promise<RequiredDocument[]> {
  const docs = await catalogueRepo.requiredDocuments(db, appointment.organisation_id, [appointment.procedure_id]);
  const provided = new Set(
    appointment.id === undefined
      ? []
      : (await documentsRepo.current(db, appointment.organisation_id, appointment.id))
          .filter((d) => d.review_status !== 'rejected' && d.scan_status !== 'infected')
          .map((d) => d.requirement_id),
  );
  return docs.filter((d) => d.mandatory === 1 && !provided.has(d.id));
}
