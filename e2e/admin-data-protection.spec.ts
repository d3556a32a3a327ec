/**
 * A data-protection request in the administration console, in Catalan: an
 * administrator finds a citizen (two appointments booked through the staff
 * API, one of them then cancelled) by identity number as people type it,
 * downloads the export — a ZIP whose citizen.json holds both appointments —
 * and erases after typing the number again: a wrong number is refused at
 * the field; then the cancelled appointment is erased and the booked one is
 * kept, with the reason. axe checks the page along the way.
 */
import { execFileSync } from 'node:child_process';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const ADMIN = { email: 'e2e-data-protection@demo.finestreta.test', password: 'e2e-data-protection-2026', name: 'Protecció de Dades E2E' };

interface Envelope<T> {
  data: T;
}

/** Books a video appointment for the citizen as staff at the `nth` free time of the next weeks; answers its id and reference. */
async function bookAsStaff(request: APIRequestContext, csrfToken: string, idNumber: string, nth: number): Promise<{ id: string; reference: string }> {
  const procedureId = await firstVideoProcedure(request);
  const from = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 25 * 86_400_000).toISOString().slice(0, 10);
  const availability = (await (await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`)).json()) as Envelope<{ days: { slots: { startsAt: string }[] }[] }>;
  const startsAt = availability.data.days.flatMap((d) => d.slots)[nth]?.startsAt;
  expect(startsAt).toBeDefined();
  const booked = await request.post('/api/staff/appointments', {
    headers: { 'x-csrf-token': csrfToken },
    data: {
      procedureId,
      startsAt,
      channel: 'video',
      citizen: { name: 'Dolors', surnames: 'Privat', idType: 'nif', idNumber, email: 'dolors.privat@example.org', phone: '600 222 444', language: 'ca', needs: { signLanguage: false, languageInterpreter: null, other: null } },
    },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  return ((await booked.json()) as Envelope<{ id: string; reference: string }>).data;
}

test.beforeAll(() => {
  createStaff(ADMIN, 'admin');
});

test('an administrator finds a citizen, downloads the export and erases what may be erased', async ({ page }) => {
  test.setTimeout(120_000);
  const idNumber = validNif(77_000_000 + (Date.now() % 900_000));
  await signInStaff(page, ADMIN);
  const request = page.request;
  const { csrfToken } = ((await (await request.get('/api/staff/me')).json()) as Envelope<{ csrfToken: string }>).data;
  const finished = await bookAsStaff(request, csrfToken, idNumber, 0);
  const upcoming = await bookAsStaff(request, csrfToken, idNumber, 1);
  expect((await request.post(`/api/staff/appointments/${finished.id}/cancel`, { headers: { 'x-csrf-token': csrfToken }, data: {} })).status()).toBe(200);

  await page.goto('/staff/admin');
  await page.getByRole('navigation', { name: 'Administració' }).getByRole('link', { name: 'Protecció de dades' }).click();
  await expect(heading(page)).toHaveText('Protecció de dades');

  // As people type it: dots, a dash, a lower-case letter.
  await page.getByLabel('Número del document d’identitat').fill(`${idNumber.slice(0, 2)}.${idNumber.slice(2, 5)}.${idNumber.slice(5, 8)}-${idNumber.slice(8).toLowerCase()}`);
  await page.getByRole('button', { name: 'Cerca', exact: true }).click();
  await expect(page.getByRole('heading', { name: '2 cites' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Cites de la persona' });
  await expect(table.getByRole('row').filter({ hasText: finished.reference })).toContainText('Se suprimeix');
  await expect(table.getByRole('row').filter({ hasText: upcoming.reference })).toContainText('Es conserva: no acabada');
  await expect(table).toContainText(`*****${idNumber.slice(5)}`);
  await expectNoAxeViolations(page, 'data protection: found');

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Baixa l’exportació (2 cites)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^data-protection-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = await download.path();
  const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' });
  expect(listing.split('\n')).toEqual(expect.arrayContaining(['README.txt', 'citizen.json']));
  const citizen = JSON.parse(execFileSync('unzip', ['-p', zip, 'citizen.json'], { encoding: 'utf8' })) as { appointments: { reference: string; citizen: { idNumber: string } }[] };
  expect(citizen.appointments.map((a) => a.reference).sort()).toEqual([finished.reference, upcoming.reference].sort());
  expect(citizen.appointments.every((a) => a.citizen.idNumber === idNumber)).toBe(true);

  await page.getByRole('button', { name: 'Suprimeix les dades…' }).click();
  const confirm = page.getByRole('group', { name: 'Confirmeu la supressió' });
  await expect(confirm.getByRole('heading', { name: 'Confirmeu la supressió' })).toBeFocused();
  await confirm.getByLabel('Per confirmar, torneu a escriure el número del document d’identitat').fill(validNif(12_345_678));
  await confirm.getByRole('button', { name: 'Suprimeix definitivament' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Hi ha un problema' })).toContainText('No coincideix amb el de la cerca');
  await expectNoAxeViolations(page, 'data protection: confirmation refused');

  await confirm.getByLabel('Per confirmar, torneu a escriure el número del document d’identitat').fill(idNumber);
  await confirm.getByRole('button', { name: 'Suprimeix definitivament' }).click();
  await expect(page.getByRole('alert')).toContainText('S’ha suprimit 1 cita; se n’ha conservat 1.');
  const results = page.getByRole('table', { name: 'Què ha passat amb cada cita' });
  await expect(results.getByRole('row').filter({ hasText: finished.reference })).toContainText('Suprimida');
  await expect(results.getByRole('row').filter({ hasText: upcoming.reference })).toContainText('La cita no ha acabat: anul·leu-la primer');
  await expectNoAxeViolations(page, 'data protection: erased');

  // Searching again finds only what was kept.
  await page.getByRole('button', { name: 'Cerca', exact: true }).click();
  await expect(page.getByRole('heading', { name: '1 cita' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Cites de la persona' })).toContainText(upcoming.reference);
});
