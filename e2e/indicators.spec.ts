/**
 * The supervisors' dashboard, in Catalan: a supervisor takes a video call,
 * hangs up, the citizen answers the survey and the supervisor wraps the
 * call up; then the dashboard (`/staff/indicators`) shows the call among
 * the appointments held and the survey's answers in its averages — the
 * expected figures computed here from what the API said before the call
 * (other journeys of the same run may have held calls too). The CSV export
 * holds the same numbers as the table, the anonymous comment is listed,
 * and axe finds nothing on the page.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Locator } from '@playwright/test';
import type { IndicatorsView } from '../src/shared/indicators.ts';
import { addMonths } from '../src/web/scenes/staff/indicators/indicators-query.ts';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { AGENT_BROWSER, heading, instrument, signInStaff, startCall } from './support/call.ts';
import { createStaff, runCli } from './support/cli.ts';

const SUPERVISOR = { email: 'e2e-indicators-supervisor@demo.finestreta.test', password: 'e2e-indicators-supervisor-2026', name: 'Supervisor Indicadors' };
const COMMENT = 'Ho tornaria a fer: rapidíssim i sense cues.';

test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

/** The current month in the organisation's zone, as the dashboard's default range ends. */
function currentMonth(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
}

async function indicatorsNow(api: APIRequestContext, from: string, to: string): Promise<IndicatorsView> {
  const response = await api.get(`/api/staff/indicators?from=${from}&to=${to}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { data: IndicatorsView }).data;
}

/** The cell of `column` in the "whole period" row of a table. */
function totalCell(table: Locator, column: string): Locator {
  return table.getByRole('row', { name: /Tot el període/ }).locator(`[data-column="${column}"]`);
}

const ca = (value: number, options: Intl.NumberFormatOptions = { maximumFractionDigits: 1 }) => new Intl.NumberFormat('ca', options).format(value);
const percent = (share: number) => ca(share, { style: 'percent', maximumFractionDigits: 1 });

test('a supervisor sees a call and its survey on the dashboard, and the CSV matches the table', async ({ page, request, baseURL, playwright }) => {
  test.setTimeout(240_000);
  const to = currentMonth();
  const from = addMonths(to, -11);
  // The supervisor's figures before the call, through the API (a session of its own).
  const api = await playwright.request.newContext({ baseURL });
  expect((await api.post('/api/staff/session', { data: { email: SUPERVISOR.email, password: SUPERVISOR.password } })).status()).toBe(200);
  const before = (await indicatorsNow(api, from, to)).total;

  await instrument(page);
  const call = await startCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'indicators.call@example.org', idNumber: validNif(63_000_093) } });
  const citizen = call.page;
  try {
    // The call ends; the citizen answers the survey; the supervisor wraps the call up.
    await page.getByRole('button', { name: 'Penja', exact: true }).click();
    await expect(page.getByText('La trucada ha acabat.')).toBeVisible();
    await citizen.getByRole('region', { name: 'Ens ajudeu a millorar?' }).getByRole('link', { name: 'Respon l’enquesta' }).click();
    await citizen.getByRole('group', { name: 'Us ha agradat?' }).getByRole('radio', { name: '9', exact: true }).check();
    await citizen.getByRole('group', { name: 'Ha estat fàcil?' }).getByRole('radio', { name: '10', exact: true }).check();
    await citizen.getByRole('group', { name: 'Ho tornaríeu a fer servir?' }).getByRole('radio', { name: 'Sí', exact: true }).check();
    await citizen.getByLabel('Voleu afegir-hi alguna cosa? (opcional)').fill(COMMENT);
    await citizen.getByRole('button', { name: 'Envia les respostes' }).click();
    await expect(heading(citizen)).toContainText('Gràcies per respondre');
    const wrapup = page.getByRole('region', { name: 'Com ha anat la trucada?' });
    await wrapup.getByRole('group', { name: 'Resultat' }).getByRole('radio', { name: 'Completada' }).check();
    await wrapup.getByRole('group', { name: 'Com ha anat per a vós?' }).getByRole('radio', { name: '5', exact: true }).check();
    await wrapup.getByRole('button', { name: 'Desa' }).click();
    await expect(wrapup.getByRole('status')).toHaveText('S’ha desat el tancament de la trucada.');
  } finally {
    await call.browser.close();
  }

  // The dashboard, from the staff navigation.
  await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Indicadors' }).click();
  await expect(heading(page)).toContainText('Indicadors del servei');
  await expect(page).toHaveTitle(/^Indicadors del servei/);
  const appointments = page.getByRole('table', { name: 'Cites per mes' });
  const survey = page.getByRole('table', { name: 'Enquesta per mes' });
  await expect(appointments).toBeVisible();

  // Held: one more than before. Survey: this answer averaged with the earlier ones.
  const n = before.survey.count;
  const mean = (previous: number | null, answer: number) => ((previous ?? 0) * n + answer) / (n + 1);
  const useAgain = ((before.survey.useAgainShare ?? 0) * n + 1) / (n + 1);
  await expect(totalCell(appointments, 'held')).toHaveText(ca(before.held + 1));
  if (before.held === 0) await expect(totalCell(appointments, 'held')).toHaveText('1');
  await expect(totalCell(survey, 'surveys')).toHaveText(ca(n + 1));
  await expect(totalCell(survey, 'liked')).toHaveText(ca(mean(before.survey.likedAvg, 9)));
  await expect(totalCell(survey, 'easy')).toHaveText(ca(mean(before.survey.easyAvg, 10)));
  await expect(totalCell(survey, 'useAgain')).toHaveText(percent(useAgain));

  // Charts read at a glance, each an image with a name and a description.
  for (const name of ['Cites demanades, ateses, no presentades i anul·lades', 'Taxa de no presentació', 'Temps d’atenció (mediana)', 'Valoració mitjana (0–10)', 'Ho tornarien a fer servir']) {
    await expect(page.getByRole('img', { name })).toBeVisible();
  }
  // By procedure: a bar chart, and a table whose held appointments add up to the month table's total.
  await expect(page.getByRole('img', { name: 'Cites demanades i ateses per tràmit' })).toBeVisible();
  const byProcedure = page.getByRole('table', { name: 'Xifres de tot el període per tràmit' });
  await expect(byProcedure.getByRole('row').nth(1)).toBeVisible();
  const heldColumn = await byProcedure.locator('tbody tr td:nth-of-type(2)').allTextContents();
  expect(ca(heldColumn.reduce((sum, cell) => sum + Number(cell.replace(/\D/g, '')), 0))).toBe(await totalCell(appointments, 'held').textContent());

  // Without an in-person baseline, the in-person rate is unknown, never 0.
  await expect(totalCell(appointments, 'noShowRateInPerson')).toHaveText('—desconegut');

  // The anonymous comment, for supervisors.
  const comments = page.getByRole('region', { name: 'Comentaris de l’enquesta' });
  await expect(comments.getByRole('cell', { name: COMMENT })).toBeVisible();

  // The CSV: the same numbers as the table.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Baixa la taula en CSV' }).click();
  const download = await downloading;
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n').map((line) => line.split(','));
  const [header = [], ...rows] = csv;
  const total = rows.find((r) => r[0] === `${from}/${to}`) ?? [];
  const field = (name: string) => Number(total[header.indexOf(name)]);
  expect(total.length).toBe(header.length);
  await expect(totalCell(appointments, 'requested')).toHaveText(ca(field('requested')));
  await expect(totalCell(appointments, 'held')).toHaveText(ca(field('held')));
  await expect(totalCell(appointments, 'cancelled')).toHaveText(ca(field('cancelled')));
  await expect(totalCell(survey, 'surveys')).toHaveText(ca(field('surveys')));
  await expect(totalCell(survey, 'liked')).toHaveText(ca(field('liked_avg')));
  await expect(totalCell(survey, 'easy')).toHaveText(ca(field('easy_avg')));
  await expect(totalCell(survey, 'useAgain')).toHaveText(percent(field('use_again_share')));

  await expectNoAxeViolations(page, 'indicators dashboard');
  await api.dispose();
});

const ADMIN = { email: 'e2e-indicators-admin@demo.finestreta.test', password: 'e2e-indicators-admin-2026', name: 'Administradora Indicadors' };

test('an administrator sets and removes an in-person baseline', async ({ page }) => {
  try {
    runCli(['user', 'create', '--role', 'admin', '--email', ADMIN.email, '--name', ADMIN.name], `${ADMIN.password}\n`);
  } catch (error) {
    const output = (error as { stderr?: Buffer | string }).stderr ?? '';
    if (!String(output).includes('already exists')) throw error;
  }
  await signInStaff(page, ADMIN);
  await page.goto('/staff/indicators');
  await expect(heading(page)).toContainText('Indicadors del servei');
  const form = page.getByRole('region', { name: 'Xifres de l’atenció presencial' });
  const appointments = page.getByRole('table', { name: 'Cites per mes' });

  // Not a number: an error summary that takes focus, and the message at the field.
  await form.getByLabel('Valor (%)').fill('molt');
  await form.getByRole('button', { name: 'Desa la xifra' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Escriviu un nombre, per exemple 12,5' });
  await expect(summary).toBeFocused();
  await expectNoAxeViolations(page, 'baselines form with an error');

  // 12,5 % every month: confirmed, and the table compares with it.
  await form.getByLabel('Valor (%)').fill('12,5');
  await form.getByRole('button', { name: 'Desa la xifra' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'S’ha desat la xifra presencial «Taxa de no presentació» (Cada mes).' })).toBeFocused();
  await expect(totalCell(appointments, 'noShowRateInPerson')).toHaveText(percent(0.125));
  await expectNoAxeViolations(page, 'baselines saved');

  // Empty removes it: unknown again, never 0.
  await form.getByLabel('Valor (%)').fill('');
  await form.getByRole('button', { name: 'Desa la xifra' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'S’ha esborrat la xifra presencial' })).toBeVisible();
  await expect(totalCell(appointments, 'noShowRateInPerson')).toHaveText('—desconegut');

  // From a spreadsheet (semicolons, a decimal comma): a bad line refuses the whole file, naming it.
  const file = form.getByLabel('Fitxer CSV');
  await file.setInputFiles({ name: 'presencial.csv', mimeType: 'text/csv', buffer: Buffer.from('metric;month;value\nno_show_rate;;8,5\nno_show_rate;2026-13;3\n') });
  await expect(page.getByRole('alert').filter({ hasText: 'Línia 3: el mes ha de ser AAAA-MM, * o buit.' })).toBeVisible();
  await file.setInputFiles({ name: 'presencial.csv', mimeType: 'text/csv', buffer: Buffer.from('metric;month;value\nno_show_rate;;8,5\nhandling_avg_seconds;*;14\n') });
  await expect(form.getByRole('status')).toHaveText('El fitxer presencial.csv té 2 referències a punt per importar.');
  await form.getByRole('button', { name: 'Importa 2 referències' }).click();
  await expect(page.getByText('S’han importat 2 referències de presencial.csv.')).toBeVisible();
  await expect(totalCell(appointments, 'noShowRateInPerson')).toHaveText(percent(0.085));
  await expectNoAxeViolations(page, 'baselines imported');

  // The monthly report of the last month shown, as a PDF with the baseline beside the month's figure.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Informe mensual de .* \(PDF\)$/ }).click();
  const report = await downloading;
  expect(report.suggestedFilename()).toBe(`indicators-report-${currentMonth()}.pdf`);
  const text = execFileSync('pdftotext', ['-layout', await report.path(), '-'], { encoding: 'utf8' });
  expect(text).toContain('Informe mensual de la cita per videotrucada');
  expect(text).toMatch(/Taxa de no presentació\s+\S+.*8,5\s?%/);
  await form.getByLabel('Fitxer CSV').setInputFiles({ name: 'buida.csv', mimeType: 'text/csv', buffer: Buffer.from('metric,month,value\nno_show_rate,*,\nhandling_avg_seconds,*,\n') });
  await form.getByRole('button', { name: 'Importa 2 referències' }).click();
  await expect(totalCell(appointments, 'noShowRateInPerson')).toHaveText('—desconegut');
});

const AGENT = { email: 'e2e-indicators-agent@demo.finestreta.test', password: 'e2e-indicators-agent-2026', name: 'Agent Indicadors' };

test('an agent sees their own figures, and the filters live in the address', async ({ page }) => {
  createStaff(AGENT, 'agent');
  await signInStaff(page, AGENT);
  await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Indicadors' }).click();
  await expect(heading(page)).toContainText('Indicadors del servei');
  await expect(page.getByText('Veieu les xifres de les vostres cites.')).toBeVisible();
  // Comments and baselines are for supervisors and administrators.
  await expect(page.getByRole('heading', { name: 'Comentaris de l’enquesta' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Xifres de l’atenció presencial' })).toHaveCount(0);
  await expect(page.getByLabel('Agent', { exact: true })).toHaveCount(0);

  // A narrower range, applied with the button, is in the address and survives a reload.
  const to = currentMonth();
  const from = addMonths(to, -2);
  await page.getByLabel('Des de').selectOption(from);
  await page.getByRole('button', { name: 'Mostra' }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/indicators\\?from=${from}&to=${to}$`));
  await page.reload();
  await expect(page.getByLabel('Des de')).toHaveValue(from);
  await expect(page.getByRole('table', { name: 'Cites per mes' }).getByRole('row')).toHaveCount(1 + 3 + 1);
  await expect(page.getByRole('link', { name: 'Baixa la taula en CSV' })).toHaveAttribute('href', `/api/staff/indicators.csv?from=${from}&to=${to}`);
  await expectNoAxeViolations(page, 'indicators, as an agent');
});
