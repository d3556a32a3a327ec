import type { Db } from '../db/database.ts';
import type { Appointment, RequiredDocument } from '../db/schema.ts';
import { localised } from '../catalogue/catalogue.present.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { translate } from '../i18n/translate.ts';
import { documentsRepo } from './documents.repo.ts';

/**
 * The documents of an appointment the office currently rejects, with the
 * slot's name in the citizen's language and the office's reason: what the
 * "a document needs correcting" email lists. A document replaced since is
 * no longer listed.
 */
export async function rejectedDocuments(
  db: Db,
  appointment: Pick<Appointment, 'id' | 'organisation_id'>,
  requirements: readonly RequiredDocument[],
  language: string,
): Promise<{ name: string; fileName: string; reason: string }[]> {
  const docs = await documentsRepo.current(db, appointment.organisation_id, appointment.id);
  return docs
    .filter((d) => d.review_status === 'rejected')
    .map((d) => {
      const requirement = requirements.find((r) => r.id === d.requirement_id);
      return {
        name: requirement ? pickLocalised(localised(requirement.name), language) : translate(language, 'mail.rejected.other'),
        fileName: d.file_name,
        reason: d.rejection_reason ?? '',
      };
    });
}
