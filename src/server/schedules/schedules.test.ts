import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book } from '../../../test/booking-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import type { AgentScheduleView, AgentView, CalendarView, ClosureView, ImportView, OfficeView, OrphanView, WindowView } from './schedules.schema.ts';

/**
 * Offices, weekly hours and closures through the API, on a seeded town
 * whose two agents work Monday–Friday 09:00–14:00 and Tuesday and
 * Thursday 16:00–19:00 (Europe/Madrid). "Now" is Monday 2 March 2026,
 * 08:00 local. The orphan protection is tested against a real booking.
 */
describe.each(DIALECTS)('offices and schedules (%s)', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let padro = '';

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, who: Session = admin, lang = 'en') =>
    t.app.http.inject({ method, url, headers: { host: 'alfa.test', cookie: who.cookie, 'x-csrf-token': who.csrf, 'accept-language': lang }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const data = <T>(res: { json: () => unknown }) => (res.json() as { data: T }).data;
  const issues = (res: { json: () => unknown }) => (res.json() as { error: { details: { issues: { path: string; code: string }[] } } }).error.details.issues;
  const agents = async () => data<{ agents: AgentView[] }>(await call('GET', '/api/admin/schedules/agents')).agents;
  const agentNamed = async (name: string) => {
    const found = (await agents()).find((a) => a.displayName === name);
    if (!found) throw new Error(`no agent ${name}`);
    return found;
  };
  const windowsOf = async (staffId: string) => data<AgentScheduleView>(await call('GET', `/api/admin/schedules/agents/${staffId}`)).windows;
  const slotsOn = async (date: string) => {
    const res = await t.app.http.inject({ method: 'GET', url: `/api/public/procedures/${padro}/availability?from=${date}&to=${date}`, headers: { host: 'alfa.test' } });
    return data<{ days: { date: string; slots: { localTime: string; capacity: number }[] }[] }>(res).days[0]?.slots ?? [];
  };
  const auditActions = async () =>
    (await t.ctx.db.selectFrom('audit_log').select(['action', 'actor']).where('organisation_id', '=', t.orgA.id).where('action', 'like', 'admin.%').execute()).map((r) => r.action);

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const a = t.orgA.accounts.find((x) => x.role === 'admin');
    const g = t.orgA.accounts.find((x) => x.role === 'agent');
    if (!a || !g) throw new Error('seed without admin or agent');
    admin = await staffSession(t, a.email, a.password);
    agent = await staffSession(t, g.email, g.password);
    padro = await procedureId(t, t.orgA.id);
  });
  afterAll(async () => t.close());

  describe('offices', () => {
    it('is for administrators only', async () => {
      expect((await call('GET', '/api/admin/offices', undefined, agent)).statusCode).toBe(403);
      expect((await call('POST', '/api/admin/offices', { name: 'X' }, { ...admin, csrf: 'wrong' })).statusCode).toBe(403);
    });

    it('lists, creates and renames offices, and audits each change', async () => {
      const before = data<{ offices: OfficeView[] }>(await call('GET', '/api/admin/offices')).offices;
      expect(before).toHaveLength(1);
      expect(before[0]?.staff).toBe(3);
      const created = await call('POST', '/api/admin/offices', { name: '  Oficina del Mercat ' });
      expect(created.statusCode).toBe(201);
      const office = data<OfficeView>(created);
      expect(office).toMatchObject({ name: 'Oficina del Mercat', staff: 0, windows: 0 });
      const renamed = await call('PUT', `/api/admin/offices/${office.id}`, { name: 'Oficina de la Plaça' });
      expect(data<OfficeView>(renamed).name).toBe('Oficina de la Plaça');
      expect((await auditActions()).filter((a) => a.startsWith('admin.office'))).toEqual(['admin.office.created', 'admin.office.renamed']);
      const entry = await t.ctx.db.selectFrom('audit_log').select(['details', 'actor', 'target']).where('action', '=', 'admin.office.renamed').executeTakeFirstOrThrow();
      expect(JSON.parse(entry.details)).toEqual({ changes: { name: { before: 'Oficina del Mercat', after: 'Oficina de la Plaça' } } });
      expect(entry.target).toBe(`office:${office.id}`);
    });

    it('refuses an empty or repeated name, and another organisation’s office', async () => {
      const empty = await call('POST', '/api/admin/offices', { name: '   ' });
      expect(empty.statusCode).toBe(400);
      expect(issues(empty)).toEqual([{ path: 'name', code: 'required' }]);
      const taken = await call('POST', '/api/admin/offices', { name: 'Oficina de la Plaça' });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.id).toBe('office_name_taken');
      const other = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgB.id).executeTakeFirstOrThrow();
      expect((await call('PUT', `/api/admin/offices/${other.id}`, { name: 'Nope' })).statusCode).toBe(404);
      expect((await call('DELETE', `/api/admin/offices/${other.id}`)).statusCode).toBe(404);
    });

    it('refuses to remove an office in use, saying why, and removes an unused one', async () => {
      const offices = data<{ offices: OfficeView[] }>(await call('GET', '/api/admin/offices')).offices;
      const used = offices.find((o) => o.staff > 0);
      const unused = offices.find((o) => o.staff === 0);
      if (!used || !unused) throw new Error('fixture');
      const refused = await call('DELETE', `/api/admin/offices/${used.id}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ id: 'office_in_use', details: { staff: 3, windows: 0 } });
      expect(refused.json().error.message).toContain('staff who belong to it: 3');
      expect((await call('DELETE', `/api/admin/offices/${unused.id}`)).statusCode).toBe(204);
      expect(data<{ offices: OfficeView[] }>(await call('GET', '/api/admin/offices')).offices).toHaveLength(1);
    });
  });

  describe('weekly hours', () => {
    it('lists the staff with their offices and windows; another organisation’s agent is not found', async () => {
      const list = await agents();
      expect(list.map((a) => a.displayName)).toEqual(expect.arrayContaining(['Administració', 'Agent 1', 'Agent 2']));
      expect((await agentNamed('Agent 1')).windows).toBe(7);
      expect((await agentNamed('Agent 1')).offices).toHaveLength(1);
      const other = await t.ctx.db.selectFrom('staff').select('id').where('organisation_id', '=', t.orgB.id).executeTakeFirstOrThrow();
      expect((await call('GET', `/api/admin/schedules/agents/${other.id}`)).statusCode).toBe(404);
      expect((await call('POST', `/api/admin/schedules/agents/${other.id}/windows`, { weekday: 6, start: '10:00', end: '12:00' })).statusCode).toBe(404);
    });

    it('gives an agent hours on a day with none, and the citizen availability shows them at once', async () => {
      expect(await slotsOn('2026-03-07')).toEqual([]);
      const a1 = await agentNamed('Agent 1');
      const office = data<{ offices: OfficeView[] }>(await call('GET', '/api/admin/offices')).offices[0];
      const res = await call('POST', `/api/admin/schedules/agents/${a1.id}/windows`, { weekday: 6, start: '10:00', end: '12:00', validFrom: '', validTo: '', officeId: office?.id });
      expect(res.statusCode).toBe(201);
      expect(data<WindowView>(res)).toMatchObject({ weekday: 6, start: '10:00', end: '12:00', validFrom: null, validTo: null, officeId: office?.id });
      const slots = await slotsOn('2026-03-07');
      expect(slots.map((s) => s.localTime)).toContain('10:00');
      expect(slots.every((s) => s.localTime >= '10:00' && s.localTime < '12:00')).toBe(true);
      expect(await auditActions()).toContain('admin.schedule.changed');
    });

    it('refuses bad times, an end not after the start, a reversed range and an unknown office, leaving the hours as they were', async () => {
      const a1 = await agentNamed('Agent 1');
      const before = await windowsOf(a1.id);
      const url = `/api/admin/schedules/agents/${a1.id}/windows`;
      const cases: [Record<string, unknown>, { path: string; code: string }][] = [
        [{ weekday: 6, start: '25:00', end: '26:00' }, { path: 'start', code: 'invalid_time' }],
        [{ weekday: 6, start: '09:07', end: '10:00' }, { path: 'start', code: 'invalid_time' }],
        [{ weekday: 6, start: '13:00', end: '13:00' }, { path: 'end', code: 'end_not_after_start' }],
        [{ weekday: 6, start: '15:00', end: '14:00' }, { path: 'end', code: 'end_not_after_start' }],
        [{ weekday: 8, start: '15:00', end: '16:00' }, { path: 'weekday', code: 'invalid_weekday' }],
        [{ weekday: 6, start: '15:00', end: '16:00', validFrom: '2026-05-01', validTo: '2026-04-01' }, { path: 'validTo', code: 'range_reversed' }],
        [{ weekday: 6, start: '15:00', end: '16:00', validFrom: '2026-02-30' }, { path: 'validFrom', code: 'invalid_date' }],
      ];
      for (const [body, issue] of cases) {
        const res = await call('POST', url, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(issues(res), JSON.stringify(body)).toContainEqual(issue);
      }
      const unknownOffice = await call('POST', url, { weekday: 6, start: '15:00', end: '16:00', officeId: '00000000-0000-4000-8000-000000000000' });
      expect(issues(unknownOffice)).toEqual([{ path: 'officeId', code: 'unknown_office' }]);
      expect(await windowsOf(a1.id)).toEqual(before);
    });

    it('refuses overlapping windows on the same weekday and dates, but not touching ones or other dates', async () => {
      const a1 = await agentNamed('Agent 1');
      const url = `/api/admin/schedules/agents/${a1.id}/windows`;
      const overlap = await call('POST', url, { weekday: 6, start: '11:00', end: '13:00' });
      expect(overlap.statusCode).toBe(409);
      expect(overlap.json().error.id).toBe('window_overlaps');
      expect((await call('POST', url, { weekday: 6, start: '12:00', end: '13:00', validFrom: '2026-06-01', validTo: '2026-06-30' })).statusCode).toBe(201);
      // Overlapping that June window only in its dates and times.
      expect((await call('POST', url, { weekday: 6, start: '12:30', end: '13:30', validFrom: '2026-06-30', validTo: null })).statusCode).toBe(409);
      expect((await call('POST', url, { weekday: 6, start: '12:30', end: '13:30', validFrom: '2026-07-01', validTo: null })).statusCode).toBe(201);
      // A change of a window is checked against the others, not itself.
      const june = (await windowsOf(a1.id)).find((w) => w.validFrom === '2026-06-01');
      if (!june) throw new Error('fixture');
      expect((await call('PUT', `${url}/${june.id}`, { weekday: 6, start: '12:00', end: '12:30', validFrom: '2026-06-01', validTo: '2026-06-30' })).statusCode).toBe(200);
      expect((await call('DELETE', `${url}/${june.id}`)).statusCode).toBe(204);
      expect((await call('DELETE', `${url}/${june.id}`)).statusCode).toBe(404);
    });
  });

  describe('orphan protection', () => {
    let booked = { id: '', reference: '', agentId: '' };

    beforeAll(async () => {
      // Tuesday 3 March, 10:00 in Madrid.
      const res = await book(t, { procedureId: padro, startsAt: '2026-03-03T09:00:00.000Z', citizen: { email: 'orphan@example.org' } });
      expect(res.statusCode).toBe(201);
      const row = await t.ctx.db.selectFrom('appointments').select(['id', 'reference', 'agent_id']).where('reference', '=', res.json().data.reference).executeTakeFirstOrThrow();
      booked = { id: row.id, reference: row.reference, agentId: row.agent_id };
    });

    const tuesdayMorning = async () => {
      const w = (await windowsOf(booked.agentId)).find((x) => x.weekday === 2 && x.start === '09:00');
      if (!w) throw new Error('fixture');
      return w;
    };
    const expectOrphaned = (res: { statusCode: number; json: () => unknown }) => {
      expect(res.statusCode).toBe(409);
      const error = (res.json() as { error: { id: string; message: string; details: { count: number; appointments: OrphanView[] } } }).error;
      expect(error.id).toBe('schedule_orphans');
      expect(error.details.count).toBe(1);
      expect(error.details.appointments).toEqual([
        { id: booked.id, reference: booked.reference, date: '2026-03-03', time: '10:00', procedure: 'Certificate of registration (padró)', agentId: booked.agentId, agent: expect.any(String) },
      ]);
      return error;
    };

    it('refuses to remove, narrow or end the window that holds a booked appointment, and lists it', async () => {
      const w = await tuesdayMorning();
      const url = `/api/admin/schedules/agents/${booked.agentId}/windows/${w.id}`;
      expect(expectOrphaned(await call('DELETE', url)).message).toContain('1 booked appointment');
      expectOrphaned(await call('PUT', url, { weekday: 2, start: '10:30', end: '14:00' }));
      expectOrphaned(await call('PUT', url, { weekday: 2, start: '09:00', end: '14:00', validTo: '2026-03-02' }));
      expectOrphaned(await call('PUT', url, { weekday: 7, start: '09:00', end: '14:00' }));
      expect(await tuesdayMorning()).toEqual(w);
    });

    it('allows a change the appointment still fits in, and a change of another agent', async () => {
      const w = await tuesdayMorning();
      const url = `/api/admin/schedules/agents/${booked.agentId}/windows/${w.id}`;
      // The appointment lasts until 10:15 (15 minutes): 10:00–12:00 still holds it.
      expect((await call('PUT', url, { weekday: 2, start: '10:00', end: '12:00' })).statusCode).toBe(200);
      expect((await call('PUT', url, { weekday: 2, start: '09:00', end: '14:00' })).statusCode).toBe(200);
      const other = (await agents()).find((a) => a.displayName.startsWith('Agent') && a.id !== booked.agentId);
      const theirs = (await windowsOf(other?.id ?? '')).find((x) => x.weekday === 2 && x.start === '09:00');
      expect((await call('DELETE', `/api/admin/schedules/agents/${other?.id ?? ''}/windows/${theirs?.id ?? ''}`)).statusCode).toBe(204);
    });

    it('refuses a closure of that day for everyone or for that agent, allows it for another time or agent', async () => {
      expectOrphaned(await call('POST', '/api/admin/closures', { date: '2026-03-03', reason: 'Festa' }));
      expectOrphaned(await call('POST', '/api/admin/closures', { date: '2026-03-03', staffId: booked.agentId }));
      expectOrphaned(await call('POST', '/api/admin/closures', { date: '2026-03-03', start: '10:10', end: '11:00' }));
      expectOrphaned(await call('POST', '/api/admin/closures', { date: '2026-03-03', staffId: booked.agentId, kind: 'open', start: '16:00', end: '18:00' }));
      const fine = await call('POST', '/api/admin/closures', { date: '2026-03-03', start: '12:00', end: '13:00', reason: 'Formació' });
      expect(fine.statusCode).toBe(201);
      expect((await call('DELETE', `/api/admin/closures/${data<ClosureView>(fine).id}`)).statusCode).toBe(204);
      const rows = await t.ctx.db.selectFrom('schedule_exceptions').select('id').where('organisation_id', '=', t.orgA.id).where('date', '=', '2026-03-03').execute();
      expect(rows).toEqual([]);
    });

    it('refuses an import that closes that day, and previews it without changing anything', async () => {
      const ics = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20260303', 'SUMMARY:Vaga', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
      const preview = await call('POST', '/api/admin/closures/import', { content: ics });
      expect(preview.statusCode).toBe(200);
      expect(data<ImportView>(preview)).toEqual({ committed: false, closures: [{ date: '2026-03-03', start: null, end: null, summary: 'Vaga' }], skipped: [] });
      expectOrphaned(await call('POST', '/api/admin/closures/import', { content: ics, commit: true }));
      expect(await t.ctx.db.selectFrom('schedule_exceptions').select('id').where('date', '=', '2026-03-03').execute()).toEqual([]);
    });

    it('no longer protects an appointment once it is cancelled', async () => {
      await t.ctx.db.updateTable('appointments').set({ status: 'cancelled' }).where('id', '=', booked.id).execute();
      const res = await call('POST', '/api/admin/closures', { date: '2026-03-03', staffId: booked.agentId, reason: 'Absència' });
      expect(res.statusCode).toBe(201);
      expect((await call('DELETE', `/api/admin/closures/${data<ClosureView>(res).id}`)).statusCode).toBe(204);
      await t.ctx.db.updateTable('appointments').set({ status: 'booked' }).where('id', '=', booked.id).execute();
    });
  });

  describe('closures', () => {
    it('adds and lists closures of everyone and of one agent, and audits them', async () => {
      const a2 = await agentNamed('Agent 2');
      expect((await call('POST', '/api/admin/closures', { date: '2026-03-19', reason: 'Sant Josep' })).statusCode).toBe(201);
      expect((await call('POST', '/api/admin/closures', { date: '2026-03-20', staffId: a2.id, start: '09:00', end: '11:00', reason: 'Metge' })).statusCode).toBe(201);
      const list = data<{ closures: ClosureView[] }>(await call('GET', '/api/admin/closures?from=2026-03-01&to=2026-03-31')).closures;
      expect(list).toEqual([
        expect.objectContaining({ date: '2026-03-19', staffId: null, staffName: null, kind: 'closed', start: null, end: null, reason: 'Sant Josep' }),
        expect.objectContaining({ date: '2026-03-20', staffId: a2.id, staffName: 'Agent 2', start: '09:00', end: '11:00', reason: 'Metge' }),
      ]);
      expect(await slotsOn('2026-03-19')).toEqual([]);
      expect(await auditActions()).toContain('admin.closure.added');
    });

    it('refuses incomplete closures with a field each', async () => {
      const cases: [Record<string, unknown>, { path: string; code: string }][] = [
        [{ date: '2026-13-01' }, { path: 'date', code: 'invalid_date' }],
        [{ date: '2026-03-21', start: '09:00' }, { path: 'end', code: 'both_times_or_none' }],
        [{ date: '2026-03-21', kind: 'open', start: '09:00', end: '10:00' }, { path: 'staffId', code: 'open_needs_agent' }],
        [{ date: '2026-03-21', reason: 'x'.repeat(201) }, { path: 'reason', code: 'too_long' }],
      ];
      for (const [body, issue] of cases) {
        const res = await call('POST', '/api/admin/closures', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(issues(res)).toContainEqual(issue);
      }
      const unknown = await call('POST', '/api/admin/closures', { date: '2026-03-21', staffId: '00000000-0000-4000-8000-000000000000' });
      expect(issues(unknown)).toEqual([{ path: 'staffId', code: 'unknown_agent' }]);
      expect((await call('GET', '/api/admin/closures?from=2026-03-31&to=2026-03-01')).statusCode).toBe(400);
    });

    it('imports an .ics file: what it adds, what it skipped and why; a second import adds nothing', async () => {
      const ics = [
        'BEGIN:VCALENDAR',
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20260323',
        'SUMMARY:Festa local',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'DTSTART:20260324T080000Z',
        'DTEND:20260324T090000Z',
        'SUMMARY:Simulacre',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20260101',
        'RRULE:FREQ=YEARLY',
        'SUMMARY:Any nou',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n');
      const res = await call('POST', '/api/admin/closures/import', { content: ics, commit: true });
      expect(res.statusCode).toBe(200);
      expect(data<ImportView>(res)).toEqual({
        committed: true,
        closures: [
          { date: '2026-03-23', start: null, end: null, summary: 'Festa local' },
          { date: '2026-03-24', start: '09:00', end: '10:00', summary: 'Simulacre' },
        ],
        skipped: [{ summary: 'Any nou', line: 11, reason: 'recurring' }],
      });
      expect(await slotsOn('2026-03-23')).toEqual([]);
      expect((await slotsOn('2026-03-24')).some((s) => s.localTime === '09:00')).toBe(false);
      const again = data<ImportView>(await call('POST', '/api/admin/closures/import', { content: ics, commit: true }));
      expect(again.skipped.map((s) => s.reason)).toEqual(['recurring', 'already_closed']);
      expect(await auditActions()).toContain('admin.closures.imported');
    });

    it('refuses what is not a calendar, and a file over 256 KiB', async () => {
      const bad = await call('POST', '/api/admin/closures/import', { content: 'this is not a calendar' });
      expect(bad.statusCode).toBe(400);
      expect(issues(bad)).toEqual([{ path: 'content', code: 'not_icalendar' }]);
      const big = await call('POST', '/api/admin/closures/import', { content: `BEGIN:VCALENDAR\r\n${'X-PAD:0123456789\r\n'.repeat(16_000)}END:VCALENDAR` });
      expect(big.statusCode).toBe(400);
      expect(issues(big)).toEqual([{ path: 'content', code: 'file_too_large' }]);
    });
  });

  describe('capacity calendar', () => {
    it('shows open and free agent-hours and the appointments of each day of a month', async () => {
      const res = await call('GET', '/api/admin/calendar?month=2026-03');
      expect(res.statusCode).toBe(200);
      const view = data<CalendarView>(res);
      expect(view.days).toHaveLength(31);
      const day = (date: string) => view.days.find((d) => d.date === date);
      // Tuesday 3 March: the agent holding the appointment 09:00–14:00 and 16:00–19:00; the other only the afternoon (its morning was removed above).
      expect(day('2026-03-03')).toMatchObject({ weekday: 2, openMinutes: 300 + 180 + 180, appointments: 1, agents: 2, closedReason: null });
      const held = await t.ctx.db.selectFrom('appointments').select(['busy_start_unit', 'busy_end_unit']).where('citizen_email', '=', 'orphan@example.org').executeTakeFirstOrThrow();
      expect((day('2026-03-03')?.openMinutes ?? 0) - (day('2026-03-03')?.freeMinutes ?? 0)).toBe((held.busy_end_unit - held.busy_start_unit) * 5);
      // Sunday: nobody works. The closure of the 19th: closed all day, with its reason.
      expect(day('2026-03-08')).toMatchObject({ openMinutes: 0, agents: 0, appointments: 0 });
      expect(day('2026-03-19')).toMatchObject({ openMinutes: 0, closedReason: 'Sant Josep', agentExceptions: 0 });
      // Agent 2 is away 09:00–11:00 on Friday 20 March: two hours fewer, and the day says so.
      expect(day('2026-03-20')).toMatchObject({ openMinutes: 300 + 180, agentExceptions: 1, closedReason: null });
      // One agent only: agent 2 works 09:00–14:00 on Wednesday 4 March.
      const a2 = await agentNamed('Agent 2');
      const one = data<CalendarView>(await call('GET', `/api/admin/calendar?month=2026-03&staffId=${a2.id}`));
      expect(one.days.find((d) => d.date === '2026-03-04')?.openMinutes).toBe(300);
      expect((await call('GET', '/api/admin/calendar?month=2026-13')).statusCode).toBe(400);
    });
  });
});
