/** Steps of the administration console shared by the admin journeys. */
import { expect, type Page } from '@playwright/test';

/** The next Saturday after today, in Madrid, as "YYYY-MM-DD". */
export function nextSaturday(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== 6);
  return d.toISOString().slice(0, 10);
}

/**
 * Gives the agent named `agentName` hours on the next Saturday only,
 * 10:00–13:00, through the console's schedules section (signed in as an
 * administrator on `page`); answers that Saturday's date.
 */
export async function giveSaturdayHours(page: Page, agentName: string): Promise<string> {
  const saturday = nextSaturday();
  await page.getByRole('navigation', { name: 'Administració' }).getByRole('link', { name: 'Oficines i horaris' }).click();
  await page.getByRole('link', { name: agentName }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Horari de ${agentName}`);
  await page.getByLabel('Dia de la setmana').selectOption({ label: 'Dissabte' });
  await page.getByLabel('Des de', { exact: true }).fill('10:00');
  await page.getByLabel('Fins a', { exact: true }).fill('13:00');
  await page.getByLabel('Primer dia (opcional)').fill(saturday);
  await page.getByLabel('Darrer dia (opcional)').fill(saturday);
  await page.getByRole('button', { name: 'Afegeix les hores' }).click();
  await expect(page.getByText('S’han afegit les hores.')).toBeVisible();
  return saturday;
}
