/**
 * Legal holds, as an administrator (supervisors see the same panel for
 * their offices' appointments): an appointment booked through the API; on its staff page the
 * "Legal hold" panel places a hold behind a confirmation (a too-short reason
 * is refused at the field), the live status says so, the hold shows with its
 * reason and in the appointment's history; `/staff/legal-holds` lists it;
 * releasing it (confirmed) says so and empties the list. axe checks both
 * pages.
 */
import { expect, test } from '@playwright/test';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const ADMIN = { email: 'e2e-legal-holds@demo.finestreta.test', password: 'e2e-legal-holds-password-2026', name: 'Bloquejos E2E' };

interface Envelope<T> {
  data: T;
}

test.beforeAll(() => {
  createStaff(ADMIN, 'admin');
});

test('an administrator places a legal hold on an appointment, sees it listed, and releases it', async ({ page }) => {
  test.setTimeout(120_000);
  await signInStaff(page, ADMIN);
  const request = page.request;
  const { csrfToken } = ((await (await request.get('/api/staff/me')).json()) as Envelope<{ csrfToken: string }>).data;
  const headers = { 'x-csrf-token': csrfToken };
  const procedures = ((await (await request.get('/api/public/procedures')).json()) as Envelope<{ id: string; channels: string[] }[]>).data;
  const procedureId = procedures.find((p) => p.channels.includes('video'))?.id ?? '';
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const availability = (await (await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`)).json()) as Envelope<{ days: { slots: { startsAt: string }[] }[] }>;
  const slots = availability.data.days.flatMap((d) => d.slots);
  const startsAt = slots[Math.floor(slots.length / 2)]?.startsAt;
  expect(startsAt).toBeDefined();
  const booked = await request.post('/api/staff/appointments', {
    headers,
    data: {
      procedureId,
      startsAt,
      channel: 'video',
      citizen: { name: 'Pere', surnames: 'Bloqueig', idType: 'nif', idNumber: validNif(74_100_005), email: 'pere.bloqueig@example.org', phone: '600 222 444', language: 'ca', needs: { signLanguage: false, languageInterpreter: null, other: null } },
    },
  });
  expect(booked.status(), await booked.text()).toBe(201);
  const { id, reference } = ((await booked.json()) as Envelope<{ id: string; reference: string }>).data;

  await page.goto(`/staff/appointments/${id}`);
  const panel = page.getByRole('region', { name: 'Bloqueig legal' });
  await expect(panel).toContainText('Sense bloqueig legal');
  await panel.getByRole('button', { name: 'Establir un bloqueig legal' }).click();
  const box = page.getByRole('group', { name: 'Voleu establir un bloqueig legal en aquesta cita?' });
  await expect(box.getByRole('heading')).toBeFocused();
  await box.getByRole('textbox', { name: 'Motiu' }).fill('ab');
  await box.getByRole('button', { name: 'Sí, establir el bloqueig' }).click();
  await expect(box).toContainText('El motiu ha de tenir com a mínim 3 caràcters');
  await box.getByRole('textbox', { name: 'Motiu' }).fill('Diligències prèvies 45/2026');
  await box.getByRole('button', { name: 'Sí, establir el bloqueig' }).click();
  await expect(panel.getByRole('status')).toHaveText("Bloqueig legal establert. No s'esborrarà res d'aquesta cita fins que s'aixequi.");
  await expect(panel).toContainText('Bloqueig legal vigent.');
  await expect(panel).toContainText('Diligències prèvies 45/2026');
  await expect(page.getByText('Bloqueig legal establert', { exact: true })).toBeVisible();
  await expectNoAxeViolations(page, 'appointment with a legal hold');

  await page.getByRole('link', { name: 'Bloquejos legals' }).click();
  await expect(heading(page)).toHaveText('Bloquejos legals vigents');
  const row = page.getByRole('row').filter({ hasText: reference });
  await expect(row).toContainText('Diligències prèvies 45/2026');
  await expect(row).toContainText(ADMIN.name);
  await expectNoAxeViolations(page, 'legal holds');

  await row.getByRole('link', { name: reference }).click();
  await panel.getByRole('button', { name: 'Aixecar el bloqueig legal' }).click();
  await page.getByRole('group', { name: 'Voleu aixecar el bloqueig legal?' }).getByRole('button', { name: 'Sí, aixecar-lo' }).click();
  await expect(panel.getByRole('status')).toHaveText('Bloqueig legal aixecat.');
  await expect(panel.getByRole('button', { name: 'Establir un bloqueig legal' })).toBeFocused();
  await page.getByRole('link', { name: 'Bloquejos legals' }).click();
  await expect(page.getByRole('row').filter({ hasText: reference })).toHaveCount(0);
});
