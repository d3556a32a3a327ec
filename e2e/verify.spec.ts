/**
 * Public verification of a receipt: a supervisor registers an appointment
 * through the staff API (what the guided protocol will do), then anyone
 * with the receipt's secure verification code checks it on /verify: a
 * missing or malformed code is explained in the error summary and at the
 * field, an unknown one gets the server's translated message, a valid one
 * (typed in lower case without hyphens, or opened from the QR code's link)
 * shows the registry's details, the TEST SEAL warning and the sealed PDF to
 * download. axe checks each state.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { bookAndRegisterAsStaff, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { createStaff } from './support/cli.ts';

const SUPERVISOR = { email: 'e2e-registry@demo.finestreta.test', password: 'e2e-registry-password-2026', name: 'Registre E2E' };

interface Envelope<T> {
  data: T;
}

function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

test('anyone checks a receipt by its code and downloads the sealed original', async ({ page, request }) => {
  // Seed: a supervisor books an appointment and registers it.
  const session = await request.post('/api/staff/session', { data: { email: SUPERVISOR.email, password: SUPERVISOR.password } });
  expect(session.status()).toBe(200);
  const { csrfToken } = ((await session.json()) as Envelope<{ csrfToken: string }>).data;
  const { csv, number, verifyUrl } = await bookAndRegisterAsStaff(request, csrfToken, { name: 'Núria', surnames: 'Puig', idNumber: validNif(71_000_001), email: 'nuria.registre@example.org' });
  expect(new URL(verifyUrl).pathname).toBe(`/o/demo/verify/${csv}`);

  // The form: nothing typed, then something that cannot be a code.
  await page.goto('/o/demo/verify');
  await expect(heading(page)).toHaveText('Comprovar un document');
  await expectNoAxeViolations(page, 'verify: form');
  const field = page.getByLabel('Codi segur de verificació (CSV)');
  const submit = page.getByRole('button', { name: 'Comprovar', exact: true });
  await submit.click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Escriviu el codi segur de verificació.');
  await expect(summary).toBeFocused();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoAxeViolations(page, 'verify: empty');
  await field.fill('1234');
  await submit.click();
  await expect(summary).toContainText('Això no és un codi de verificació.');

  // An unknown code: the server's message, in the page's language.
  await field.fill('DEMO-AAAA-AAAA-AAAA-AAAA-AAAA');
  await submit.click();
  await expect(page.getByRole('alert')).toContainText("Cap document d'aquest ajuntament no té aquest codi de verificació");
  await expect(heading(page)).toHaveText('Comprovar un document');

  // The real code, as a person might type it.
  await page.getByLabel('Codi segur de verificació (CSV)').fill(csv.toLowerCase().replace(/-/g, ' '));
  await page.getByRole('button', { name: 'Comprovar', exact: true }).click();
  await expect(heading(page)).toHaveText('El document és autèntic');
  await expect(page).toHaveURL(new RegExp(`/o/demo/verify/${csv}$`));
  await expect(page.getByText(`El codi correspon a l'assentament de registre ${number}.`)).toBeVisible();
  await expect(page.getByText('segell de prova')).toBeVisible();
  await expect(page.getByText('N. P.', { exact: true })).toBeVisible();
  await expect(page.getByText(validNif(71_000_001))).toHaveCount(0);
  await expectNoAxeViolations(page, 'verify: found');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Baixar l'original/ }).click()]);
  expect(download.suggestedFilename()).toBe(`${number}.pdf`);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // The QR code's link opens the result directly, on a 360 px phone, in another language too.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`/o/demo/verify/${csv}`);
  await expect(heading(page)).toHaveText('El document és autèntic');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expectNoAxeViolations(page, 'verify: found on a phone');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(heading(page)).toHaveText('The document is authentic');
  await page.getByRole('link', { name: 'Check another document' }).click();
  await expect(heading(page)).toHaveText('Check a document');
});
