/**
 * Deliveries to case management, for an administrator: a procedure whose
 * connector is REST (this test server configures no REST receiver, so its
 * deliveries stay pending with the reason), an appointment of it booked and
 * its evidence sealed through the API; the staff bar leads to
 * `/staff/deliveries`, which lists the delivery with its state and offers
 * "Retry now", whose confirmation the page shows. axe checks the page.
 */
import { expect, test } from '@playwright/test';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const ADMIN = { email: 'e2e-deliveries@demo.finestreta.test', password: 'e2e-deliveries-password-2026', name: 'Lliuraments E2E' };

interface Envelope<T> {
  data: T;
}

const L = (ca: string) => ({ ca, es: `${ca} (es)`, en: `${ca} (en)` });

test.beforeAll(() => {
  createStaff(ADMIN, 'admin');
});

test('an administrator finds a sealed package’s delivery on the deliveries page and retries it', async ({ page }) => {
  test.setTimeout(120_000);
  await signInStaff(page, ADMIN);
  const request = page.request;
  const { csrfToken } = ((await (await request.get('/api/staff/me')).json()) as Envelope<{ csrfToken: string }>).data;
  const headers = { 'x-csrf-token': csrfToken };

  const created = await request.post('/api/admin/procedures', {
    headers,
    data: {
      code: `e2e-lliurament-${Date.now().toString(36)}`,
      name: L('Tràmit amb lliurament'),
      description: L('Un tràmit les evidències del qual van a la gestió d’expedients.'),
      durationMinutes: 20,
      bufferMinutes: 0,
      minNoticeHours: 0,
      maxAdvanceDays: 60,
      channels: ['video'],
      siaCode: '2085730',
      deliveryConnector: 'rest',
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const procedureId = ((await created.json()) as Envelope<{ id: string }>).data.id;
  try {
    const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const availability = (await (await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`)).json()) as Envelope<{ days: { slots: { startsAt: string }[] }[] }>;
    const startsAt = availability.data.days.flatMap((d) => d.slots)[0]?.startsAt;
    expect(startsAt).toBeDefined();
    const booked = await request.post('/api/staff/appointments', {
      headers,
      data: {
        procedureId,
        startsAt,
        channel: 'video',
        citizen: { name: 'Laia', surnames: 'Lliurament', idType: 'nif', idNumber: validNif(74_000_004), email: 'laia.lliurament@example.org', phone: '600 111 333', language: 'ca', needs: { signLanguage: false, languageInterpreter: null, other: null } },
      },
    });
    expect(booked.status(), await booked.text()).toBe(201);
    const { id, reference } = ((await booked.json()) as Envelope<{ id: string; reference: string }>).data;
    const sealed = await request.post(`/api/staff/appointments/${id}/evidence`, { headers, data: {} });
    expect(sealed.status(), await sealed.text()).toBe(201);

    await page.getByRole('link', { name: 'Lliuraments' }).click();
    await expect(heading(page)).toHaveText('Lliuraments a la gestió d’expedients');
    const row = page.getByRole('row').filter({ hasText: reference });
    await expect(row).toContainText('Pendent');
    await expect(row).toContainText('REST');
    await expectNoAxeViolations(page, 'deliveries');

    // Only the dead letters: this one is not among them.
    await page.getByRole('combobox', { name: 'Estat' }).selectOption('dead');
    await page.getByRole('button', { name: 'Mostra' }).click();
    await expect(page).toHaveURL(/state=dead/);
    await expect(page.getByRole('row').filter({ hasText: reference })).toHaveCount(0);
    await page.getByRole('combobox', { name: 'Estat' }).selectOption('pending');
    await page.getByRole('button', { name: 'Mostra' }).click();

    await page.getByRole('row').filter({ hasText: reference }).getByRole('button', { name: `Torna-ho a intentar ara ${reference}` }).click();
    await expect(page.getByRole('alert')).toContainText(`El lliurament de la cita ${reference} es tornarà a intentar ara.`);
  } finally {
    await request.post(`/api/admin/procedures/${procedureId}/archive`, { headers, data: {} });
  }
});
