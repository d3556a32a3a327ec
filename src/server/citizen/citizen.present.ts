import type { AppContext } from '../context.ts';
import type { Appointment, Organisation } from '../db/schema.ts';
import { catalogueRepo } from '../catalogue/catalogue.repo.ts';
import { localised, presentRequiredDocument } from '../catalogue/catalogue.present.ts';
import { changeDeadline } from '../booking/deadlines.ts';
import { OPEN_STATUSES } from '../../shared/limits.ts';
import { pickLocalised } from '../../shared/localised.ts';
import { opensAt } from '../realtime/realtime.present.ts';
import type { CitizenAppointmentView } from './citizen.schema.ts';

/** The appointment as its citizen may see it: their own data, never staff-side fields. */
export async function presentCitizenAppointment(
  ctx: AppContext,
  org: Organisation,
  a: Appointment,
  lang: string,
): Promise<CitizenAppointmentView> {
  const procedure = await catalogueRepo.procedure(ctx.db, org.id, a.procedure_id);
  const docs = await catalogueRepo.requiredDocuments(ctx.db, org.id, [a.procedure_id]);
  const deadline = changeDeadline(org, a);
  const needs = JSON.parse(a.needs) as CitizenAppointmentView['citizen']['needs'];
  const entry = await ctx.db
    .selectFrom('registry_entries')
    .select(['number', 'created_at'])
    .where('organisation_id', '=', org.id)
    .where('appointment_id', '=', a.id)
    .where('receipt_sha256', 'is not', null)
    .executeTakeFirst();
  return {
    reference: a.reference,
    status: a.status,
    startsAt: a.starts_at,
    endsAt: a.ends_at,
    timeZone: org.time_zone,
    uploadDeadline: a.upload_deadline,
    waitingRoomOpensAt: opensAt(org, a).toISOString(),
    changeDeadline: deadline.toISOString(),
    canChange: (OPEN_STATUSES as readonly string[]).includes(a.status) && ctx.clock.now() < deadline,
    receipt: entry ? { number: entry.number, registeredAt: entry.created_at } : null,
    procedure: {
      id: a.procedure_id,
      name: procedure ? pickLocalised(localised(procedure.name), lang) : '',
      requiredDocuments: docs.map((d) => presentRequiredDocument(d, lang)),
    },
    citizen: {
      name: a.citizen_name,
      surnames: a.citizen_surnames,
      email: a.citizen_email,
      phone: a.citizen_phone,
      language: a.language,
      needs: {
        signLanguage: needs.signLanguage === true,
        languageInterpreter: needs.languageInterpreter ?? null,
        other: needs.other ?? null,
      },
    },
  };
}
