import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { nif } from '../realtime/realtime.fixture.ts';
import { createStaff } from '../staff/staff.service.ts';
import { normaliseCsv } from '../../shared/registry.ts';

const STARTS = '2026-03-02T10:00:00.000Z';
const REGISTRATION = { summary: 'Sol·licitud de certificat de convivència', formData: { motiu: 'Beca', persones: 3, urgent: false } };

describe.each(DIALECTS)('registry routes (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  let n = 0;
  const sessions: Record<'assigned' | 'otherAgent' | 'farAgent' | 'supervisor' | 'admin' | 'otherOrgAdmin', Session> = {} as never;

  const call = (method: 'GET' | 'POST', url: string, opts: { session?: Session; host?: string; lang?: string; payload?: unknown; address?: string } = {}) =>
    t.app.http.inject({
      method,
      url,
      headers: {
        host: opts.host ?? 'alfa.test',
        ...(opts.lang ? { 'accept-language': opts.lang } : {}),
        ...(opts.session ? { cookie: opts.session.cookie, 'x-csrf-token': opts.session.csrf } : {}),
      },
      ...(opts.address ? { remoteAddress: opts.address } : {}),
      ...(method === 'POST' ? { payload: opts.payload ?? {} } : {}),
    });
  const register = (appointmentId: string, session: Session, payload: unknown = REGISTRATION, host = 'alfa.test') =>
    call('POST', `/api/staff/appointments/${appointmentId}/registry`, { session, payload, host });

  /** A booked appointment with a signed-in citizen, and the session of its assigned agent. */
  async function booked() {
    n++;
    const citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: `registry${n}@example.org`, idNumber: nif(37_000_000 + n) });
    return citizen;
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 6 });
    padro = await procedureId(t, t.orgA.id);
    const now = t.clock.now();
    const account = (role: string, org = t.orgA) => {
      const a = org.accounts.find((x) => x.role === role);
      if (!a) throw new Error(`no ${role}`);
      return a;
    };
    sessions.admin = await staffSession(t, account('admin').email, account('admin').password);
    sessions.otherOrgAdmin = await staffSession(t, account('admin', t.orgB).email, account('admin', t.orgB).password, 'beta.test');
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    const supervisor = await createStaff(t.ctx.db, t.orgA.id, { email: 'sup-registry@alfa.test', role: 'supervisor', displayName: 'Supervisora', password: 'a long password for sup' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: supervisor.id, office_id: office.id }).execute();
    sessions.supervisor = await staffSession(t, 'sup-registry@alfa.test', 'a long password for sup');
    const farOffice = randomUUID();
    await t.ctx.db.insertInto('offices').values({ id: farOffice, organisation_id: t.orgA.id, name: 'Oficina del barri', created_at: now.toISOString() }).execute();
    const far = await createStaff(t.ctx.db, t.orgA.id, { email: 'far-registry@alfa.test', role: 'agent', displayName: 'Agent del barri', password: 'a long password for far' }, now);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: far.id, office_id: farOffice }).execute();
    sessions.farAgent = await staffSession(t, 'far-registry@alfa.test', 'a long password for far');
  });
  afterAll(async () => t.close());

  /** Sessions of the appointment's own agent and of another agent of the same office. */
  async function agentsOf(appointmentId: string) {
    const row = await t.ctx.db
      .selectFrom('appointments')
      .innerJoin('staff', 'staff.id', 'appointments.agent_id')
      .select('staff.email')
      .where('appointments.id', '=', appointmentId)
      .executeTakeFirstOrThrow();
    const own = t.orgA.accounts.find((a) => a.email === row.email);
    const other = t.orgA.accounts.find((a) => a.role === 'agent' && a.email !== row.email);
    if (!own || !other) throw new Error('agents not found');
    return { assigned: await staffSession(t, own.email, own.password), otherAgent: await staffSession(t, other.email, other.password) };
  }

  it('registers an appointment for its agent only (other agent 403, other office or organisation 404), once', async () => {
    const citizen = await booked();
    const id = citizen.appointmentId;
    const { assigned, otherAgent } = await agentsOf(id);
    expect((await call('POST', `/api/staff/appointments/${id}/registry`, { payload: REGISTRATION })).statusCode).toBe(401);
    const denied = await register(id, otherAgent);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.id).toBe('not_your_appointment');
    expect((await register(id, sessions.farAgent)).statusCode).toBe(404);
    expect((await register(id, sessions.otherOrgAdmin, REGISTRATION, 'beta.test')).statusCode).toBe(404);
    expect((await register(id, assigned, { summary: '', formData: {} })).json().error.id).toBe('validation_failed');

    const res = await register(id, assigned);
    expect(res.statusCode).toBe(201);
    const data = res.json().data as { number: string; csv: string; verifyUrl: string };
    expect(data.number).toMatch(/^REGE-2026-\d{6}$/);
    expect(normaliseCsv(data.csv)).toBe(data.csv);
    expect(data.verifyUrl).toBe(`http://alfa.test/verify/${data.csv}`);
    // Once per appointment: again (by an administrator, or a supervisor) answers the same entry.
    const again = await register(id, sessions.admin);
    expect(again.statusCode).toBe(201);
    expect(again.json().data).toEqual(res.json().data);
    expect((await register(id, sessions.supervisor)).json().data.csv).toBe(data.csv);

    const events = await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'data']).where('appointment_id', '=', id).orderBy('id').execute();
    const registered = events.find((e) => e.type === 'registry.registered');
    expect(registered?.actor.startsWith('staff:')).toBe(true);
    expect(JSON.parse(registered?.data ?? '{}')).toMatchObject({ number: data.number });
    expect(events.filter((e) => e.type === 'registry.receipt_sealed')).toHaveLength(1);
  });

  it('lets the citizen download their receipt, and only theirs', async () => {
    const citizen = await booked();
    const other = await booked();
    const before = await call('GET', '/api/citizen/appointment/receipt', { session: citizen, lang: 'en' });
    expect(before.statusCode).toBe(404);
    expect(before.json().error.id).toBe('receipt_not_found');
    expect(before.json().error.message).toContain('no receipt');
    expect((await call('GET', '/api/citizen/appointment', { session: citizen })).json().data.appointment.receipt).toBeNull();
    const { assigned } = await agentsOf(citizen.appointmentId);
    const { csv, number } = (await register(citizen.appointmentId, assigned)).json().data as { csv: string; number: string };
    // The appointment page offers it, with its number.
    expect((await call('GET', '/api/citizen/appointment', { session: citizen })).json().data.appointment.receipt).toMatchObject({ number });
    expect((await call('GET', '/api/citizen/appointment/receipt')).statusCode).toBe(401);
    const mine = await call('GET', '/api/citizen/appointment/receipt', { session: citizen });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['content-type']).toBe('application/pdf');
    expect(mine.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const entry = await t.ctx.db.selectFrom('registry_entries').select('receipt_sha256').where('csv', '=', csv).executeTakeFirstOrThrow();
    expect(createHash('sha256').update(mine.rawPayload).digest('hex')).toBe(entry.receipt_sha256);
    expect((await call('GET', '/api/citizen/appointment/receipt', { session: other })).statusCode).toBe(404);
    expect((await call('GET', '/api/citizen/appointment/receipt', { session: citizen, host: 'beta.test' })).statusCode).toBe(401);
  });

  it('verifies a CSV publicly with minimised data, streams the sealed original, and knows nothing of other organisations’ codes', async () => {
    const citizen = await booked();
    const { assigned } = await agentsOf(citizen.appointmentId);
    // A current document is listed with its digest; a replaced one is not.
    const document = (fileName: string, sha256: string, supersededAt: string | null) => ({
      id: randomUUID(),
      organisation_id: t.orgA.id,
      appointment_id: citizen.appointmentId,
      requirement_id: null,
      blob_id: null,
      file_name: fileName,
      media_type: 'application/pdf',
      size: 1234,
      sha256,
      scan_status: 'clean' as const,
      scan_signature: null,
      scan_attempts: 0,
      scan_lease_until: null,
      review_status: 'accepted' as const,
      rejection_reason: null,
      reviewed_by: null,
      reviewed_at: null,
      uploaded_by: 'citizen',
      uploaded_at: '2026-03-01T10:00:00.000Z',
      superseded_at: supersededAt,
      purged_at: null,
    });
    await t.ctx.db
      .insertInto('documents')
      .values([document('dni.pdf', 'b'.repeat(64), null), document('dni-antic.pdf', 'c'.repeat(64), '2026-03-01T11:00:00.000Z')])
      .execute();
    const { csv, number } = (await register(citizen.appointmentId, assigned)).json().data as { csv: string; number: string };
    const stored = await t.ctx.db.selectFrom('registry_entries').select('annexes').where('csv', '=', csv).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.annexes)).toEqual([{ name: 'dni.pdf', sha256: 'b'.repeat(64), size: 1234 }]);

    const res = await call('GET', `/api/verify/${csv.toLowerCase().replace(/-/g, '')}`, { lang: 'es' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const view = res.json().data;
    expect(view).toMatchObject({
      csv,
      entryNumber: number,
      organ: { name: 'Ajuntament d’Alfa' },
      documentType: 'TD09',
      interestedInitials: 'N. P. F.',
      document: { available: true, mediaType: 'application/pdf', testSeal: true },
    });
    expect(JSON.stringify(view)).not.toMatch(/Núria|Puig|\d{8}[A-Z]/);

    const doc = await call('GET', `/api/verify/${csv}/document`);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.headers['content-disposition']).toContain(`${number}.pdf`);
    expect(createHash('sha256').update(doc.rawPayload).digest('hex')).toBe(view.document.sha256);
    expect(doc.rawPayload.length).toBe(view.document.size);

    // Organisation B does not know organisation A's code.
    const elsewhere = await call('GET', `/api/verify/${csv}`, { host: 'beta.test', address: '10.0.0.2' });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.id).toBe('registry_entry_not_found');
    expect((await call('GET', `/api/verify/${csv}/document`, { host: 'beta.test', address: '10.0.0.2' })).statusCode).toBe(404);
  });

  it('answers an unknown code 404 and a malformed one 400, translated, and slows down a guesser', async () => {
    const unknown = await call('GET', '/api/verify/ALFA-AAAA-AAAA-AAAA-AAAA-AAAA', { lang: 'ca', address: '10.0.0.3' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ id: 'registry_entry_not_found' });
    expect(unknown.json().error.message).toContain('codi de verificació');
    for (const bad of ['not-a-code', 'ALFA-0000-1111-8888-9999-0000', '%F0%9F%98%80', 'x'.repeat(60)]) {
      const res = await call('GET', `/api/verify/${bad}`, { lang: 'en', address: '10.0.0.3' });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.id, bad).toBe('invalid_csv');
      expect(res.json().error.message).toContain('not a verification code');
    }
    expect((await call('GET', `/api/verify/${'x'.repeat(80)}`, { address: '10.0.0.3' })).statusCode).toBe(400);
    expect((await call('GET', '/api/verify/ALFA-AAAA-AAAA-AAAA-AAAA-AAAA/document', { address: '10.0.0.3' })).statusCode).toBe(404);
    // Ten unknown codes from one address in ten minutes: the eleventh look-up is refused, even for a real code.
    for (let i = 0; i < 10; i++) await call('GET', `/api/verify/ALFA-AAAA-AAAA-AAAA-AAAA-AAA${'BCDEFGHIJK'[i] ?? 'Z'}`, { address: '10.0.0.4' });
    expect((await call('GET', '/api/verify/ALFA-AAAA-AAAA-AAAA-AAAA-AAAA', { address: '10.0.0.4' })).statusCode).toBe(429);
  });
});
