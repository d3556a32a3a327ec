import type { AppContext } from '../context.ts';
import type { Organisation } from '../db/schema.ts';
import { ZoneClock } from '../availability/zone-clock.ts';
import { AUDIT_PAGE_SIZE, type AuditPageView, type AuditQuery } from '../../shared/audit.ts';

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in the organisation's zone. */
function localMidnight(date: string, timeZone: string): string {
  return new Date(new ZoneClock(timeZone, date, date).localToMs(date, '00:00')).toISOString();
}

function nextDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * One page of the organisation's audit trail, newest first, filtered by
 * action (an exact action or a prefix ending in "."), member of staff,
 * appointment reference and local dates. Uses the primary key (organisation,
 * number) to page, so a page costs the same at the start and deep in a long
 * trail.
 */
export async function searchAudit(ctx: AppContext, org: Organisation, q: AuditQuery): Promise<AuditPageView> {
  let query = ctx.db
    .selectFrom('audit_log as l')
    .leftJoin('appointments as a', (j) => j.onRef('a.id', '=', 'l.appointment_id').on('a.organisation_id', '=', org.id))
    .select(['l.seq', 'l.at', 'l.actor', 'l.action', 'l.appointment_id', 'l.target', 'l.ip', 'l.details', 'a.reference'])
    .where('l.organisation_id', '=', org.id);
  if (q.action) query = q.action.endsWith('.') ? query.where('l.action', 'like', `${q.action.replace(/[%_]/g, '\\$&')}%`) : query.where('l.action', '=', q.action);
  if (q.staffId) query = query.where('l.actor', '=', `staff:${q.staffId}`);
  if (q.reference) query = query.where('a.reference', '=', q.reference.toUpperCase());
  if (q.from) query = query.where('l.at', '>=', localMidnight(q.from, org.time_zone));
  if (q.to) query = query.where('l.at', '<', localMidnight(nextDay(q.to), org.time_zone));
  if (q.before) query = query.where('l.seq', '<', q.before);
  const rows = await query.orderBy('l.seq', 'desc').limit(AUDIT_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const staff = await ctx.db.selectFrom('staff').select(['id', 'display_name']).where('organisation_id', '=', org.id).orderBy('display_name').execute();
  const names = new Map(staff.map((s) => [`staff:${s.id}`, s.display_name]));
  return {
    entries: page.map((r) => {
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(r.details) as Record<string, unknown>;
      } catch {
        details = {};
      }
      return {
        seq: Number(r.seq),
        at: r.at,
        actor: r.actor,
        actorName: names.get(r.actor) ?? null,
        action: r.action,
        appointmentId: r.appointment_id,
        appointmentReference: r.reference ?? null,
        target: r.target,
        ip: r.ip,
        details,
      };
    }),
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? Number(page.at(-1)?.seq ?? 0) : null,
    staff: staff.map((s) => ({ id: s.id, name: s.display_name })),
  };
}
