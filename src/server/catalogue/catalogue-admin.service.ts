import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Organisation, Procedure, RequiredDocument } from '../db/schema.ts';
import { isUniqueViolationOf } from '../db/database.ts';
import { errors } from '../http/errors.ts';
import { organisationLanguages } from '../organisations/organisation.present.ts';
import { invalidateProcedures } from '../booking/booking.service.ts';
import { protocolRepo } from '../protocol/protocol.repo.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import { formDefinition, type FormDefinition } from '../../shared/procedure-forms.ts';
import {
  DELIVERY_CONNECTORS,
  type AdminProcedure,
  type AdminRequiredDocument,
  type BlockingAppointment,
  type DeliveryConnector,
  type ProcedureInput,
  type RequiredDocumentInput,
} from '../../shared/catalogue-admin.ts';
import { catalogueAdminRepo } from './catalogue-admin.repo.ts';
import { procedureChannels } from './catalogue.present.ts';

/**
 * The catalogue as administrators change it (issue 9): procedures created,
 * edited, archived (never while appointments are still ahead) and restored;
 * their required documents (a document citizens already uploaded for is
 * retired, not deleted); their registry form. Every change is in force for
 * the next request: the booking cache of procedures is dropped here, and
 * other server processes drop theirs within seconds (its time to live).
 */

const BLOCKING_LIST_MAX = 20;

function texts(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Keeps only non-empty texts. */
function compact(text: Partial<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(text).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '').map(([k, v]) => [k, v.trim()]));
}

function connector(value: string): DeliveryConnector {
  return (DELIVERY_CONNECTORS as readonly string[]).includes(value) ? (value as DeliveryConnector) : 'none';
}

/** A procedure as the console shows it. */
export function presentAdminProcedure(p: Procedure, upcoming: number): AdminProcedure {
  return {
    id: p.id,
    code: p.code,
    name: texts(p.name),
    description: texts(p.description),
    durationMinutes: p.duration_minutes,
    bufferMinutes: p.buffer_minutes,
    minNoticeHours: p.min_notice_hours,
    maxAdvanceDays: p.max_advance_days,
    channels: procedureChannels(p),
    siaCode: p.sia_code ?? '',
    classification: p.classification ?? '',
    deliveryConnector: connector(p.delivery_connector),
    archived: p.active !== 1,
    archivedAt: p.archived_at,
    updatedAt: p.updated_at,
    upcomingAppointments: upcoming,
  };
}

function presentDocument(d: RequiredDocument): AdminRequiredDocument {
  let types: string[];
  try {
    types = JSON.parse(d.accepted_types) as string[];
  } catch {
    types = [];
  }
  return { id: d.id, name: texts(d.name), description: texts(d.description), mandatory: d.mandatory === 1, acceptedTypes: types, maxSizeMb: d.max_size_mb };
}

/** What the audit keeps of a procedure's settings. */
function procedureSnapshot(p: AdminProcedure): Snapshot {
  const { upcomingAppointments: _u, updatedAt: _t, archivedAt: _a, ...rest } = p;
  return rest;
}

/** Every enabled language needs the texts citizens read: a missing one is a field error like any other. */
function requireLanguages(org: Organisation, fields: { path: string; text: Partial<Record<string, string | undefined>> }[]): void {
  const issues = fields.flatMap(({ path, text }) =>
    organisationLanguages(org)
      .filter((lang) => !text[lang]?.trim())
      .map((lang) => ({ path: `${path}.${lang}`, code: 'required' })),
  );
  if (issues.length > 0) throw errors.validation(issues);
}

function rowOf(input: ProcedureInput) {
  return {
    code: input.code,
    name: JSON.stringify(compact(input.name)),
    description: JSON.stringify(compact(input.description)),
    duration_minutes: input.durationMinutes,
    buffer_minutes: input.bufferMinutes,
    min_notice_hours: input.minNoticeHours,
    max_advance_days: input.maxAdvanceDays,
    channels: JSON.stringify(input.channels),
    sia_code: input.siaCode || null,
    classification: input.classification || null,
    delivery_connector: input.deliveryConnector,
  };
}

function codeTaken(error: unknown): boolean {
  return isUniqueViolationOf(error, 'procedures_org_code', 'procedures.code');
}

/** Every procedure of the organisation, archived ones last. */
export async function listProcedures(ctx: AppContext, org: Organisation): Promise<AdminProcedure[]> {
  const rows = await catalogueAdminRepo.procedures(ctx.db, org.id, ctx.clock.now().toISOString());
  return rows.map((r) => presentAdminProcedure(r, r.upcoming)).sort((a, b) => Number(a.archived) - Number(b.archived));
}

/** One procedure with its documents and form (null: none set, the generic form applies). */
export async function procedureDetail(ctx: AppContext, org: Organisation, id: string) {
  const p = await catalogueAdminRepo.procedure(ctx.db, org.id, id);
  if (!p) throw errors.notFound();
  const nowIso = ctx.clock.now().toISOString();
  const [docs, upcoming, form] = await Promise.all([
    catalogueAdminRepo.documents(ctx.db, org.id, id),
    catalogueAdminRepo.upcomingAppointments(ctx.db, org.id, id, nowIso, 1000),
    protocolRepo.formDefinition(ctx.db, org.id, id),
  ]);
  return {
    procedure: presentAdminProcedure(p, upcoming.length),
    documents: docs.map(presentDocument),
    form: form ? (JSON.parse(form) as FormDefinition) : null,
  };
}

/** A change and what to record about it. */
export interface Changed<T> {
  value: T;
  before: Snapshot;
  after: Snapshot;
}

/** Creates a procedure (bookable at once, without documents or form). */
export async function createProcedure(ctx: AppContext, org: Organisation, input: ProcedureInput): Promise<Changed<AdminProcedure>> {
  requireLanguages(org, [
    { path: 'name', text: input.name },
    { path: 'description', text: input.description },
  ]);
  const now = ctx.clock.now().toISOString();
  const id = randomUUID();
  try {
    await ctx.db
      .insertInto('procedures')
      .values({ id, organisation_id: org.id, ...rowOf(input), active: 1, sort_order: (await catalogueAdminRepo.lastSortOrder(ctx.db, org.id)) + 1, created_at: now, updated_at: now })
      .execute();
  } catch (error) {
    if (codeTaken(error)) throw errors.conflict('procedure_code_taken', { code: input.code });
    throw error;
  }
  invalidateProcedures();
  const created = presentAdminProcedure((await catalogueAdminRepo.procedure(ctx.db, org.id, id)) as Procedure, 0);
  return { value: created, before: null, after: procedureSnapshot(created) };
}

/** Changes a procedure's settings; appointments already booked keep their time and length. */
export async function updateProcedure(ctx: AppContext, org: Organisation, id: string, input: ProcedureInput): Promise<Changed<AdminProcedure>> {
  const { procedure: before } = await procedureDetail(ctx, org, id);
  requireLanguages(org, [
    { path: 'name', text: input.name },
    { path: 'description', text: input.description },
  ]);
  try {
    await ctx.db
      .updateTable('procedures')
      .set({ ...rowOf(input), updated_at: ctx.clock.now().toISOString() })
      .where('organisation_id', '=', org.id)
      .where('id', '=', id)
      .execute();
  } catch (error) {
    if (codeTaken(error)) throw errors.conflict('procedure_code_taken', { code: input.code });
    throw error;
  }
  invalidateProcedures();
  const { procedure: after } = await procedureDetail(ctx, org, id);
  return { value: after, before: procedureSnapshot(before), after: procedureSnapshot(after) };
}

/** Archives a procedure: no longer offered; refused while appointments are still ahead (they are listed). */
export async function archiveProcedure(ctx: AppContext, org: Organisation, id: string): Promise<Changed<AdminProcedure>> {
  const p = await catalogueAdminRepo.procedure(ctx.db, org.id, id);
  if (!p) throw errors.notFound();
  const nowIso = ctx.clock.now().toISOString();
  const ahead = await catalogueAdminRepo.upcomingAppointments(ctx.db, org.id, id, nowIso, 1000);
  if (ahead.length > 0) {
    const appointments: BlockingAppointment[] = ahead.slice(0, BLOCKING_LIST_MAX).map((a) => ({ id: a.id, reference: a.reference, startsAt: a.starts_at, agentName: a.display_name }));
    throw errors.conflict('procedure_has_appointments', { count: ahead.length, appointments });
  }
  // Set only if still active and still without appointments ahead is not atomic across tables; a booking
  // racing this archive is refused by the booking cache within seconds, and the admin sees it listed.
  await ctx.db.updateTable('procedures').set({ active: 0, archived_at: nowIso, updated_at: nowIso }).where('organisation_id', '=', org.id).where('id', '=', id).execute();
  invalidateProcedures();
  const after = presentAdminProcedure({ ...p, active: 0, archived_at: nowIso, updated_at: nowIso }, 0);
  return { value: after, before: { archived: p.active !== 1 }, after: { archived: true } };
}

/** Offers an archived procedure again. */
export async function restoreProcedure(ctx: AppContext, org: Organisation, id: string): Promise<Changed<AdminProcedure>> {
  const p = await catalogueAdminRepo.procedure(ctx.db, org.id, id);
  if (!p) throw errors.notFound();
  const nowIso = ctx.clock.now().toISOString();
  await ctx.db.updateTable('procedures').set({ active: 1, archived_at: null, updated_at: nowIso }).where('organisation_id', '=', org.id).where('id', '=', id).execute();
  invalidateProcedures();
  return { value: presentAdminProcedure({ ...p, active: 1, archived_at: null, updated_at: nowIso }, 0), before: { archived: p.active !== 1 }, after: { archived: false } };
}

/**
 * Replaces a procedure's required documents by the list given, in its
 * order: listed ids are changed in place, new ones added, missing ones
 * removed — or retired when citizens uploaded for them, so those uploads
 * keep their reference and nothing is lost.
 */
export async function putDocuments(ctx: AppContext, org: Organisation, id: string, documents: RequiredDocumentInput[]): Promise<Changed<AdminRequiredDocument[]>> {
  const p = await catalogueAdminRepo.procedure(ctx.db, org.id, id);
  if (!p) throw errors.notFound();
  requireLanguages(
    org,
    documents.map((d, i) => ({ path: `documents.${i}.name`, text: d.name })),
  );
  const existing = await catalogueAdminRepo.documents(ctx.db, org.id, id);
  const known = new Set(existing.map((d) => d.id));
  const unknown = documents.findIndex((d) => d.id !== undefined && !known.has(d.id));
  if (unknown >= 0) throw errors.validation([{ path: `documents.${unknown}.id`, code: 'unknown_document' }]);
  const kept = new Set(documents.flatMap((d) => (d.id ? [d.id] : [])));
  const removed = existing.filter((d) => !kept.has(d.id)).map((d) => d.id);
  const nowIso = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const inUse = await catalogueAdminRepo.requirementsInUse(trx, org.id, removed);
    for (const docId of removed) {
      if (inUse.has(docId)) {
        await trx.updateTable('required_documents').set({ retired_at: nowIso }).where('organisation_id', '=', org.id).where('procedure_id', '=', id).where('id', '=', docId).execute();
      } else {
        await trx.deleteFrom('required_documents').where('organisation_id', '=', org.id).where('procedure_id', '=', id).where('id', '=', docId).execute();
      }
    }
    for (const [i, d] of documents.entries()) {
      const values = {
        name: JSON.stringify(compact(d.name)),
        description: JSON.stringify(compact(d.description)),
        mandatory: d.mandatory ? 1 : 0,
        accepted_types: JSON.stringify([...new Set(d.acceptedTypes)]),
        max_size_mb: d.maxSizeMb,
        sort_order: i,
      };
      if (d.id) await trx.updateTable('required_documents').set(values).where('organisation_id', '=', org.id).where('id', '=', d.id).execute();
      else await trx.insertInto('required_documents').values({ id: randomUUID(), organisation_id: org.id, procedure_id: id, ...values }).execute();
    }
    await trx.updateTable('procedures').set({ updated_at: nowIso }).where('organisation_id', '=', org.id).where('id', '=', id).execute();
  });
  invalidateProcedures();
  const after = (await catalogueAdminRepo.documents(ctx.db, org.id, id)).map(presentDocument);
  const snap = (list: AdminRequiredDocument[]): Snapshot => ({ documents: list.map((d) => ({ ...d })) });
  return { value: after, before: snap(existing.map(presentDocument)), after: snap(after) };
}

/**
 * Sets a procedure's registry form, for every call from then on — refused
 * while a call of the procedure is under way (the agent is filling in the
 * form as it stands; those calls are listed), so no one's typing is lost.
 */
export async function putForm(ctx: AppContext, org: Organisation, id: string, definition: FormDefinition): Promise<Changed<FormDefinition>> {
  const p = await catalogueAdminRepo.procedure(ctx.db, org.id, id);
  if (!p) throw errors.notFound();
  const inCall = await catalogueAdminRepo.callsUnderWay(ctx.db, org.id, id);
  if (inCall.length > 0) {
    const appointments: BlockingAppointment[] = inCall.map((a) => ({ id: a.id, reference: a.reference, startsAt: a.starts_at, agentName: a.display_name }));
    throw errors.conflict('procedure_form_in_use', { count: appointments.length, appointments });
  }
  const checked = formDefinition.parse(definition);
  const beforeJson = await protocolRepo.formDefinition(ctx.db, org.id, id);
  const nowIso = ctx.clock.now().toISOString();
  await protocolRepo.putFormDefinition(ctx.db, org.id, id, JSON.stringify(checked), nowIso);
  await ctx.db.updateTable('procedures').set({ updated_at: nowIso }).where('organisation_id', '=', org.id).where('id', '=', id).execute();
  return { value: checked, before: { form: beforeJson ? (JSON.parse(beforeJson) as Snapshot) : null }, after: { form: checked as unknown as Snapshot } };
}
