/**
 * The staff workspace, in Catalan (the default): an agent signs in (a wrong
 * password first), finds an in-person appointment booked through the staff
 * API in the agenda, opens it and offers a video call, and the citizen's
 * confirmation email arrives. Then, on a phone, the agent books for a citizen
 * who phoned; and a supervisor signs in with an authenticator code, filters
 * the agenda by agent and by office, reassigns an appointment and cancels
 * it. axe checks every staff page on the way.
 */
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { TOTP, URI } from 'otpauth';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';
import { createStaff } from './support/cli.ts';

const AGENT = { email: 'e2e-agent@demo.finestreta.test', password: 'e2e-agent-password-2026', name: 'Agent E2E' };
const SUPERVISOR = { email: 'e2e-supervisor@demo.finestreta.test', password: 'e2e-supervisor-password-2026', name: 'Supervisora E2E' };

interface Envelope<T> {
  data: T;
}

/** The page heading (every page has exactly one h1). */
function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** The first day after today with free times (holidays and weekends have none) and its first time with `places` free. */
async function nextWorkingSlot(
  request: APIRequestContext,
  procedureId: string,
  places = 1,
): Promise<{ date: string; startsAt: string; localTime: string }> {
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const response = await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`);
  const body = (await response.json()) as Envelope<{ days: { date: string; slots: { startsAt: string; localTime: string; capacity: number }[] }[] }>;
  for (const day of body.data.days) {
    const slot = day.slots.find((s) => s.capacity >= places);
    if (slot) return { date: day.date, startsAt: slot.startsAt, localTime: slot.localTime };
  }
  throw new Error('no free time in the next 20 days');
}

/** Books an in-person appointment through the staff API (the session of `request` books it); returns its id and reference. */
async function bookInPerson(
  request: APIRequestContext,
  csrfToken: string,
  procedureId: string,
  startsAt: string,
  citizen: { name: string; surnames: string; email: string; idNumber: string },
): Promise<{ id: string; reference: string }> {
  const response = await request.post('/api/staff/appointments', {
    headers: { 'x-csrf-token': csrfToken },
    data: {
      procedureId,
      startsAt,
      channel: 'in_person',
      citizen: {
        ...citizen,
        idType: 'nif',
        phone: '600 222 333',
        language: 'ca',
        needs: { signLanguage: true, languageInterpreter: null, other: null },
      },
    },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as Envelope<{ id: string; reference: string }>).data;
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Adreça de correu electrònic').fill(AGENT.email);
  await page.getByLabel('Contrasenya', { exact: true }).fill(AGENT.password);
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(heading(page)).toContainText('Agenda');
}

test.beforeAll(() => {
  createStaff(AGENT, 'agent');
  createStaff(SUPERVISOR, 'supervisor');
});

test('an agent offers a video call for an in-person appointment, and the citizen gets the email', async ({ page }) => {
  // 1. Any staff page asks to sign in first; a wrong password says how many attempts remain.
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff$/);
  await expect(heading(page)).toContainText('Entreu a l’àrea del personal');
  await expectNoAxeViolations(page, 'staff sign-in');
  await page.getByLabel('Adreça de correu electrònic').fill(AGENT.email);
  await page.getByLabel('Contrasenya', { exact: true }).fill('no-es-aquesta');
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('L’adreça de correu electrònic o la contrasenya no són correctes. Us queden 4 intents');
  await expect(alert).toBeFocused();
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoAxeViolations(page, 'staff sign-in with error');
  await signIn(page);
  await expect(page.getByText(`Heu entrat com a ${AGENT.name} (agent)`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Surt', exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'agenda (today)');

  // 2. An in-person appointment for the next working day, booked through the staff API as this agent.
  const me = (await (await page.request.get('/api/staff/me')).json()) as Envelope<{ csrfToken: string }>;
  const procedureId = await firstVideoProcedure(page.request);
  const slot = await nextWorkingSlot(page.request, procedureId);
  const { reference } = await bookInPerson(page.request, me.data.csrfToken, procedureId, slot.startsAt, {
    name: 'Núria',
    surnames: 'Casals Pi',
    email: 'nuria.casals@example.org',
    idNumber: validNif(51_000_001),
  });

  // 3. That day's agenda, then the week holding it.
  await page.goto(`/staff?date=${slot.date}`);
  await expect(heading(page)).toContainText('Agenda');
  const table = page.getByRole('table', { name: /^Cites de / });
  const row = table.getByRole('row').filter({ hasText: 'Núria Casals Pi' });
  await expect(row).toBeVisible();
  await expect(row.getByRole('rowheader')).toContainText(slot.localTime);
  await expect(row).toContainText('Presencial');
  await expect(row).toContainText('Reservada');
  await expect(row).toContainText('Intèrpret de llengua de signes');
  await expect(table.getByRole('columnheader', { name: 'Estat' })).toBeVisible();
  await expectNoAxeViolations(page, 'agenda (day)');
  await page.getByRole('link', { name: 'Setmana', exact: true }).click();
  await expect(heading(page)).toBeFocused();
  await expect(page.getByRole('link', { name: 'Setmana', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('row').filter({ hasText: 'Núria Casals Pi' })).toBeVisible();
  await expectNoAxeViolations(page, 'agenda (week)');

  // 4. The appointment.
  await page.getByRole('link', { name: 'Núria Casals Pi' }).click();
  await expect(heading(page)).toContainText('Núria Casals Pi');
  await expect(page.getByText(`Cita ${reference}`)).toBeVisible();
  await expect(page.getByText('Cita reservada')).toBeVisible();
  await expectNoAxeViolations(page, 'appointment');

  // 5. Offer the video call: confirm on the page, then the citizen is emailed.
  await page.getByRole('button', { name: 'Ofereix la videotrucada' }).click();
  const confirm = page.getByRole('group', { name: 'Voleu convertir aquesta cita en una videotrucada?' });
  await expect(confirm).toContainText('nuria.casals@example.org');
  await expect(confirm.getByRole('heading')).toBeFocused();
  await expectNoAxeViolations(page, 'offer video: confirm');
  const mailsBefore = await outboxCount();
  await confirm.getByRole('button', { name: 'Sí, ofereix la videotrucada' }).click();
  const banner = page.getByRole('alert');
  await expect(banner).toContainText('S’ha enviat a la persona el correu electrònic de la videotrucada.');
  await expect(banner).toBeFocused();
  await expect(page.getByText('Videotrucada oferta')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ofereix la videotrucada' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'offer video: done');

  const mail = await newestMailAfter(mailsBefore);
  expect(mail.subject).toContain(reference);
  expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toContain('nuria.casals@example.org');
  const text = mail.text ?? '';
  expect(text).toMatch(/https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/);
  const passwordLabel = `${caMail.access.password_label}:`;
  expect(text).toContain(passwordLabel);
  expect(text.split(passwordLabel)[1]?.trim().split(/\s+/)[0]?.length ?? 0).toBeGreaterThan(5);
  const calendar = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  expect(calendar?.content.toString('utf8') ?? '').toContain('METHOD:REQUEST');

  // 6. Sign out: the agenda asks to sign in again.
  await page.getByRole('button', { name: 'Surt', exact: true }).click();
  // The appointment page has live regions of its own (evidence, snapshots); the sign-out message is one more.
  await expect(page.getByRole('status').filter({ hasText: 'Heu sortit de l’àrea del personal.' })).toBeVisible();
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login/);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('an agent books a video call for a citizen who phoned', async ({ page }) => {
    await page.goto('/staff/appointments/new');
    await expect(page).toHaveURL(/\/staff\/login\?next=/);
    await page.getByLabel('Adreça de correu electrònic').fill(AGENT.email);
    await page.getByLabel('Contrasenya', { exact: true }).fill(AGENT.password);
    await page.getByRole('button', { name: 'Entra', exact: true }).click();

    // Procedure and channel.
    await expect(heading(page)).toContainText('Tràmit i modalitat');
    await page.getByRole('button', { name: 'Continua' }).click();
    await expect(page.getByRole('alert')).toContainText('Seleccioneu el tràmit');
    await expectNoAxeViolations(page, 'new appointment with errors');
    await page.getByRole('group', { name: 'Quin tràmit?' }).getByRole('radio').first().check();
    await page.getByRole('radio', { name: 'Videotrucada' }).check();
    await page.getByRole('button', { name: 'Continua' }).click();

    // Day and time (the citizen side's choosers).
    await expect(heading(page)).toContainText('Trieu el dia');
    await expectNoAxeViolations(page, 'new appointment: day');
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(page)).toContainText('Trieu l’hora');
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Continua' }).click();

    // The citizen's details, with the citizen form's checks.
    await expect(heading(page)).toContainText('Dades de la persona');
    await page.getByLabel('Nom', { exact: true }).fill('Pere');
    await page.getByLabel('Cognoms', { exact: true }).fill('Soler');
    await page.getByRole('radio', { name: 'DNI o NIF' }).check();
    await page.getByLabel('Número del document', { exact: true }).fill('12345678A');
    await page.getByLabel('Adreça de correu electrònic').fill('pere.soler@example.org');
    await page.getByLabel('Telèfon', { exact: true }).fill('600 444 555');
    await page.getByRole('button', { name: 'Continua' }).click();
    await expect(page.getByRole('alert')).toContainText('Escriviu un DNI o NIF vàlid');
    await expectNoAxeViolations(page, 'new appointment: details with errors');
    await page.getByLabel('Número del document', { exact: true }).fill(validNif(52_000_002));
    await page.getByRole('button', { name: 'Continua' }).click();

    // Check, create, confirmation, and the new appointment.
    await expect(heading(page)).toContainText('Reviseu la cita abans de crear-la');
    await expect(page.getByText('pere.soler@example.org').first()).toBeVisible();
    await expectNoAxeViolations(page, 'new appointment: check');
    const mailsBefore = await outboxCount();
    await page.getByRole('button', { name: 'Crea la cita' }).click();
    await expect(heading(page)).toHaveText('Cita creada');
    const reference = (await page.locator('.panel__reference').textContent())?.trim() ?? '';
    expect(reference).not.toBe('');
    await expectNoAxeViolations(page, 'new appointment: done');
    expect((await newestMailAfter(mailsBefore)).subject).toContain(reference);
    await page.getByRole('link', { name: 'Obre la cita' }).click();
    await expect(heading(page)).toContainText('Pere Soler');
    await expect(page.getByText(`Cita ${reference}`)).toBeVisible();
    await expectNoAxeViolations(page, 'appointment (phone)');
  });
});

test('a supervisor with an authenticator app filters the agenda by agent and office, reassigns and cancels', async ({ page, request }) => {
  // Set up the authenticator app and book an appointment, through the API as the supervisor.
  const session = await request.post('/api/staff/session', { data: { email: SUPERVISOR.email, password: SUPERVISOR.password } });
  expect(session.status()).toBe(200);
  const { csrfToken } = ((await session.json()) as Envelope<{ csrfToken: string }>).data;
  const enrolment = await request.post('/api/staff/totp', { headers: { 'x-csrf-token': csrfToken }, data: {} });
  const totp = URI.parse(((await enrolment.json()) as Envelope<{ uri: string }>).data.uri);
  if (!(totp instanceof TOTP)) throw new Error('expected a TOTP enrolment URI');
  const confirmed = await request.post('/api/staff/totp/confirm', { headers: { 'x-csrf-token': csrfToken }, data: { code: totp.generate() } });
  expect(confirmed.status()).toBe(204);
  const procedureId = await firstVideoProcedure(request);
  // Two places free: the other agent is free then too, so the appointment can be given to them.
  const slot = await nextWorkingSlot(request, procedureId, 2);
  const { id } = await bookInPerson(request, csrfToken, procedureId, slot.startsAt, {
    name: 'Jana',
    surnames: 'Roig',
    email: 'jana.roig@example.org',
    idNumber: validNif(53_000_003),
  });
  const detail = ((await (await request.get(`/api/staff/appointments/${id}`)).json()) as Envelope<{ appointment: { agent: { displayName: string } } }>).data;
  const firstAgent = detail.appointment.agent.displayName;
  const otherAgent = firstAgent === 'Agent 1' ? 'Agent 2' : 'Agent 1';

  // Sign in: password, then the code (a wrong one first).
  await page.goto(`/staff?date=${slot.date}`);
  await page.getByLabel('Adreça de correu electrònic').fill(SUPERVISOR.email);
  await page.getByLabel('Contrasenya', { exact: true }).fill(SUPERVISOR.password);
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(heading(page)).toContainText('Escriviu el codi de l’aplicació d’autenticació');
  await expect(heading(page)).toBeFocused();
  await expectNoAxeViolations(page, 'sign-in: code');
  const code = page.getByLabel('Codi de seguretat');
  await code.fill('000000');
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('El codi de seguretat no és correcte. Us queden 4 intents');
  await expectNoAxeViolations(page, 'sign-in: wrong code');
  // The code of the next 30-second step: the one used to enrol cannot be used twice.
  await code.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(heading(page)).toContainText('Agenda');
  await expect(page.getByText(`Heu entrat com a ${SUPERVISOR.name} (supervisor)`)).toBeVisible();

  // Only one agent's appointments.
  const row = page.getByRole('row').filter({ hasText: 'Jana Roig' });
  await expect(row).toContainText(firstAgent);
  const agentFilter = page.getByLabel('Agent', { exact: true });
  await agentFilter.selectOption({ label: otherAgent });
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await expect(agentFilter).toHaveValue(/.+/);
  await expect(row).toHaveCount(0);
  await expectNoAxeViolations(page, 'agenda filtered by agent');
  await agentFilter.selectOption({ label: firstAgent });
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await expect(row).toBeVisible();

  // One office's appointments only. The demo town hall has a single office, so there is no office
  // filter; a second office is added to the agenda's answer here, and the server's filtering is real.
  await expect(page.getByLabel('Oficina', { exact: true })).toHaveCount(0);
  await page.route('**/api/staff/agenda?*', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as Envelope<{ offices: { id: string; name: string }[] }>;
    body.data.offices.push({ id: 'e2e-other-office', name: 'Oficina E2E' });
    await route.fulfill({ response, json: body });
  });
  await page.reload();
  const officeFilter = page.getByLabel('Oficina', { exact: true });
  await officeFilter.selectOption({ label: 'Oficina E2E' });
  const filtered = page.waitForRequest((r) => new URL(r.url()).searchParams.get('officeId') === 'e2e-other-office');
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await filtered;
  await expect(page).toHaveURL(/[?&]office=e2e-other-office/);
  await expect(officeFilter).toHaveValue('e2e-other-office');
  await expect(row).toHaveCount(0);
  await expectNoAxeViolations(page, 'agenda filtered by office');
  await officeFilter.selectOption({ label: 'Oficina d’Atenció Ciutadana' });
  await page.getByRole('button', { name: 'Mostra', exact: true }).click();
  await expect(row).toBeVisible();
  await page.unroute('**/api/staff/agenda?*');

  // Give it to the other agent, then cancel it.
  await page.getByRole('link', { name: 'Jana Roig' }).click();
  await expect(heading(page)).toContainText('Jana Roig');
  await page.getByLabel('Agent nou').selectOption({ label: otherAgent });
  await page.getByRole('button', { name: 'Reassigna' }).click();
  await expect(page.getByRole('alert')).toContainText(`La cita s’ha assignat a ${otherAgent}.`);
  await expect(page.getByText('Assignada a un altre agent')).toBeVisible();
  await expectNoAxeViolations(page, 'appointment reassigned');
  await page.getByRole('button', { name: 'Anul·la la cita' }).click();
  const confirm = page.getByRole('group', { name: 'Segur que voleu anul·lar aquesta cita?' });
  await expectNoAxeViolations(page, 'cancel: confirm');
  await confirm.getByRole('button', { name: 'Sí, anul·la la cita' }).click();
  await expect(page.getByRole('alert')).toContainText('La cita s’ha anul·lat.');
  await expect(page.getByText('Anul·lada').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Anul·la la cita' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'appointment cancelled');
});
