/**
 * The administration console's catalogue, end to end in Catalan: an
 * administrator creates a procedure (a refused code first), gives it two
 * required documents and a three-field registry form (the live preview
 * shows what the agent types and what the citizen reads; a missing label is
 * refused on its field), and gives a new agent opening hours on a Saturday,
 * when no one else works. At once a citizen can book the new procedure on
 * that Saturday — seeing its two documents on the way — and in the call
 * the agent's protocol shows the new form. axe checks every admin page.
 */
import { expect, test, type Page } from '@playwright/test';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { AGENT_BROWSER, enterWaitingRoom, expectMediaBothWays, heading, instrument, launchCitizen, openQueue, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';
import { startSoon } from './support/appointments.ts';
import { giveSaturdayHours } from './support/admin.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };

const ADMIN = { email: 'e2e-admin-catalogue@demo.finestreta.test', password: 'e2e-admin-catalogue-2026', name: 'Administradora Catàleg' };
const AGENT = { email: 'e2e-admin-new-agent@demo.finestreta.test', password: 'e2e-admin-new-agent-2026', name: 'Agent Dissabte' };
const NAME = 'Permís de gual';

test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(ADMIN, 'admin');
  createStaff(AGENT, 'agent');
});

/** Fills the three languages' versions of a text labelled "<label> (català)" etc. inside `scope`. */
async function fillLanguages(scope: Page | ReturnType<Page['getByRole']>, label: string, ca: string): Promise<void> {
  await scope.getByLabel(`${label} (català)`, { exact: true }).fill(ca);
  await scope.getByLabel(`${label} (castellà)`, { exact: true }).fill(`${ca} (es)`);
  await scope.getByLabel(`${label} (anglès)`, { exact: true }).fill(`${ca} (en)`);
}

test('an administrator creates a procedure with documents and a form, gives an agent hours, and a citizen books it at once; the agent’s protocol shows the form', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  await signInStaff(page, ADMIN);
  await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Administració' }).click();
  await expect(heading(page)).toHaveText('Tràmits');
  await expectNoAxeViolations(page, 'admin procedures');
  await page.getByRole('link', { name: 'Afegeix un tràmit' }).click();
  await expect(heading(page)).toHaveText('Afegeix un tràmit');

  // The settings: a code already in use is refused, in Catalan, on its field.
  await page.getByLabel('Codi', { exact: true }).fill('padro-certificat');
  await fillLanguages(page, 'Nom', NAME);
  await fillLanguages(page, 'Descripció', 'Llicència de gual per a l’accés de vehicles a un edifici.');
  await page.getByLabel('Durada (minuts)').fill('20');
  await page.getByLabel('Antelació mínima (hores)').fill('0');
  await page.getByLabel('Termini màxim (dies)').fill('30');
  await page.getByLabel('Codi SIA').fill('2085730');
  await page.getByRole('button', { name: 'Crea el tràmit' }).click();
  await expect(page.getByRole('alert')).toContainText('Ja hi ha un tràmit amb el codi «padro-certificat»');
  await expectNoAxeViolations(page, 'new procedure refused');
  await page.getByLabel('Codi', { exact: true }).fill('gual-permis');
  await page.getByRole('button', { name: 'Crea el tràmit' }).click();
  await expect(heading(page)).toContainText(NAME);
  await expect(page.getByText('S’ha creat el tràmit. Ja es pot reservar.')).toBeVisible();

  // Two required documents.
  const documents = page.getByRole('region', { name: 'Documents que cal aportar' });
  for (const [n, name] of [[1, 'Plànol de l’accés'], [2, 'Títol de propietat']] as const) {
    await documents.getByRole('button', { name: 'Afegeix un document' }).click();
    const item = documents.getByRole('listitem').nth(n - 1);
    await fillLanguages(item, 'Nom', name);
  }
  await documents.getByRole('button', { name: 'Desa els documents' }).click();
  await expect(page.getByText('S’han desat els 2 documents que cal aportar.')).toBeVisible();

  // A three-field form; a label missing in one language is refused on that field.
  const form = page.getByRole('region', { name: 'Formulari del registre' });
  await expect(form).toContainText('s’usa el genèric');
  await form.getByRole('button', { name: 'Afegeix un camp' }).click();
  await form.getByLabel('Etiqueta del camp 1 (català)').fill('Nombre de places');
  await form.getByLabel('Etiqueta del camp 1 (castellà)').fill('Número de plazas');
  await form.getByLabel('Tipus del camp 1').selectOption('number');
  await expect(form.getByLabel('Clau del camp 1')).toHaveValue('nombre_de_places');
  await form.getByRole('button', { name: 'Desa el formulari' }).click();
  await expect(form.getByRole('alert')).toContainText('Etiqueta del camp 1 (anglès)');
  await form.getByLabel('Etiqueta del camp 1 (anglès)').fill('Number of spaces');
  await form.getByRole('button', { name: 'Afegeix un camp' }).click();
  await fillLanguages(form, 'Etiqueta del camp 2', 'Carrer de l’accés');
  await form.getByRole('button', { name: 'Afegeix un camp' }).click();
  await fillLanguages(form, 'Etiqueta del camp 3', 'Tipus de gual');
  await form.getByLabel('Tipus del camp 3').selectOption('choice');
  await fillLanguages(form, 'Opció 1 del camp 3', 'Permanent');
  await fillLanguages(form, 'Opció 2 del camp 3', 'Laboral');
  // The preview: the agent's inputs, and what the citizen reads from them.
  const agentView = form.getByTestId('form-preview-agent');
  await agentView.getByLabel('Nombre de places').fill('3');
  await agentView.getByLabel('Tipus de gual').selectOption('laboral');
  const citizenView = form.getByTestId('form-preview-citizen');
  await expect(citizenView).toContainText('Nombre de places3');
  await expect(citizenView).toContainText('Tipus de gualLaboral');
  await agentView.getByLabel('Nombre de places').fill('tres');
  await expect(agentView).toContainText('Nombre de places');
  await expect(citizenView).not.toContainText('Nombre de places3');
  await expectNoAxeViolations(page, 'procedure page with form builder');
  await form.getByRole('button', { name: 'Desa el formulari' }).click();
  await expect(page.getByText('S’ha desat el formulari, amb 3 camps.')).toBeVisible();

  // The audit trail has each change, with who made it; its chain is whole.
  await page.getByRole('navigation', { name: 'Administració' }).getByRole('link', { name: 'Registre d’auditoria' }).click();
  await expect(heading(page)).toHaveText('Registre d’auditoria');
  await page.getByLabel('Acció', { exact: true }).fill('admin.procedure.');
  await page.getByLabel('Qui', { exact: true }).selectOption({ label: ADMIN.name });
  await page.getByRole('button', { name: 'Cerca', exact: true }).click();
  const trail = page.getByRole('table', { name: 'Entrades del registre d’auditoria, les més recents primer' });
  await expect(trail.getByRole('row')).toHaveCount(1 + 3);
  await expect(trail.getByRole('row').nth(1)).toContainText('admin.procedure.form_changed');
  await expect(trail.getByRole('row').nth(3)).toContainText('admin.procedure.created');
  await expect(trail.getByRole('row').nth(3)).toContainText(ADMIN.name);
  await expect(trail.getByRole('row').nth(3)).toContainText('code: null → "gual-permis"');
  await page.getByRole('button', { name: 'Comprova la cadena' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'La cadena és íntegra' })).toBeVisible();
  await expectNoAxeViolations(page, 'audit trail');

  // Opening hours for the new agent on a Saturday, when nobody else works.
  const saturday = await giveSaturdayHours(page, AGENT.name);

  // A citizen books the new procedure at once, on that Saturday, and sees its documents.
  const citizen = await launchCitizen(baseURL);
  try {
    const c = citizen.page;
    await c.goto('/');
    await c.getByRole('radio', { name: NAME }).check();
    await c.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(c)).toContainText('Què heu de preparar');
    await expect(c.getByRole('main').getByRole('heading', { level: 3 })).toHaveText(['Plànol de l’accés', 'Títol de propietat']);
    await c.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(c)).toContainText('Trieu el dia');
    await c.locator(`input[type="radio"][value="${saturday}"]`).check();
    await c.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(c)).toContainText('Trieu l’hora');
    await c.getByRole('radio').first().check();
    await c.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(c)).toHaveText('Les vostres dades');
    await c.getByLabel('Nom', { exact: true }).fill('Jordi');
    await c.getByLabel('Cognoms', { exact: true }).fill('Vila');
    await c.getByRole('radio', { name: 'DNI o NIF' }).check();
    await c.getByLabel('Número del document', { exact: true }).fill(validNif(65_000_017));
    await c.getByLabel('Adreça de correu electrònic').fill('gual.citizen@example.org');
    await c.getByLabel('Telèfon', { exact: true }).fill('600 123 456');
    await c.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(c)).toContainText('Reviseu les respostes');
    const mailsBefore = await outboxCount();
    await c.getByRole('button', { name: 'Demana la cita' }).click();
    await expect(heading(c)).toHaveText('Cita reservada');
    const reference = (await c.locator('.panel__reference').textContent())?.trim() ?? '';
    expect(reference).not.toBe('');
    const mail = (await newestMailAfter(mailsBefore)).text ?? '';
    const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(mail)?.[0] ?? '';
    const password = mail.split(`${caMail.access.password_label}:`)[1]?.trim().split(/\s+/)[0] ?? '';
    await c.goto(new URL(link).pathname);
    await c.getByLabel('Contrasenya', { exact: true }).fill(password);
    await c.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(c)).toContainText('La vostra cita');
    await expect(c.getByRole('main')).toContainText(NAME);

    // The new agent holds it (nobody else works on Saturdays); moved to now, the call starts.
    startSoon(reference);
    await page.context().clearCookies();
    await instrument(page);
    await signInStaff(page, AGENT);
    const row = await openQueue(page, reference);
    await enterWaitingRoom(c);
    await expect(row).toContainText('Hi està d’acord');
    await row.getByRole('button', { name: 'Fes entrar Jordi Vila' }).click();
    await expect(heading(page)).toContainText('Trucada amb Jordi Vila');
    await expectMediaBothWays(page, c);

    // Steps 1–3 skipped with their reasons; step 4 is the new form.
    const protocol = page.getByRole('region', { name: 'Protocol legal' });
    for (const step of ['recording_notice', 'identification', 'documents']) {
      await protocol.getByText('Omet aquest pas', { exact: true }).click();
      await protocol.getByLabel('Per què s’omet aquest pas?').fill('Prova de l’administració del catàleg.');
      await protocol.getByRole('button', { name: 'Omet-lo amb aquest motiu' }).click();
      await expect(protocol.locator(`li[data-step="${step}"]`)).toHaveAttribute('data-status', 'skipped');
    }
    await expect(protocol.getByLabel('Nombre de places')).toBeVisible();
    await expect(protocol.getByLabel('Carrer de l’accés')).toBeVisible();
    await expect(protocol.getByLabel('Tipus de gual')).toBeVisible();
    await expect(protocol.getByLabel('Tipus de gual').locator('option')).toHaveText(['Trieu…', 'Permanent', 'Laboral']);
  } finally {
    await citizen.browser.close();
  }
});
