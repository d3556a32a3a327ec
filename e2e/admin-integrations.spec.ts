/**
 * The administration console's Organ seal and Integrations sections, end
 * to end in Catalan. An administrator uploads an expired PKCS#12 — refused,
 * saying why — then one that expires in ten days, which the staff pages
 * warn about, then a valid one, whose details show as the seal in use and
 * in the history. Then creates an API key (its secret shown once, only its
 * prefix afterwards), subscribes a receiver started here for it, sends a
 * test event — the receiver gets it, signed, and the page shows a 2xx
 * delivery — deletes the subscription and revokes the key. Last, saves
 * the town hall's own REST receiver for case management (listed without
 * its secret) and goes back to the installation's default. axe checks
 * every page; each fits a 360 px wide phone.
 *
 * The seal installed here keeps "TEST SEAL" in its subject: the e2e server
 * is shared by every journey, and the later ones expect receipts and
 * packages marked as sealed by a test seal.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { testSealP12 } from '../src/server/seal-admin/seal-admin.fixture.ts';
import { verifySignature } from '../src/server/webhooks/webhook.signature.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const ADMIN = { email: 'e2e-admin-integrations@demo.finestreta.test', password: 'e2e-admin-integrations-2026', name: 'Administradora Integracions' };
const PASSWORD = 'contrasenya del segell 2026';
const DAY = 86_400_000;

test.beforeAll(() => {
  createStaff(ADMIN, 'admin');
});

/** True when the page is no wider than the screen (nothing to scroll sideways to). */
async function fitsTheScreen(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Checks the page at phone width too, then goes back to the desktop size. */
async function checkOnAPhone(page: Page): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await fitsTheScreen(page)).toBe(true);
  if (size) await page.setViewportSize(size);
}

test('an administrator installs the organ seal, and manages API keys, webhooks and case-management receivers', async ({ page }) => {
  test.setTimeout(180_000);
  // A webhook receiver on the loopback, as the town hall's system would be.
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/finestreta/hooks`;

  try {
    await signInStaff(page, ADMIN);
    await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Administració' }).click();
    await page.getByRole('navigation', { name: 'Administració' }).getByRole('link', { name: 'Segell d’òrgan' }).click();
    await expect(heading(page)).toHaveText('Segell d’òrgan');
    const inUse = page.getByRole('region', { name: 'Segell en ús' });
    await expect(inUse.getByText('TEST SEAL').first()).toBeVisible();
    await expectNoAxeViolations(page, 'seal');
    await checkOnAPhone(page);

    // An expired certificate: refused, with the reason, at the field and in the summary.
    const expired = testSealP12({ password: PASSWORD, commonName: 'TEST SEAL - e2e caducat', notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    await page.getByLabel('Fitxer PKCS#12 (.p12 o .pfx)').setInputFiles({ name: 'caducat.p12', mimeType: 'application/x-pkcs12', buffer: expired.p12 });
    await page.getByLabel('Contrasenya del fitxer').fill(PASSWORD);
    await page.getByRole('button', { name: 'Instal·la el segell' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'Hi ha un problema' });
    await expect(summary).toContainText('Aquest certificat ha caducat.');
    await expect(page.locator('#seal-file-error')).toContainText('Aquest certificat ha caducat.');
    await expect(page.getByText('Encara no s’ha instal·lat cap segell des d’aquesta pàgina.')).toBeVisible();
    await expectNoAxeViolations(page, 'seal refused');

    // One that expires in ten days: installed, and every staff page warns about it (the agenda here), with a link back.
    const soon = testSealP12({ password: PASSWORD, commonName: 'TEST SEAL - e2e a punt de caducar', notAfter: new Date(Date.now() + 10 * DAY) });
    await page.getByLabel('Fitxer PKCS#12 (.p12 o .pfx)').setInputFiles({ name: 'aviat.p12', mimeType: 'application/x-pkcs12', buffer: soon.p12 });
    await page.getByLabel('Contrasenya del fitxer').fill(PASSWORD);
    await page.getByRole('button', { name: 'Instal·la el segell' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'El segell s’ha instal·lat i ja està en ús.' })).toBeVisible();
    await expect(inUse.getByText(/El segell caduca d’aquí a (9|10) dies/)).toBeVisible();
    await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Agenda' }).click();
    await expect(heading(page)).toContainText('Agenda');
    const banner = page.getByRole('region', { name: /El segell d’òrgan caduca d’aquí a (9|10) dies/ });
    await expect(banner).toBeVisible();
    await expectNoAxeViolations(page, 'agenda with the seal expiry banner');
    await banner.getByRole('link', { name: 'Instal·leu el certificat renovat' }).click();
    await expect(heading(page)).toHaveText('Segell d’òrgan');

    // A valid one: installed, its details shown, in use.
    const valid = testSealP12({ password: PASSWORD, commonName: 'TEST SEAL - e2e segell instal·lat' });
    await page.getByLabel('Fitxer PKCS#12 (.p12 o .pfx)').setInputFiles({ name: 'segell.p12', mimeType: 'application/x-pkcs12', buffer: valid.p12 });
    await page.getByLabel('Contrasenya del fitxer').fill(PASSWORD);
    await page.getByRole('button', { name: 'Instal·la el segell' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'El segell s’ha instal·lat i ja està en ús.' })).toBeVisible();
    await expect(inUse.getByText('Instal·lat aquí')).toBeVisible();
    const detail = (key: string) => inUse.locator('.summary-list__row').filter({ has: page.getByRole('term').filter({ hasText: key }) });
    await expect(detail('Titular')).toContainText('CN=TEST SEAL - e2e segell instal·lat');
    await expect(detail('Número de sèrie')).toContainText(valid.serial.toUpperCase());
    await expect(detail('Ús de la clau')).toContainText('Signatura digital, No-repudi');
    await expect(detail('Vàlid fins a')).toBeVisible();
    const history = page.getByRole('table', { name: 'Segells instal·lats, primer el que està en ús' });
    await expect(history.getByRole('row').filter({ hasText: valid.serial.toUpperCase() })).toContainText('En ús');
    await expectNoAxeViolations(page, 'seal installed');
    await expect(history.getByRole('row').filter({ hasText: soon.serial.toUpperCase() })).toContainText('Substituït el');
    // It stays after a reload: it is the seal in use, and the expiry warning is gone.
    await page.reload();
    await expect(page.getByRole('region', { name: 'Segell en ús' }).getByText('Instal·lat aquí')).toBeVisible();
    await expect(page.getByRole('region', { name: /El segell d’òrgan caduca/ })).toHaveCount(0);

    // API keys: create one; the secret is shown once.
    await page.getByRole('navigation', { name: 'Administració' }).getByRole('link', { name: 'Integracions' }).click();
    await expect(heading(page)).toHaveText('Claus d’API');
    await expectNoAxeViolations(page, 'api keys');
    await checkOnAPhone(page);
    await page.getByRole('button', { name: 'Crea la clau' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Hi ha un problema' })).toContainText('Escriviu un nom per a la clau.');
    await page.getByLabel('Nom', { exact: true }).fill('Gestor d’expedients e2e');
    await page.getByRole('checkbox', { name: 'appointments:read' }).check();
    await page.getByRole('button', { name: 'Crea la clau' }).click();
    const secretBox = page.getByRole('region', { name: 'La clau nova «Gestor d’expedients e2e»' });
    const secret = (await secretBox.getByTestId('secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^fin_[A-Za-z0-9]{8}_/);
    await expectNoAxeViolations(page, 'api key created');
    await secretBox.getByRole('button', { name: 'Ja l’he copiada' }).click();
    await expect(page.getByText(secret)).toHaveCount(0);
    const keyRow = page.getByRole('row').filter({ hasText: 'Gestor d’expedients e2e' });
    await expect(keyRow).toContainText(`${secret.slice(0, 12)}_…`);
    await expect(keyRow).toContainText('Activa');

    // Webhooks: subscribe the receiver for that key, send a test event.
    await page.getByRole('navigation', { name: 'Integracions' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(heading(page)).toHaveText('Webhooks');
    await expectNoAxeViolations(page, 'webhooks');
    await checkOnAPhone(page);
    await page.getByLabel('Clau d’API').selectOption({ label: `Gestor d’expedients e2e (${secret.slice(0, 12)}_…)` });
    await page.getByLabel('Adreça del receptor (URL)').fill(receiverUrl);
    await page.getByRole('checkbox', { name: 'appointment.booked' }).check();
    await page.getByRole('button', { name: 'Afegeix la subscripció' }).click();
    const hookSecretBox = page.getByRole('region', { name: 'El secret de signatura de la subscripció nova' });
    const hookSecret = (await hookSecretBox.getByTestId('secret-value').textContent()) ?? '';
    expect(hookSecret).toMatch(/^whsec_/);
    await hookSecretBox.getByRole('button', { name: 'Ja l’he copiada' }).click();
    const card = page.getByRole('article', { name: receiverUrl });
    await expect(card.getByText('Encara no s’hi ha enviat res.')).toBeVisible();
    await card.getByRole('button', { name: `Envia un esdeveniment de prova ${receiverUrl}` }).click();
    await expect(page.getByRole('alert').filter({ hasText: `L’esdeveniment de prova s’ha lliurat a ${receiverUrl}: ha respost HTTP 202.` })).toBeVisible();
    const delivery = card.getByRole('row').filter({ hasText: 'webhook.test' });
    await expect(delivery).toContainText('Lliurat');
    await expect(delivery).toContainText('202');
    await expectNoAxeViolations(page, 'webhook test delivered');
    // The receiver got it, signed with the secret shown once.
    expect(received).toHaveLength(1);
    const got = received[0];
    const timestamp = String(got?.headers['finestreta-timestamp']);
    expect(verifySignature(hookSecret, String(got?.headers['finestreta-signature']), timestamp, got?.body ?? '', Math.floor(Date.now() / 1000))).toBe(true);

    // Delete the subscription (nothing more is sent to this test's receiver), then revoke the key.
    await card.getByRole('button', { name: `Suprimeix ${receiverUrl}` }).click();
    await page.getByRole('button', { name: 'Sí, suprimeix-la' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `S’ha suprimit la subscripció a ${receiverUrl}.` })).toBeVisible();
    await expect(page.getByRole('article', { name: receiverUrl })).toHaveCount(0);

    await page.getByRole('navigation', { name: 'Integracions' }).getByRole('link', { name: 'Claus d’API' }).click();
    await page.getByRole('row').filter({ hasText: 'Gestor d’expedients e2e' }).getByRole('button', { name: 'Revoca Gestor d’expedients e2e' }).click();
    await expect(page.getByRole('group', { name: 'Voleu revocar la clau «Gestor d’expedients e2e»?' })).toBeVisible();
    await expectNoAxeViolations(page, 'revoke confirmation');
    await page.getByRole('button', { name: 'Sí, revoca la clau' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'S’ha revocat la clau «Gestor d’expedients e2e».' })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'Gestor d’expedients e2e' })).toContainText('Revocada');
    // The integration API refuses it at once.
    expect((await page.request.get('/api/v1/procedures', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);

    // Case management: the town hall's own REST receiver, saved with its secret, listed without it, then back to the installation's default.
    const receiverSecret = 'secret del gestor d’expedients e2e';
    await page.getByRole('navigation', { name: 'Integracions' }).getByRole('link', { name: 'Gestió d’expedients' }).click();
    await expect(heading(page)).toHaveText('Gestió d’expedients');
    await expectNoAxeViolations(page, 'case management');
    await checkOnAPhone(page);
    const restForm = page.getByRole('form', { name: 'El vostre receptor REST propi' });
    await restForm.getByLabel('Adreça del receptor').fill('https://gestor.demo.example/expedients');
    await restForm.getByLabel('Secret compartit').fill('massa curt');
    await restForm.getByRole('button', { name: 'Desa el receptor REST' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Hi ha un problema' })).toContainText('El secret ha de tenir com a mínim 16 caràcters.');
    await expect(page.locator('#cm-rest-secret-error')).toContainText('El secret ha de tenir com a mínim 16 caràcters.');
    await restForm.getByLabel('Secret compartit').fill(receiverSecret);
    await restForm.getByLabel('Temps per respondre, en segons').fill('45');
    await restForm.getByRole('button', { name: 'Desa el receptor REST' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Servei web REST: s’ha desat el vostre receptor.' })).toBeVisible();
    await expect(page.getByTestId('cm-rest-in-use')).toContainText('El vostre receptor propi');
    await expect(page.getByRole('form', { name: 'El vostre receptor REST propi' }).getByLabel('Adreça del receptor')).toHaveValue('https://gestor.demo.example/expedients');
    await expect(page.getByRole('form', { name: 'El vostre receptor REST propi' }).getByLabel('Secret compartit')).toHaveValue('');
    await expect(page.getByText('Deixeu-lo buit per mantenir l’actual.', { exact: false })).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('cm-rest-in-use')).toContainText('El vostre receptor propi');
    expect(await page.content()).not.toContain(receiverSecret);
    await expectNoAxeViolations(page, 'case management receiver saved');
    await page.getByRole('button', { name: 'Utilitza el receptor per defecte de la instal·lació Servei web REST' }).click();
    await expect(page.getByRole('group', { name: 'Voleu utilitzar el receptor per defecte de la instal·lació per a Servei web REST?' })).toBeVisible();
    await page.getByRole('button', { name: 'Sí, utilitza el receptor per defecte' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Servei web REST: es torna a utilitzar el receptor per defecte de la instal·lació.' })).toBeVisible();
    await expect(page.getByTestId('cm-rest-in-use')).not.toContainText('El vostre receptor propi');
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});
