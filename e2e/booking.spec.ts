/**
 * The whole citizen journey on a 360 px phone, in Catalan (the default):
 * book an appointment, read the confirmation email, open the personal link,
 * change the appointment and cancel it. axe checks every page on the way.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { expectNoAxeViolations } from './support/axe.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

test.use({ viewport: { width: 360, height: 740 } });

/** The page heading (every page has exactly one h1). */
function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** The visible label of a radio (its accessible name also includes nothing else). */
async function labelOf(radio: Locator): Promise<string> {
  return radio.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? '');
}

/** "2026-12-01" + "09:15" → "20261201T091500", as in an iCalendar DTSTART with TZID. */
function icsLocal(date: string, time: string): string {
  return `${date.replaceAll('-', '')}T${time.replace(':', '')}00`;
}

test('a citizen books by video call, then changes and cancels the appointment', async ({ page }) => {
  // 1. Start: choose a procedure.
  await page.goto('/');
  await expect(heading(page)).toHaveText('Demaneu cita per videotrucada');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ca');
  await expectNoAxeViolations(page, 'start');
  const procedures = page.getByRole('group', { name: 'Quin tràmit voleu fer?' }).getByRole('radio');
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(page.getByRole('alert')).toContainText('Seleccioneu el tràmit que voleu fer');
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoAxeViolations(page, 'start with error');
  const procedure = procedures.first();
  const procedureName = await labelOf(procedure);
  await procedure.check();
  await page.getByRole('button', { name: 'Continua' }).click();

  // 2. What to prepare.
  await expect(heading(page)).toContainText('Què heu de preparar');
  await expect(heading(page)).toBeFocused();
  const documentNames = await page.getByRole('main').getByRole('heading', { level: 3 }).allTextContents();
  expect(documentNames.length).toBeGreaterThan(0);
  await expect(page.getByText(/Formats acceptats: PDF, JPG i PNG/).first()).toBeVisible();
  await expectNoAxeViolations(page, 'prepare');
  await page.getByRole('button', { name: 'Continua' }).click();

  // 3. The first day with free times.
  await expect(heading(page)).toContainText('Trieu el dia');
  const firstDay = page.getByRole('radio').first();
  await expect(firstDay).toBeVisible();
  await expectNoAxeViolations(page, 'day');
  const bookedDate = await firstDay.inputValue();
  await firstDay.check();
  await page.getByRole('button', { name: 'Continua' }).click();

  // 4. The first time of that day.
  await expect(heading(page)).toContainText('Trieu l’hora');
  const firstTime = page.getByRole('radio').first();
  await expect(firstTime).toBeVisible();
  await expectNoAxeViolations(page, 'time');
  const bookedTime = await labelOf(firstTime);
  expect(bookedTime).toMatch(/^\d{2}:\d{2}$/);
  await firstTime.check();
  await page.getByRole('button', { name: 'Continua' }).click();

  // 5. Details: an invalid NIF first.
  await expect(heading(page)).toHaveText('Les vostres dades');
  await expect(page.getByRole('radio', { name: 'Català' })).toBeChecked();
  await page.getByLabel('Nom', { exact: true }).fill('Anna');
  await page.getByLabel('Cognoms', { exact: true }).fill('Puig i Soler');
  await page.getByRole('radio', { name: 'DNI o NIF' }).check();
  const idNumber = page.getByLabel('Número del document', { exact: true });
  await idNumber.fill('12345678A');
  await page.getByLabel('Adreça de correu electrònic').fill('anna.puig@example.org');
  await page.getByLabel('Telèfon', { exact: true }).fill('600 123 456');
  await page.getByRole('checkbox', { name: 'Intèrpret d’un altre idioma' }).check();
  await page.getByLabel('Quin idioma?').fill('Àrab');
  await page.getByRole('button', { name: 'Continua' }).click();

  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading', { name: 'Hi ha un problema' })).toBeVisible();
  const summaryLink = summary.getByRole('link', { name: /Escriviu un DNI o NIF vàlid/ });
  await expect(summaryLink).toBeVisible();
  await expect(idNumber).toHaveAccessibleDescription(/Error: Escriviu un DNI o NIF vàlid/);
  await expect(page).toHaveTitle(/^Error: Les vostres dades/);
  await expectNoAxeViolations(page, 'details with errors');
  await summaryLink.click();
  await expect(idNumber).toBeFocused();
  await idNumber.fill('12345678Z');
  await page.getByRole('button', { name: 'Continua' }).click();

  // 6. Check your answers, then book (the proof of work runs in the background).
  await expect(heading(page)).toContainText('Reviseu les respostes');
  await expect(page.getByText('DNI o NIF: 12345678Z')).toBeVisible();
  await expect(page.getByText('Intèrpret: Àrab')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Canvia el dia' })).toBeVisible();
  await expectNoAxeViolations(page, 'check answers');
  const mailsBefore = await outboxCount();
  await page.getByRole('button', { name: 'Demana la cita' }).click();

  // 7. Confirmation.
  await expect(heading(page)).toHaveText('Cita reservada');
  const reference = (await page.locator('.panel__reference').textContent())?.trim() ?? '';
  expect(reference).not.toBe('');
  await expect(page.getByText(procedureName).first()).toBeVisible();
  await expect(page.getByText('anna.puig@example.org')).toBeVisible();
  await expectNoAxeViolations(page, 'confirmation');

  // The confirmation email: link, separate password, documents, calendar invitation.
  const mail = await newestMailAfter(mailsBefore);
  expect(mail.subject).toContain(reference);
  const text = mail.text ?? '';
  const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0];
  expect(link, 'personal link in the email').toBeTruthy();
  const passwordLabel = `${caMail.access.password_label}:`;
  expect(text).toContain(passwordLabel);
  const password = text.split(passwordLabel)[1]?.trim().split(/\s+/)[0] ?? '';
  expect(password.length).toBeGreaterThan(5);
  expect(link).not.toContain(password);
  for (const name of documentNames) expect(text).toContain(name);
  const calendar = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  expect(calendar, 'text/calendar part').toBeTruthy();
  const ics = calendar?.content.toString('utf8') ?? '';
  expect(ics).toContain('METHOD:REQUEST');
  expect(ics).toContain('TZID=Europe/Madrid');
  expect(ics).toContain(`DTSTART;TZID=Europe/Madrid:${icsLocal(bookedDate, bookedTime)}`);

  // The personal link: a wrong password first, then the right one.
  const { pathname } = new URL(link ?? '');
  await page.goto(pathname);
  await expect(heading(page)).toHaveText('Escriviu la contrasenya del correu electrònic');
  await expectNoAxeViolations(page, 'password');
  const passwordField = page.getByLabel('Contrasenya', { exact: true });
  await passwordField.fill('no-es-aquesta');
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(page.getByRole('alert')).toContainText('La contrasenya no és correcta. Us queden 4 intents.');
  await expectNoAxeViolations(page, 'password with error');
  await passwordField.fill(password);
  await page.getByRole('button', { name: 'Continua' }).click();

  await expect(heading(page)).toContainText('La vostra cita');
  await expect(page.getByText(reference)).toBeVisible();
  await expect(page.getByText('Reservada', { exact: true })).toBeVisible();
  await expect(page.getByText(bookedTime, { exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'appointment');

  // Change it to another time.
  await page.getByRole('link', { name: 'Canvia el dia o l’hora' }).click();
  await expect(heading(page)).toContainText('Trieu el dia');
  await expectNoAxeViolations(page, 'change: day');
  // Another day, so the new time surely differs from the booked one.
  const days = page.getByRole('radio');
  await expect(days.first()).toBeVisible();
  const dates = await days.evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value));
  const newDate = dates.find((d) => d !== bookedDate) ?? '';
  const newDay = days.nth(dates.indexOf(newDate));
  await newDay.check();
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(heading(page)).toContainText('Trieu l’hora');
  await expectNoAxeViolations(page, 'change: time');
  const newTimeRadio = page.getByRole('radio').last();
  const newTime = await labelOf(newTimeRadio);
  await newTimeRadio.check();
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(heading(page)).toContainText('Reviseu el nou dia i la nova hora');
  await expectNoAxeViolations(page, 'change: check');
  const mailsBeforeChange = await outboxCount();
  await page.getByRole('button', { name: 'Canvia la cita' }).click();
  await expect(heading(page)).toHaveText('Cita canviada');
  await expect(page.getByText(newTime, { exact: false }).first()).toBeVisible();
  await expectNoAxeViolations(page, 'changed');
  const changeMail = await newestMailAfter(mailsBeforeChange);
  const changeIcs = changeMail.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8') ?? '';
  expect(changeIcs).toContain(`DTSTART;TZID=Europe/Madrid:${icsLocal(newDate, newTime)}`);

  // Cancel it.
  await page.getByRole('link', { name: 'Vegeu la vostra cita' }).click();
  await expect(heading(page)).toContainText('La vostra cita');
  await expect(page.getByText(newTime, { exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Anul·la la cita' }).click();
  await expect(heading(page)).toHaveText('Segur que voleu anul·lar aquesta cita?');
  await expectNoAxeViolations(page, 'cancel');
  await page.getByRole('button', { name: 'Sí, anul·la la cita' }).click();
  await expect(heading(page)).toHaveText('Cita anul·lada');
  await expect(page.getByText(reference)).toBeVisible();
  await expectNoAxeViolations(page, 'cancelled');
});

test('the information pages and the 404 page are accessible', async ({ page }) => {
  await page.goto('/');
  await expect(heading(page)).toBeVisible();
  await page.getByRole('link', { name: 'Declaració d’accessibilitat' }).click();
  await expect(heading(page)).toHaveText('Declaració d’accessibilitat');
  await expect(heading(page)).toBeFocused();
  await expect(page).toHaveTitle(/^Declaració d’accessibilitat – /);
  for (const section of ['Situació de compliment', 'Observacions i dades de contacte', 'Procediment d’aplicació']) {
    await expect(page.getByRole('heading', { level: 2, name: section })).toBeVisible();
  }
  await expectNoAxeViolations(page, 'accessibility statement');

  await page.getByRole('link', { name: 'Protecció de dades' }).click();
  await expect(heading(page)).toHaveText('Protecció de dades');
  await expectNoAxeViolations(page, 'privacy notice');

  await page.goto('/no-existeix');
  await expect(heading(page)).toHaveText('No s’ha trobat la pàgina');
  await expectNoAxeViolations(page, 'not found');
});
