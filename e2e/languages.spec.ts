/**
 * The language switcher: Català (default), Castellano and English change the
 * page's text, `<html lang>`, the procedures' names (localised by the server)
 * and survive a reload. Runs under the `/o/<slug>/` path prefix.
 */
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.ts';

test('switching to Spanish and English changes the text and <html lang>', async ({ page }) => {
  await page.goto('/o/demo/');
  const h1 = page.getByRole('heading', { level: 1 });
  const html = page.locator('html');
  const firstProcedure = page.getByRole('radio').first();
  await expect(h1).toHaveText('Demaneu cita per videotrucada');
  await expect(html).toHaveAttribute('lang', 'ca');
  await expect(html).toHaveAttribute('dir', 'ltr');
  await expect(page.getByRole('button', { name: 'Català' })).toHaveAttribute('aria-current', 'true');
  const catalanName = await firstProcedure.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '');

  const castellano = page.getByRole('button', { name: 'Castellano' });
  await expect(castellano).toHaveAttribute('lang', 'es');
  await castellano.click();
  await expect(h1).toHaveText('Pida cita por videollamada');
  await expect(html).toHaveAttribute('lang', 'es');
  await expect(page).toHaveTitle(/^Pida cita por videollamada – Cita previa por videollamada – /);
  await expect(page.getByRole('link', { name: 'Declaración de accesibilidad' })).toBeVisible();
  await expect(castellano).toBeFocused();
  await expect(castellano).toHaveAttribute('aria-current', 'true');
  await expect
    .poll(() => firstProcedure.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? ''))
    .not.toBe(catalanName);
  await expectNoAxeViolations(page, 'start (es)');

  const english = page.getByRole('button', { name: 'English' });
  await expect(english).toHaveAttribute('lang', 'en');
  await english.click();
  await expect(h1).toHaveText('Book an appointment by video call');
  await expect(html).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('group', { name: 'Which procedure do you want to do?' })).toBeVisible();
  await expectNoAxeViolations(page, 'start (en)');

  // The choice is remembered.
  await page.reload();
  await expect(h1).toHaveText('Book an appointment by video call');
  await expect(html).toHaveAttribute('lang', 'en');

  await page.getByRole('button', { name: 'Català' }).click();
  await expect(h1).toHaveText('Demaneu cita per videotrucada');
  await expect(html).toHaveAttribute('lang', 'ca');
});
