import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, staffSession } from '../../../test/documents-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { greetedSocket, nif } from '../realtime/realtime.fixture.ts';

// A change of address needs 24 h notice: the next day.
const STARTS = '2026-03-03T10:00:00.000Z';
const OPEN = new Date('2026-03-03T09:50:00.000Z');
const JOIN = { type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } } as const;

describe.each(DIALECTS)('protocol live on the citizen screen (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 3 });
    padro = await procedureId(t, t.orgA.id, 'padro-canvi-domicili');
  });
  afterAll(async () => t.close());

  it('shows the citizen, in their language, each draft the agent saves and each step taken', async () => {
    t.clock.set(DEFAULT_NOW);
    const citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: STARTS, email: 'live-protocol@example.org', idNumber: nif(39_000_001) });
    const id = citizen.appointmentId;
    await t.ctx.db.updateTable('appointments').set({ language: 'es' }).where('id', '=', id).execute();
    const row = await t.ctx.db.selectFrom('appointments').innerJoin('staff', 'staff.id', 'appointments.agent_id').select('staff.email').where('appointments.id', '=', id).executeTakeFirstOrThrow();
    const account = t.orgA.accounts.find((a) => a.email === row.email);

    t.clock.set(OPEN);
    const agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
    // The next day: the session of the booking day has expired.
    const socket = await greetedSocket(t.app.http, 'citizen', await citizen.signInAgain());
    socket.send(JOIN);
    await socket.next('waiting_status', (m) => m.presence === 'waiting');
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'admit', appointmentId: id });
    await socket.next('call_started');

    const staff = (method: 'POST' | 'PUT', url: string, payload: unknown) =>
      t.app.http.inject({ method, url: `/api/staff/appointments/${id}/protocol${url}`, headers: { host: 'alfa.test', cookie: agent.cookie, 'x-csrf-token': agent.csrf }, payload: payload as Record<string, unknown> });

    expect((await staff('POST', '/steps/recording_notice/complete', {})).statusCode).toBe(200);
    const afterNotice = await socket.next('protocol');
    expect(afterNotice.protocol.steps[0]).toEqual({ step: 'recording_notice', status: 'done' });
    expect(afterNotice.protocol.current).toBe('identification');

    const saved = await staff('PUT', '/form', { data: { new_address: { street: 'Carrer de la Font', number: '7', postcode: '08191', municipality: 'Rubí' }, people_moving: 2 } });
    expect(saved.statusCode, saved.body).toBe(200);
    const draft = await socket.next('protocol', (m) => m.protocol.form.sha256 !== null);
    expect(draft.appointmentId).toBe(id);
    expect(draft.protocol.form.sha256).toBe(saved.json().data.form.sha256);
    const fields = Object.fromEntries(draft.protocol.form.fields.map((f) => [f.key, { label: f.label, display: f.display }]));
    expect(fields).toMatchObject({
      new_address: { label: 'Nuevo domicilio', display: 'Carrer de la Font, 7, 08191 Rubí' },
      people_moving: { label: 'Personas que se trasladan', display: '2' },
      moved_on: { label: 'Fecha del traslado', display: '' },
      minors_moving: { label: 'Se trasladan menores de edad', display: '' },
    });
    expect(draft.protocol).toMatchObject({ consentText: 'Confirmo que estos datos son correctos y presento la solicitud.', canConsent: false });
    // Read-only for the citizen: no staff ids, no reasons.
    expect(JSON.stringify(draft)).not.toContain('staff:');

    const changed = await staff('PUT', '/form', { data: { new_address: { street: 'Carrer de la Font', number: '7', postcode: '08191', municipality: 'Rubí' }, people_moving: 3, minors_moving: true } });
    expect(changed.statusCode).toBe(200);
    const second = await socket.next('protocol', (m) => m.protocol.form.sha256 === changed.json().data.form.sha256);
    expect(second.protocol.form.fields.find((f) => f.key === 'minors_moving')?.display).toBe('Sí');
    // The agent's socket is not sent the citizen's view, only told to read the staff view again.
    await tab.sync();
    expect(tab.all('protocol')).toEqual([]);
    expect(tab.all('protocol_changed').length).toBeGreaterThanOrEqual(3);
    expect(tab.all('protocol_changed')[0]).toEqual({ type: 'protocol_changed', appointmentId: id });
    tab.close();
    socket.close();
  });
});
