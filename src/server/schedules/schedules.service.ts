/**
 * Offices, agents' weekly hours and closures (issue 9): the rules. Every
 * change of hours goes through `applyWithoutOrphans`, which refuses one that
 * would strand a booked appointment and makes the change visible to
 * booking at once.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { AgentSchedule, Organisation, ScheduleException } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { invalidateSchedules, localDateOf } from '../availability/availability.service.ts';
import { addDays } from '../availability/zone-clock.ts';
import type { Snapshot } from '../admin/admin-kit.ts';
import { IcsFormatError, readIcs, type IcsClosure } from './ics-import.ts';
import { applyWithoutOrphans } from './orphans.ts';
import { schedulesRepo } from './schedules.repo.ts';
import type { AgentScheduleView, AgentView, ClosureRequest, ClosureView, ImportView, OfficeView, WindowRequest, WindowView } from './schedules.schema.ts';

/** What a change reports to the route for the audit trail. */
export interface Changed<T> {
  value: T;
  target: string;
  before: Snapshot;
  after: Snapshot;
}

// ---- Offices ---------------------------------------------------------------

/** Every office with how many staff belong to it and windows are worked there. */
export async function listOffices(ctx: AppContext, org: Organisation): Promise<OfficeView[]> {
  const rows = await schedulesRepo.offices(ctx.db, org.id);
  return rows.map((r) => ({ id: r.id, name: r.name, staff: Number(r.staff ?? 0), windows: Number(r.windows ?? 0) }));
}

async function uniqueName(ctx: AppContext, org: Organisation, name: string, exceptId?: string): Promise<void> {
  const same = await schedulesRepo.officeByName(ctx.db, org.id, name);
  if (same && same.id !== exceptId) throw errors.conflict('office_name_taken', { name });
}

/** Creates an office (names are unique within the organisation). */
export async function createOffice(ctx: AppContext, org: Organisation, name: string): Promise<Changed<OfficeView>> {
  await uniqueName(ctx, org, name);
  const id = randomUUID();
  await schedulesRepo.insertOffice(ctx.db, { id, organisation_id: org.id, name, created_at: ctx.clock.now().toISOString() });
  return { value: { id, name, staff: 0, windows: 0 }, target: `office:${id}`, before: null, after: { name } };
}

/** Renames an office. */
export async function renameOffice(ctx: AppContext, org: Organisation, id: string, name: string): Promise<Changed<OfficeView>> {
  const office = await schedulesRepo.office(ctx.db, org.id, id);
  if (!office) throw errors.notFound();
  await uniqueName(ctx, org, name, id);
  await schedulesRepo.renameOffice(ctx.db, org.id, id, name);
  const use = await schedulesRepo.officeUse(ctx.db, id);
  return { value: { id, name, ...use }, target: `office:${id}`, before: { name: office.name }, after: { name } };
}

/** Removes an office nobody belongs to and no window is worked at; otherwise 409 with what still uses it. */
export async function removeOffice(ctx: AppContext, org: Organisation, id: string): Promise<Changed<null>> {
  const office = await schedulesRepo.office(ctx.db, org.id, id);
  if (!office) throw errors.notFound();
  const use = await schedulesRepo.officeUse(ctx.db, id);
  if (use.staff > 0 || use.windows > 0) throw errors.conflict('office_in_use', use);
  await schedulesRepo.deleteOffice(ctx.db, org.id, id);
  return { value: null, target: `office:${id}`, before: { name: office.name }, after: null };
}

// ---- Agents and weekly windows ---------------------------------------------

/** The organisation's staff (active first), each with their offices and number of weekly windows. */
export async function listAgents(ctx: AppContext, org: Organisation): Promise<AgentView[]> {
  const [staff, memberships] = await Promise.all([schedulesRepo.staff(ctx.db, org.id), schedulesRepo.memberships(ctx.db, org.id)]);
  return staff
    .map((s) => ({
      id: s.id,
      displayName: s.display_name,
      email: s.email,
      role: s.role,
      active: s.active === 1,
      offices: memberships.filter((m) => m.staff_id === s.id).map((m) => ({ id: m.id, name: m.name })),
      windows: Number(s.windows ?? 0),
    }))
    .sort((a, b) => Number(b.active) - Number(a.active));
}

function presentWindow(w: AgentSchedule): WindowView {
  return { id: w.id, weekday: w.weekday, start: w.start_time, end: w.end_time, validFrom: w.valid_from, validTo: w.valid_to, officeId: w.office_id };
}

function windowSnapshot(w: AgentSchedule | null): Snapshot {
  return w ? { weekday: w.weekday, start: w.start_time, end: w.end_time, validFrom: w.valid_from, validTo: w.valid_to, officeId: w.office_id } : null;
}

/** One agent's page: the agent, their weekly windows and the offices to choose from. */
export async function agentSchedule(ctx: AppContext, org: Organisation, staffId: string): Promise<AgentScheduleView> {
  const agent = (await listAgents(ctx, org)).find((a) => a.id === staffId);
  if (!agent) throw errors.notFound();
  const [windows, offices] = await Promise.all([schedulesRepo.windows(ctx.db, org.id, staffId), schedulesRepo.offices(ctx.db, org.id)]);
  return { agent, windows: windows.map(presentWindow), offices: offices.map((o) => ({ id: o.id, name: o.name })) };
}

const MIN_DATE = '0000-01-01';
const MAX_DATE = '9999-12-31';

/** Two windows of one agent overlap when they share a weekday, some time of it and some date of their ranges. */
export function windowsOverlap(a: Pick<WindowRequest, 'weekday' | 'start' | 'end' | 'validFrom' | 'validTo'>, b: Pick<WindowRequest, 'weekday' | 'start' | 'end' | 'validFrom' | 'validTo'>): boolean {
  if (a.weekday !== b.weekday) return false;
  if (!(a.start < b.end && b.start < a.end)) return false;
  return (a.validFrom ?? MIN_DATE) <= (b.validTo ?? MAX_DATE) && (b.validFrom ?? MIN_DATE) <= (a.validTo ?? MAX_DATE);
}

async function checkWindow(ctx: AppContext, org: Organisation, staffId: string, w: WindowRequest, exceptId?: string): Promise<void> {
  if (w.officeId && !(await schedulesRepo.office(ctx.db, org.id, w.officeId))) throw errors.validation([{ path: 'officeId', code: 'unknown_office' }]);
  const others = (await schedulesRepo.windows(ctx.db, org.id, staffId)).filter((o) => o.id !== exceptId);
  const clash = others.find((o) => windowsOverlap(w, { weekday: o.weekday, start: o.start_time, end: o.end_time, validFrom: o.valid_from, validTo: o.valid_to }));
  if (clash) throw errors.conflict('window_overlaps', { window: presentWindow(clash) });
}

async function member(ctx: AppContext, org: Organisation, staffId: string) {
  const m = await schedulesRepo.member(ctx.db, org.id, staffId);
  if (!m) throw errors.notFound();
  return m;
}

/** Adds a weekly window to an agent (more hours never strand anyone). */
export async function addWindow(ctx: AppContext, org: Organisation, staffId: string, w: WindowRequest): Promise<Changed<WindowView>> {
  await member(ctx, org, staffId);
  await checkWindow(ctx, org, staffId, w);
  const row: AgentSchedule = { id: randomUUID(), organisation_id: org.id, staff_id: staffId, weekday: w.weekday, start_time: w.start, end_time: w.end, valid_from: w.validFrom, valid_to: w.validTo, office_id: w.officeId };
  await schedulesRepo.insertWindow(ctx.db, row);
  invalidateSchedules(org.id);
  return { value: presentWindow(row), target: `staff:${staffId}`, before: null, after: windowSnapshot(row) };
}

/** Changes a window (times, weekday, date range, office), unless that strands a booked appointment. */
export async function changeWindow(ctx: AppContext, org: Organisation, staffId: string, windowId: string, w: WindowRequest, lang: string): Promise<Changed<WindowView>> {
  await member(ctx, org, staffId);
  const old = await schedulesRepo.window(ctx.db, org.id, staffId, windowId);
  if (!old) throw errors.notFound();
  await checkWindow(ctx, org, staffId, w, windowId);
  const row: AgentSchedule = { ...old, weekday: w.weekday, start_time: w.start, end_time: w.end, valid_from: w.validFrom, valid_to: w.validTo, office_id: w.officeId };
  await applyWithoutOrphans(ctx, org, { agentIds: [staffId] }, lang, (trx) => schedulesRepo.updateWindow(trx, row));
  return { value: presentWindow(row), target: `staff:${staffId}`, before: windowSnapshot(old), after: windowSnapshot(row) };
}

/** Removes a window, unless that strands a booked appointment. */
export async function removeWindow(ctx: AppContext, org: Organisation, staffId: string, windowId: string, lang: string): Promise<Changed<null>> {
  await member(ctx, org, staffId);
  const old = await schedulesRepo.window(ctx.db, org.id, staffId, windowId);
  if (!old) throw errors.notFound();
  await applyWithoutOrphans(ctx, org, { agentIds: [staffId] }, lang, (trx) => schedulesRepo.deleteWindow(trx, org.id, windowId));
  return { value: null, target: `staff:${staffId}`, before: windowSnapshot(old), after: null };
}

// ---- Closures --------------------------------------------------------------

function presentClosure(c: ScheduleException, staffName: string | null): ClosureView {
  return { id: c.id, date: c.date, staffId: c.staff_id, staffName, kind: c.kind, start: c.start_time, end: c.end_time, reason: c.reason };
}

function closureSnapshot(c: ScheduleException): Snapshot {
  return { date: c.date, staffId: c.staff_id, kind: c.kind, start: c.start_time, end: c.end_time, reason: c.reason };
}

/** Closures and special days between two local dates. */
export async function listClosures(ctx: AppContext, org: Organisation, from: string, to: string): Promise<ClosureView[]> {
  if (addDays(from, 400) < to) throw errors.validation([{ path: 'to', code: 'range_too_long' }]);
  const rows = await schedulesRepo.closures(ctx.db, org.id, from, to);
  return rows.map((r) => presentClosure({ ...r, organisation_id: org.id }, r.staff_name));
}

async function staffName(ctx: AppContext, org: Organisation, staffId: string | null, path: string): Promise<string | null> {
  if (!staffId) return null;
  const m = await schedulesRepo.member(ctx.db, org.id, staffId);
  if (!m) throw errors.validation([{ path, code: 'unknown_agent' }]);
  return m.display_name;
}

/** Adds a closure (whole organisation or one agent, whole day or part) or one agent's special hours, unless it strands a booked appointment. */
export async function addClosure(ctx: AppContext, org: Organisation, c: ClosureRequest, lang: string): Promise<Changed<ClosureView>> {
  const name = await staffName(ctx, org, c.staffId, 'staffId');
  const row: ScheduleException = { id: randomUUID(), organisation_id: org.id, staff_id: c.staffId, date: c.date, kind: c.kind, start_time: c.start, end_time: c.end, reason: c.reason };
  const scope = { agentIds: c.staffId ? [c.staffId] : null, fromDate: c.date, toDate: c.date };
  await applyWithoutOrphans(ctx, org, scope, lang, (trx) => schedulesRepo.insertClosures(trx, [row]));
  return { value: presentClosure(row, name), target: c.staffId ? `staff:${c.staffId}` : `organisation:${org.id}`, before: null, after: closureSnapshot(row) };
}

/** Removes a closure or special day (removing special hours can strand appointments too). */
export async function removeClosure(ctx: AppContext, org: Organisation, id: string, lang: string): Promise<Changed<null>> {
  const old = await schedulesRepo.closure(ctx.db, org.id, id);
  if (!old) throw errors.notFound();
  const scope = { agentIds: old.staff_id ? [old.staff_id] : null, fromDate: old.date, toDate: old.date };
  await applyWithoutOrphans(ctx, org, scope, lang, (trx) => schedulesRepo.deleteClosure(trx, org.id, id));
  return { value: null, target: old.staff_id ? `staff:${old.staff_id}` : `organisation:${org.id}`, before: closureSnapshot(old), after: null };
}

/**
 * Reads an .ics file into closures (of the whole organisation, or of one
 * agent) and, with `commit`, adds them — all or none, and none that would
 * strand a booked appointment. Days already closed all day for the same
 * people are skipped ("already_closed"), so importing a file twice adds
 * nothing.
 */
export async function importClosures(
  ctx: AppContext,
  org: Organisation,
  req: { content: string; staffId: string | null; commit: boolean },
  lang: string,
): Promise<Changed<ImportView>> {
  if (Buffer.byteLength(req.content, 'utf8') > 256 * 1024) throw errors.validation([{ path: 'content', code: 'file_too_large' }]);
  await staffName(ctx, org, req.staffId, 'staffId');
  const today = localDateOf(org, ctx.clock.now().getTime());
  let read: ReturnType<typeof readIcs>;
  try {
    read = readIcs(req.content, org.time_zone, today);
  } catch (error) {
    if (error instanceof IcsFormatError) throw errors.validation([{ path: 'content', code: 'not_icalendar' }]);
    throw error;
  }
  const dates = read.closures.map((c) => c.date).sort();
  const first = dates[0];
  const last = dates[dates.length - 1];
  const existing = first && last ? await schedulesRepo.closures(ctx.db, org.id, first, last) : [];
  const closedAllDay = new Set(existing.filter((e) => e.kind === 'closed' && e.start_time === null && e.staff_id === req.staffId).map((e) => e.date));
  const closures: IcsClosure[] = [];
  const skipped = [...read.skipped];
  for (const c of read.closures) {
    if (closedAllDay.has(c.date)) {
      skipped.push({ summary: c.summary, line: 0, reason: 'already_closed' });
      continue;
    }
    if (c.start === null) closedAllDay.add(c.date);
    closures.push(c);
  }
  const view: ImportView = { committed: false, closures, skipped };
  if (!req.commit || closures.length === 0 || !first || !last) return { value: view, target: `organisation:${org.id}`, before: null, after: null };
  const rows: ScheduleException[] = closures.map((c) => ({
    id: randomUUID(),
    organisation_id: org.id,
    staff_id: req.staffId,
    date: c.date,
    kind: 'closed',
    start_time: c.start,
    end_time: c.end,
    reason: c.summary,
  }));
  await applyWithoutOrphans(ctx, org, { agentIds: req.staffId ? [req.staffId] : null, fromDate: first, toDate: last }, lang, (trx) => schedulesRepo.insertClosures(trx, rows));
  return {
    value: { ...view, committed: true },
    target: req.staffId ? `staff:${req.staffId}` : `organisation:${org.id}`,
    before: null,
    after: { imported: rows.length, dates: [...new Set(rows.map((r) => r.date))], skipped: skipped.length },
  };
}
