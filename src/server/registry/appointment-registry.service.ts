import type { AppContext } from '../context.ts';
import type { AppointmentStatus, Organisation, Staff } from '../db/schema.ts';
import { bookingRepo } from '../booking/booking.repo.ts';
import { AppError, errors } from '../http/errors.ts';
import { attendedAppointment } from '../workspace/workspace.service.ts';
import { isLanguage } from '../../shared/limits.ts';
import { issueReceipt } from './receipt.service.ts';
import { annexDocuments, appointmentToRegister, registryRepo } from './registry.repo.ts';
import { createEntry } from './registry.service.ts';
import type { RegistryEntryRow } from './registry.tables.ts';

/** Appointments that can no longer be registered: nothing was presented. */
const UNREGISTRABLE: readonly AppointmentStatus[] = ['cancelled', 'desisted', 'not_conclusive'];

/** What registering an appointment gives. */
export interface AppointmentRegistration {
  entry: RegistryEntryRow;
  number: string;
  csv: string;
  /** The sealed receipt's blob key in the encrypted store. */
  receiptKey: string;
}

/**
 * Registers what the citizen presented in an appointment: a registry entry
 * (next number of the year; the interested party and procedure from the
 * booking; the current documents with their SHA-256 as annexes) and its
 * sealed receipt, in the citizen's language. The entry and its history
 * event commit together; the receipt is sealed after the commit (a TSA may
 * take seconds, no lock is held meanwhile) and a second call completes a
 * receipt a crash left unmade. One entry per appointment: calling again
 * answers the same entry, whatever data it is given.
 */
export async function registerAppointment(
  ctx: AppContext,
  org: Organisation,
  appointmentId: string,
  formData: Record<string, unknown>,
  summary: string,
  actor: string,
): Promise<AppointmentRegistration> {
  let entry = await registryRepo.byAppointment(ctx.db, org.id, appointmentId);
  if (!entry) {
    const appointment = await appointmentToRegister(ctx.db, org.id, appointmentId);
    if (!appointment) throw errors.notFound();
    if (UNREGISTRABLE.includes(appointment.status)) throw errors.conflict('appointment_closed');
    const documents = await annexDocuments(ctx.db, org.id, appointment.id);
    try {
      entry = await createEntry(
        ctx,
        org,
        {
          appointmentId: appointment.id,
          procedure: { id: appointment.procedure_id, name: appointment.procedure_name },
          interested: { name: `${appointment.citizen_name} ${appointment.citizen_surnames}`.trim(), idType: appointment.citizen_id_type, idNumber: appointment.citizen_id_number },
          summary,
          formData,
          annexes: documents.map((d) => ({ name: d.file_name, sha256: d.sha256 ?? '', size: Number(d.size) })),
          language: isLanguage(appointment.language) ? appointment.language : 'ca',
          createdBy: actor,
        },
        (trx, row) =>
          bookingRepo.addEvent(trx, org.id, appointment.id, 'registry.registered', actor, row.created_at, {
            entryId: row.id,
            number: row.number,
            annexes: documents.map((d) => ({ name: d.file_name, sha256: d.sha256 })),
          }),
      );
    } catch (error) {
      // Two clicks at once: the unique (organisation, appointment) key let one entry in; answer that one.
      entry = await registryRepo.byAppointment(ctx.db, org.id, appointmentId);
      if (!entry) throw error;
    }
  }
  if (entry.receipt_sha256 === null) {
    try {
      await issueReceipt(ctx, org, entry);
    } catch (error) {
      // The entry and its number stand; the receipt is completed by the next call (e.g. once the TSA answers again).
      ctx.log.error({ err: error, entryId: entry.id }, 'registry receipt could not be sealed');
      throw new AppError(503, 'receipt_not_ready');
    }
    entry = (await registryRepo.byAppointment(ctx.db, org.id, appointmentId)) ?? entry;
  }
  return { entry, number: entry.number, csv: entry.csv, receiptKey: entry.receipt_blob_id };
}

/**
 * Staff may register an appointment they can see (another office's: 404)
 * if they are its agent, a supervisor or an administrator (another agent: 403).
 */
export async function registerAppointmentAsStaff(
  ctx: AppContext,
  org: Organisation,
  viewer: Staff,
  appointmentId: string,
  formData: Record<string, unknown>,
  summary: string,
): Promise<AppointmentRegistration> {
  const appointment = await attendedAppointment(ctx, org, viewer, appointmentId);
  return registerAppointment(ctx, org, appointment.id, formData, summary, `staff:${viewer.id}`);
}
