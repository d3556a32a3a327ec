/**
 * Offices and schedules in the administration console, in Catalan: an
 * administrator gives an agent who has no hours a Sunday morning (a day
 * nobody works), and a citizen can book it at once; a booking on it makes
 * the removal of those hours refused, with the booked appointment listed
 * and linked; a closure is added for the agent and removed; a small .ics
 * file is checked (one event to import, a recurring one left out) and
 * imported; the capacity calendar shows the Sunday; offices are added and
 * removed. axe finds nothing on each page. Everything this journey opens
 * is for its own agent and dates, and is undone at the end, so the
 * journeys after it see the demo town as before.
 */
import { expect, test, type Page } from '@playwright/test';
import { bookViaApi, firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff, runCli } from './support/cli.ts';

const ADMIN = { email: 'e2e-schedules-admin@demo.finestreta.test', password: 'e2e-schedules-admin-2026', name: 'Administradora Horaris' };
const AGENT = { email: 'e2e-schedules-agent@demo.finestreta.test', password: 'e2e-schedules-agent-2026', name: 'Agent Diumenges' };

test.beforeAll(() => {
  try {
    runCli(['user', 'create', '--role', 'admin', '--email', ADMIN.email, '--name', ADMIN.name], `${ADMIN.password}\n`);
  } catch (error) {
    const output = (error as { stderr?: Buffer | string }).stderr ?? '';
    if (!(typeof output === 'string' ? output : output.toString('utf8')).includes('already exists')) throw error;
  }
  createStaff(AGENT, 'agent');
});

/** Today's date in Madrid, and the date `days` later. */
function madridDate(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/** The first Sunday at least two weeks from now (within every procedure's 60 days of advance). */
function aSunday(): string {
  for (let d = 14; ; d++) {
    const date = madridDate(d);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() === 0) return date;
  }
}

async function slotsOn(page: Page, procedureId: string, date: string): Promise<{ startsAt: string; localTime: string }[]> {
  const response = await page.request.get(`/api/public/procedures/${procedureId}/availability?from=${date}&to=${date}`);
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { data: { days: { slots: { startsAt: string; localTime: string }[] }[] } };
  return body.data.days[0]?.slots ?? [];
}

async function csrfOf(page: Page): Promise<string> {
  return ((await (await page.request.get('/api/staff/me')).json()) as { data: { csrfToken: string } }).data.csrfToken;
}

/** True when the page is no wider than the screen. */
async function fitsTheScreen(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

test('an administrator sets an agent’s hours, closures and an imported calendar, and is stopped from stranding a booking', async ({ page }) => {
  test.setTimeout(180_000);
  const sunday = aSunday();
  const procedureId = await firstVideoProcedure(page.request);
  expect(await slotsOn(page, procedureId, sunday)).toEqual([]);

  await signInStaff(page, ADMIN);
  await page.goto('/staff/admin/schedules');
  await expect(heading(page)).toContainText('Horaris dels agents');
  await expectNoAxeViolations(page, 'agents');

  // The agent's page: no hours yet.
  await page.getByRole('link', { name: AGENT.name }).click();
  await expect(heading(page)).toContainText(`Horari de ${AGENT.name}`);
  const staffId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  await expect(page.getByText('Aquest agent no té hores setmanals')).toBeVisible();
  await expectNoAxeViolations(page, 'agent without hours');

  // A bad time first: refused next to its field, nothing saved.
  await page.getByLabel('Dia de la setmana').selectOption({ label: 'Diumenge' });
  await page.getByLabel('Des de', { exact: true }).fill('10:00');
  await page.getByLabel('Fins a', { exact: true }).fill('09:00');
  await page.getByRole('button', { name: 'Afegeix les hores' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Hi ha un problema' });
  await expect(summary.getByRole('link', { name: 'El final ha de ser posterior a l’inici.' })).toBeVisible();
  await expectNoAxeViolations(page, 'agent hours with an error');

  // Sunday 10:00–12:00, only on that Sunday: booking offers it at once.
  await page.getByLabel('Fins a', { exact: true }).fill('12:00');
  await page.getByLabel('Primer dia (opcional)').fill(sunday);
  await page.getByLabel('Darrer dia (opcional)').fill(sunday);
  await page.getByRole('button', { name: 'Afegeix les hores' }).click();
  await expect(page.getByText('S’han afegit les hores.')).toBeVisible();
  await expect(page.getByRole('table', { name: `Hores setmanals de ${AGENT.name}` }).getByRole('row', { name: /Diumenge/ })).toContainText('10:00–12:00');
  const slots = await slotsOn(page, procedureId, sunday);
  expect(slots.map((s) => s.localTime)).toContain('10:00');

  // A citizen books 10:00 (only this agent works on Sundays); removing the hours is now refused, listing it.
  const ten = slots.find((s) => s.localTime === '10:00');
  expect(await bookViaApi(page.request, { procedureId, startsAt: ten?.startsAt ?? '', email: 'schedules.orphan@example.org', idNumber: validNif(63_000_191) })).toBe(201);
  await page.getByRole('button', { name: /^Elimina Diumenge/ }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'fora de l’horari de l’agent' })).toBeVisible();
  const orphans = page.getByRole('region', { name: 'Cites que quedarien fora de l’horari de l’agent' });
  const row = orphans.getByRole('row').filter({ hasText: '10:00' });
  await expect(row).toContainText(AGENT.name);
  const link = row.getByRole('link');
  const appointmentPath = (await link.getAttribute('href')) ?? '';
  expect(appointmentPath).toMatch(/\/staff\/appointments\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('table', { name: `Hores setmanals de ${AGENT.name}` }).getByRole('row', { name: /Diumenge/ })).toBeVisible();
  await expectNoAxeViolations(page, 'agent hours with an orphan refusal');

  // On a phone the page fits the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await fitsTheScreen(page)).toBe(true);
  await page.setViewportSize({ width: 1280, height: 800 });

  // Closures: one for this agent the day before that Sunday, then removed.
  await page.getByRole('navigation', { name: 'Oficines i horaris' }).getByRole('link', { name: 'Festius i tancaments' }).click();
  await expect(heading(page)).toContainText('Festius i tancaments');
  await expectNoAxeViolations(page, 'closures');
  const saturday = new Date(Date.parse(`${sunday}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Data', { exact: true }).fill(saturday);
  await page.getByLabel('Qui', { exact: true }).selectOption({ label: AGENT.name });
  await page.getByLabel('Motiu (opcional)').fill('Formació');
  await page.getByRole('button', { name: 'Afegeix el tancament' }).click();
  await expect(page.getByText(/S’ha afegit el tancament del/)).toBeVisible();
  const closures = page.getByRole('table', { name: 'Tancaments i dies especials' });
  await expect(closures.getByRole('row').filter({ hasText: 'Formació' })).toContainText(AGENT.name);
  await closures.getByRole('row').filter({ hasText: 'Formació' }).getByRole('button', { name: /^Elimina/ }).click();
  await expect(page.getByText(/S’ha eliminat el tancament del/)).toBeVisible();
  await expect(closures.getByRole('row').filter({ hasText: 'Formació' })).toHaveCount(0);

  // An .ics file for this agent: one all-day event to import, one recurring event left out.
  const ymd = (date: string) => date.replaceAll('-', '');
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Finestreta e2e//CA',
    'BEGIN:VEVENT',
    `DTSTART;VALUE=DATE:${ymd(saturday)}`,
    'SUMMARY:Curs de formació',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'DTSTART;VALUE=DATE:20270101',
    'RRULE:FREQ=YEARLY',
    'SUMMARY:Cap d’any',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  await page.getByLabel('Fitxer de calendari').setInputFiles({ name: 'festius.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics, 'utf8') });
  await page.getByLabel('Per a', { exact: true }).selectOption({ label: AGENT.name });
  await page.getByRole('button', { name: 'Comprova el fitxer' }).click();
  await expect(page.getByRole('table', { name: 'Tancaments que s’importaran' })).toContainText('Curs de formació');
  await expect(page.getByRole('table', { name: 'Esdeveniments que es deixen de banda' }).getByRole('row').filter({ hasText: 'Cap d’any' })).toContainText('Els esdeveniments periòdics no s’importen');
  await expectNoAxeViolations(page, 'closures with an import preview');
  await page.getByRole('button', { name: 'Importa 1 tancament' }).click();
  await expect(page.getByText('S’ha importat 1 tancament.')).toBeVisible();
  await expect(closures.getByRole('row').filter({ hasText: 'Curs de formació' })).toContainText(AGENT.name);

  // The capacity calendar of that month, for this agent: two hours open on the Sunday, one appointment.
  await page.goto(`/staff/admin/schedules/calendar?month=${sunday.slice(0, 7)}&staffId=${staffId}`);
  await expect(heading(page)).toContainText('Calendari de capacitat');
  const day = page.locator(`tr[data-date="${sunday}"]`);
  await expect(day.locator('td').nth(0)).toHaveText('2');
  await expect(day.locator('td').nth(3)).toHaveText('1');
  await expect(page.locator(`tr[data-date="${saturday}"]`)).toContainText('Sense horari. 1 agent té un tancament o un horari especial');
  await expectNoAxeViolations(page, 'calendar');

  // Offices: one added, then removed (nobody belongs to it).
  await page.getByRole('navigation', { name: 'Oficines i horaris' }).getByRole('link', { name: 'Oficines' }).click();
  await expect(heading(page)).toContainText('Oficines');
  const officeName = `Oficina E2E ${String(Date.now())}`;
  await page.getByLabel('Nom de l’oficina').fill(officeName);
  await page.getByRole('button', { name: 'Afegeix l’oficina' }).click();
  await expect(page.getByText(`S’ha afegit l’oficina ${officeName}.`)).toBeVisible();
  await expectNoAxeViolations(page, 'offices');
  await page.getByRole('button', { name: `Elimina ${officeName}` }).click();
  await expect(page.getByText(`S’ha eliminat l’oficina ${officeName}.`)).toBeVisible();

  // Undo: the appointment is cancelled, and then the Sunday hours can go.
  const csrf = await csrfOf(page);
  const appointmentId = appointmentPath.split('/').pop() ?? '';
  expect((await page.request.post(`/api/staff/appointments/${appointmentId}/cancel`, { headers: { 'x-csrf-token': csrf }, data: {} })).status()).toBe(200);
  await page.goto(`/staff/admin/schedules/agents/${staffId}`);
  await page.getByRole('button', { name: /^Elimina Diumenge/ }).click();
  await expect(page.getByText('S’han eliminat les hores.')).toBeVisible();
  expect(await slotsOn(page, procedureId, sunday)).toEqual([]);

  // The same form in English, by the names other journeys use.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(heading(page)).toContainText(`Hours of ${AGENT.name}`);
  await expect(page.getByLabel('Weekday', { exact: true })).toBeVisible();
  await expect(page.getByLabel('From', { exact: true })).toBeVisible();
  await expect(page.getByLabel('To', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add hours' })).toBeVisible();
  await expectNoAxeViolations(page, 'agent hours in English');
});
