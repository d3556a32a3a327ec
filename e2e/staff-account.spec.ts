/**
 * A member of staff looks after their own account, in Catalan on a phone:
 * changes the password (a wrong current one first), which signs out their
 * other session; signs in with the new one; sets up an authenticator app
 * (the code computed here from the key the page shows) and then needs its
 * code to sign in; finally signs out on every device. axe checks the
 * account page in each state. And the sign-in page offers the town hall's
 * identity provider, and explains why signing in through it failed.
 */
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { expectNoAxeViolations } from './support/axe.ts';
import { createStaff, runCli } from './support/cli.ts';

const ACCOUNT = { email: 'e2e-account@demo.finestreta.test', password: 'e2e-account-password-2026', name: 'Compte E2E' };
const NEW_PASSWORD = 'una frase de pas nova 2026';

/** The page heading (every page has exactly one h1). */
function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** Signs in on the sign-in page with email and password (the code step, if any, is the caller's). */
async function enterPassword(page: Page, password: string): Promise<void> {
  await page.getByLabel('Adreça de correu electrònic').fill(ACCOUNT.email);
  await page.getByLabel('Contrasenya', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
}

/** Opens a second session of the same person, as another device would; returns whether it is still open later. */
async function signInElsewhere(request: APIRequestContext, password: string): Promise<() => Promise<number>> {
  const response = await request.post('/api/staff/session', { data: { email: ACCOUNT.email, password } });
  expect(response.status()).toBe(200);
  return async () => (await request.get('/api/staff/me')).status();
}

/** True when the page is no wider than the screen (nothing to scroll sideways to). */
async function fitsTheScreen(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

test.beforeAll(() => {
  try {
    createStaff(ACCOUNT, 'agent');
  } catch (error) {
    const output = (error as { stderr?: Buffer | string }).stderr ?? '';
    if (!(typeof output === 'string' ? output : output.toString('utf8')).includes('already exists')) throw error;
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('a member of staff changes the password, sets up an authenticator app and signs out everywhere', async ({ page, request }) => {
    // Another device is signed in too.
    const otherDevice = await signInElsewhere(request, ACCOUNT.password);

    // 1. "My account", from the staff bar.
    await page.goto('/staff/login');
    await enterPassword(page, ACCOUNT.password);
    await expect(heading(page)).toContainText('Agenda');
    await page.getByRole('link', { name: 'El meu compte' }).click();
    await expect(heading(page)).toContainText('El meu compte');
    await expect(heading(page)).toBeFocused();
    await expect(page.getByRole('link', { name: 'El meu compte' })).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveTitle(/^El meu compte – /);
    await expect(page.getByText('Ara per entrar només cal la contrasenya.')).toBeVisible();
    expect(await fitsTheScreen(page)).toBe(true);
    await expectNoAxeViolations(page, 'account');

    // 2. Change the password: a wrong current one first.
    const current = page.getByLabel('Contrasenya actual');
    await current.fill('no-es-aquesta');
    await page.getByLabel('Contrasenya nova', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Torneu a escriure la contrasenya nova').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Canvia la contrasenya' }).click();
    const summary = page.getByRole('alert');
    await expect(summary).toContainText('La contrasenya actual no és correcta');
    await expect(summary).toBeFocused();
    await expect(page).toHaveTitle(/^Error: /);
    await expect(current).toHaveValue('');
    await expectNoAxeViolations(page, 'account: wrong current password');
    await summary.getByRole('link', { name: 'La contrasenya actual no és correcta' }).click();
    await expect(current).toBeFocused();
    await current.fill(ACCOUNT.password);
    await page.getByRole('button', { name: 'Canvia la contrasenya' }).click();
    const banner = page.getByRole('alert');
    await expect(banner).toContainText('S’ha canviat la contrasenya.');
    await expect(banner).toContainText('s’han tancat les sessions que teníeu obertes en altres dispositius');
    await expect(banner).toBeFocused();
    await expect(page).not.toHaveTitle(/^Error: /);
    await expectNoAxeViolations(page, 'account: password changed');
    // The other device was signed out; this one was not.
    expect(await otherDevice()).toBe(401);
    expect((await page.request.get('/api/staff/me')).status()).toBe(200);

    // 3. The new password is the one that works now.
    await page.getByRole('button', { name: 'Surt', exact: true }).click();
    await expect(page.getByRole('status')).toContainText('Heu sortit de l’àrea del personal.');
    await enterPassword(page, ACCOUNT.password);
    await expect(page.getByRole('alert')).toContainText('L’adreça de correu electrònic o la contrasenya no són correctes');
    await enterPassword(page, NEW_PASSWORD);
    await expect(heading(page)).toContainText('Agenda');
    const stillElsewhere = await signInElsewhere(request, NEW_PASSWORD);

    // 4. Set up the authenticator app from the key on the page; a wrong code first.
    await page.getByRole('link', { name: 'El meu compte' }).click();
    await expect(heading(page)).toContainText('El meu compte');
    await page.getByRole('button', { name: 'Configura l’aplicació d’autenticació' }).click();
    const setup = page.getByRole('group', { name: 'Configureu l’aplicació d’autenticació' });
    await expect(setup.getByRole('heading')).toBeFocused();
    const link = setup.getByRole('link', { name: 'Afegeix Finestreta a l’aplicació d’autenticació' });
    await expect(link).toHaveAttribute('href', /^otpauth:\/\/totp\//);
    const shown = (await setup.getByRole('code').textContent()) ?? '';
    expect(shown).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    const secret = shown.replace(/\s/g, '');
    expect(new URL((await link.getAttribute('href')) ?? '').searchParams.get('secret')).toBe(secret);
    const app = new TOTP({ secret: Secret.fromBase32(secret) });
    expect(await fitsTheScreen(page)).toBe(true);
    await expectNoAxeViolations(page, 'account: authenticator setup');
    const code = setup.getByLabel('Codi de l’aplicació');
    await code.fill('000000');
    await setup.getByRole('button', { name: 'Activa el segon pas' }).click();
    await expect(page.getByRole('alert')).toContainText('El codi no és correcte o ja s’ha fet servir');
    await expect(code).toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(page, 'account: authenticator setup, wrong code');
    await code.fill(app.generate());
    await setup.getByRole('button', { name: 'Activa el segon pas' }).click();
    await expect(page.getByRole('alert')).toContainText('S’ha activat l’aplicació d’autenticació.');
    await expect(page.getByRole('alert')).toBeFocused();
    await expect(page.getByText('Activat. Per entrar cal la contrasenya')).toBeVisible();
    await expect(setup).toHaveCount(0);
    await expectNoAxeViolations(page, 'account: authenticator on');

    // Turning it off asks for the password; a wrong one is refused and "Cancel" leaves it on.
    const turnOff = page.getByRole('button', { name: 'Desactiva l’aplicació d’autenticació' });
    await turnOff.click();
    const confirmOff = page.getByRole('group', { name: 'Voleu desactivar el segon pas?' });
    await confirmOff.getByLabel('Contrasenya', { exact: true }).fill('no-es-aquesta');
    await confirmOff.getByRole('button', { name: 'Sí, desactiva el segon pas' }).click();
    await expect(page.getByRole('alert')).toContainText('La contrasenya no és correcta');
    await expectNoAxeViolations(page, 'account: turn off, wrong password');
    await confirmOff.getByRole('button', { name: 'Cancel·la' }).click();
    await expect(turnOff).toBeFocused();
    await expect(page.getByRole('alert')).toHaveCount(0);

    // 5. Signing in now needs the code (the next 30-second step's: the one used to set up cannot be used twice).
    await page.getByRole('button', { name: 'Surt', exact: true }).click();
    await enterPassword(page, NEW_PASSWORD);
    await expect(heading(page)).toContainText('Escriviu el codi de l’aplicació d’autenticació');
    await page.getByLabel('Codi de seguretat').fill(app.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Entra', exact: true }).click();
    await expect(heading(page)).toContainText('Agenda');

    // 6. Sign out on every device: this one and the other.
    await page.getByRole('link', { name: 'El meu compte' }).click();
    await expect(heading(page)).toContainText('El meu compte');
    await page.getByRole('button', { name: 'Surt de tots els dispositius' }).click();
    await expect(page).toHaveURL(/\/staff\/login$/);
    await expect(page.getByRole('status')).toContainText('Heu sortit de l’àrea del personal a tots els dispositius. S’han tancat 2 sessions.');
    await expectNoAxeViolations(page, 'sign-in after signing out everywhere');
    expect(await stillElsewhere()).toBe(401);
    await page.goto('/staff/account');
    await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff%2Faccount$/);
  });
});

test('the sign-in page offers the identity provider and explains why signing in through it failed', async ({ page }) => {
  // An identity provider for the demo town hall (never contacted here: only the link to it is checked).
  runCli(['oidc', 'set', '--issuer', 'http://127.0.0.1:9/', '--client-id', 'finestreta-e2e'], 'e2e-client-secret\n');
  await page.goto('/staff/login');
  await expect(page.getByRole('link', { name: 'Entra amb el compte de la vostra organització' })).toHaveAttribute(
    'href',
    '/api/staff/oidc/start',
  );
  await expectNoAxeViolations(page, 'sign-in with an identity provider');

  await page.goto('/staff/login?error=oidc_no_account');
  const summary = page.getByRole('alert');
  await expect(summary).toContainText(
    'El vostre compte del proveïdor d’identitat no correspon a cap usuari actiu d’aquest ajuntament.',
  );
  await expect(summary).toBeFocused();
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoAxeViolations(page, 'sign-in: no account for the identity provider');

  await page.goto('/staff/login?error=oidc_failed');
  await expect(page.getByRole('alert')).toContainText('No s’ha pogut completar l’entrada amb el proveïdor d’identitat.');
  // Trying again with a password replaces the message with that attempt's.
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Escriviu la vostra adreça de correu electrònic');
  await expect(page.getByRole('alert')).not.toContainText('proveïdor d’identitat');
});
