/**
 * The administration console's Staff and Organisation sections, in Catalan.
 * Staff: an administrator invites a colleague; the colleague opens the
 * emailed link, chooses a password and is signed in; the administrator
 * disables them and their open session ends at once. Organisation: a
 * low-contrast colour is refused with its measured ratio, a good one is
 * saved and the citizens' start page shows it at once, with a PNG logo (an
 * SVG is refused); the original colour is put back and the logo removed
 * afterwards: the journeys share one server. axe checks every page, also
 * at 360 px, where no page scrolls sideways.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

const ADMIN = { email: 'e2e-admin-people@demo.finestreta.test', password: 'e2e-admin-people-2026', name: 'Administradora Personal' };

/** At 360 px (a phone) the page itself does not scroll sideways (wide tables scroll in their own region). */
async function expectFitsPhone(page: Page, label: string): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${label} fits 360 px` }).toBeLessThanOrEqual(360);
  await expectNoAxeViolations(page, `${label} at 360 px`);
  if (size) await page.setViewportSize(size);
}

test.beforeAll(() => {
  createStaff(ADMIN, 'admin');
});

test('an administrator invites a colleague, who sets a password and signs in; disabled, their session ends', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const invitee = { email: `e2e-invitee-${stamp}@demo.finestreta.test`, name: `Agent Convidat ${stamp}`, password: 'una contrasenya ben llarga 2026' };

  await signInStaff(page, ADMIN);
  await page.goto('/staff/admin/staff');
  await expect(heading(page)).toHaveText('Personal');
  await expect(page.getByRole('table', { name: 'Comptes del personal' })).toContainText(ADMIN.email);
  await expectNoAxeViolations(page, 'admin staff list');
  await expectFitsPhone(page, 'admin staff list');

  await page.getByRole('link', { name: 'Convideu un company o companya' }).click();
  await expect(heading(page)).toHaveText('Convideu un company o companya');
  // Nothing filled in: each field says what it needs, in the summary and inline.
  await page.getByRole('button', { name: 'Envia la invitació' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Hi ha un problema' });
  await expect(summary).toContainText('Escriviu una adreça de correu');
  await expect(summary).toContainText('Seleccioneu un rol');
  await expectNoAxeViolations(page, 'admin invite form with errors');

  await page.getByLabel('Adreça de correu electrònic').fill(invitee.email);
  await page.getByLabel('Nom i cognoms').fill(invitee.name);
  await page.getByRole('radio', { name: 'Agent' }).check();
  await page.getByRole('group', { name: 'Oficines' }).getByRole('checkbox').first().check();
  const before = await outboxCount();
  await page.getByRole('button', { name: 'Envia la invitació' }).click();
  await expect(heading(page)).toHaveText('Personal');
  await expect(page.getByRole('alert')).toContainText(`S’ha enviat la invitació a ${invitee.email}.`);
  await expect(page.getByRole('table', { name: 'Invitacions encara no acceptades' })).toContainText(invitee.email);

  const mail = await newestMailAfter(before);
  expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain(invitee.email);
  const link = /https?:\/\/\S+\/staff\/invitation\/[A-Za-z0-9_-]+/.exec(mail.text ?? '')?.[0];
  expect(link, 'the invitation email holds the link').toBeTruthy();

  // The colleague, in a browser of their own.
  const theirs = await browser.newContext({ locale: 'ca-ES' });
  try {
    const colleague = await theirs.newPage();
    const url = new URL(link ?? '');
    await colleague.goto(`${url.pathname}${url.search}`);
    await expect(heading(colleague)).toContainText('Trieu la vostra contrasenya');
    await expect(colleague.getByLabel('Entrareu amb')).toHaveValue(invitee.email);
    await expectNoAxeViolations(colleague, 'invitation page');
    await expectFitsPhone(colleague, 'invitation page');
    await colleague.getByLabel('Contrasenya nova', { exact: true }).fill('curta');
    await colleague.getByLabel('Repetiu la contrasenya nova').fill('curta');
    await colleague.getByRole('button', { name: 'Desa la contrasenya i entra' }).click();
    await expect(colleague.getByRole('alert')).toContainText('com a mínim 12 caràcters');
    await colleague.getByLabel('Contrasenya nova', { exact: true }).fill(invitee.password);
    await colleague.getByLabel('Repetiu la contrasenya nova').fill(invitee.password);
    await colleague.getByRole('button', { name: 'Desa la contrasenya i entra' }).click();
    await expect(heading(colleague)).toContainText('Agenda');

    // The link works once.
    await colleague.goto(`${url.pathname}${url.search}`);
    await expect(heading(colleague)).toHaveText('Aquest enllaç d’invitació no funciona');
    await colleague.goto('/staff');
    await expect(heading(colleague)).toContainText('Agenda');

    // The administrator disables the account.
    await page.reload();
    await expect(page.getByRole('table', { name: 'Comptes del personal' })).toContainText(invitee.email);
    await page.getByRole('link', { name: `Gestiona ${invitee.name}` }).click();
    await expect(heading(page)).toContainText(invitee.name);
    await expectNoAxeViolations(page, 'admin staff member');
    await expectFitsPhone(page, 'admin staff member');
    await page.getByRole('button', { name: 'Desactiva el compte' }).click();
    await expect(page.getByRole('group', { name: `Voleu desactivar el compte de ${invitee.name}?` })).toBeVisible();
    await page.getByRole('button', { name: 'Sí, desactiva’l' }).click();
    await expect(page.getByRole('alert')).toContainText(`S’ha desactivat el compte de ${invitee.name}.`);
    await expect(page.getByRole('alert')).toContainText('S’ha tancat 1 sessió oberta.');
    await expectNoAxeViolations(page, 'admin staff member disabled');

    // Their session has ended: the next page they open asks them to sign in, and their password no longer works.
    await colleague.goto('/staff/account');
    await expect(heading(colleague)).toContainText('Entreu a l’àrea del personal');
    await colleague.getByLabel('Adreça de correu electrònic').fill(invitee.email);
    await colleague.getByLabel('Contrasenya', { exact: true }).fill(invitee.password);
    await colleague.getByRole('button', { name: 'Entra', exact: true }).click();
    await expect(colleague.getByRole('alert')).toBeVisible();
    await expect(heading(colleague)).toContainText('Entreu a l’àrea del personal');
  } finally {
    await theirs.close();
  }
});

test('a low-contrast colour is refused with its ratio; a good one is saved and the citizens see it at once', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signInStaff(page, ADMIN);
  await page.goto('/staff/admin/organisation');
  await expect(heading(page)).toHaveText('Organització');
  await expectNoAxeViolations(page, 'admin organisation');
  await expectFitsPhone(page, 'admin organisation');
  const colour = page.getByLabel('Color principal');
  const original = await colour.inputValue();
  try {
    await colour.fill('#787878');
    await expect(page.getByText('Massa baix per al nivell AA de les WCAG (4,5:1)')).toBeVisible();
    await page.getByRole('button', { name: 'Desa la configuració' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'Hi ha un problema' });
    await expect(summary).toContainText('4.43:1');
    await expect(summary.getByRole('link')).toHaveAttribute('href', '#org-colour');
    await expectNoAxeViolations(page, 'admin organisation with a refused colour');

    await colour.fill('#00703c');
    await page.getByRole('button', { name: 'Desa la configuració' }).click();
    await expect(page.getByRole('alert')).toContainText('S’ha desat la configuració de l’organització.');

    // A logo: SVG is refused before it is sent; a PNG is taken and shown.
    await page.getByLabel('Logotip').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    await page.getByRole('button', { name: 'Puja el logotip' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Hi ha un problema' })).toContainText('El logotip ha de ser una imatge PNG o JPEG');
    await page.getByLabel('Logotip').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Puja el logotip' }).click();
    await expect(page.getByRole('alert')).toContainText('S’ha desat el logotip.');
    await expect(page.getByRole('img', { name: 'Logotip actual' })).toBeVisible();

    const citizen = await browser.newContext({ locale: 'ca-ES' });
    try {
      const start = await citizen.newPage();
      await start.goto('/');
      await expect(start.locator('header.header')).toHaveCSS('background-color', 'rgb(0, 112, 60)');
      await expect(start.locator('header.header')).toHaveCSS('color', 'rgb(255, 255, 255)');
      await expect(start.locator('header .header__logo')).toHaveJSProperty('complete', true);
      expect(await start.locator('header .header__logo').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
      await expectNoAxeViolations(start, 'citizen start page with the new colour and logo');
    } finally {
      await citizen.close();
    }
  } finally {
    // The journeys share one server: put the organisation's colour back, and take the logo away.
    if (await page.getByRole('button', { name: 'Suprimeix el logotip' }).isVisible()) {
      await page.getByRole('button', { name: 'Suprimeix el logotip' }).click();
      await expect(page.getByRole('alert')).toContainText('S’ha suprimit el logotip.');
    }
    await colour.fill(original);
    await page.getByRole('button', { name: 'Desa la configuració' }).click();
    await expect(page.getByRole('alert')).toContainText('S’ha desat la configuració de l’organització.');
  }
});
