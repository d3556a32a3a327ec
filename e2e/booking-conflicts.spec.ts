/**
 * What goes wrong in real life: the chosen time is taken by someone else
 * while the citizen checks their answers, and a personal link is locked
 * after too many wrong passwords. Competing bookings are seeded through the API.
 */
import { expect, test, type Page } from '@playwright/test';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { bookViaApi, capacityAt, firstFreeSlot, firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

test.use({ viewport: { width: 360, height: 740 } });

async function fillDetails(page: Page, idNumber: string, email: string): Promise<void> {
  await page.getByLabel('Nom', { exact: true }).fill('Marta');
  await page.getByLabel('Cognoms', { exact: true }).fill('Roca');
  await page.getByRole('radio', { name: 'DNI o NIF' }).check();
  await page.getByLabel('Número del document', { exact: true }).fill(idNumber);
  await page.getByLabel('Adreça de correu electrònic').fill(email);
  await page.getByLabel('Telèfon', { exact: true }).fill('+34 611 222 333');
  await page.getByRole('button', { name: 'Continua' }).click();
}

test('a time taken while checking the answers offers fresh alternatives', async ({ page, request }) => {
  const procedureId = await firstVideoProcedure(request);
  await page.goto(`/book/${procedureId}/prepare`);
  await page.getByRole('button', { name: 'Continua' }).click();
  const day = page.getByRole('radio').first();
  const date = await day.inputValue();
  await day.check();
  await page.getByRole('button', { name: 'Continua' }).click();
  const time = page.getByRole('radio').first();
  await expect(time).toBeVisible();
  const startsAt = await time.inputValue();
  await time.check();
  await page.getByRole('button', { name: 'Continua' }).click();
  await fillDetails(page, validNif(30_000_001), 'marta.roca@example.org');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Reviseu les respostes');

  // Meanwhile, other people book every remaining place at that time.
  const places = await capacityAt(request, procedureId, startsAt, date);
  expect(places).toBeGreaterThan(0);
  for (let i = 0; i < places; i += 1) {
    expect(await bookViaApi(request, { procedureId, startsAt, email: `other${i}@example.org`, idNumber: validNif(40_000_000 + i) })).toBe(201);
  }

  await page.getByRole('button', { name: 'Demana la cita' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Aquesta hora s’acaba d’ocupar');
  await expectNoAxeViolations(page, 'slot taken');
  const alternative = page.getByRole('radio').first();
  await expect(alternative).toBeVisible();
  expect(await alternative.inputValue()).not.toBe(startsAt);
  await alternative.check();
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Reviseu les respostes');
  await page.getByRole('button', { name: 'Demana la cita' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cita reservada');
});

test('too many wrong passwords lock the personal link, and the page says until when', async ({ page, request }) => {
  const procedureId = await firstVideoProcedure(request);
  const { startsAt } = await firstFreeSlot(request, procedureId);
  const before = await outboxCount();
  expect(await bookViaApi(request, { procedureId, startsAt, email: 'pere.mas@example.org', idNumber: validNif(50_000_002) })).toBe(201);
  const mail = await newestMailAfter(before);
  const text = mail.text ?? '';
  expect(text).toContain(`${caMail.access.password_label}:`);
  const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
  await page.goto(new URL(link).pathname);

  const password = page.getByLabel('Contrasenya', { exact: true });
  const alert = page.getByRole('alert');
  for (const remaining of ['Us queden 4 intents.', 'Us queden 3 intents.', 'Us queden 2 intents.', 'Us queda 1 intent.']) {
    await password.fill('incorrecta');
    await page.getByRole('button', { name: 'Continua' }).click();
    await expect(alert).toContainText(remaining);
  }
  await password.fill('incorrecta');
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(alert).toContainText(/l’accés està bloquejat fins al .+ a les \d{2}:\d{2}\./);
  await expect(password).toHaveAccessibleDescription(/bloquejat/);
  await expectNoAxeViolations(page, 'locked');
});
