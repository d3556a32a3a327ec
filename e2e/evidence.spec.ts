/**
 * The evidence package from the staff appointment page: a supervisor books
 * an appointment for a citizen and registers it (through the API, as the
 * guided protocol does), opens the appointment, seals its evidence package
 * with one click, downloads it, and `finestreta verify` — a separate
 * process, with nothing but the file — finds it valid; its history records
 * the sealing and the download. axe checks the page.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { bookAndRegisterAsStaff, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { heading, signInStaff } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const SUPERVISOR = { email: 'e2e-evidence@demo.finestreta.test', password: 'e2e-evidence-password-2026', name: 'Evidències E2E' };
const BIN = path.resolve(import.meta.dirname, '../bin/finestreta.js');

interface Envelope<T> {
  data: T;
}

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

test('a supervisor seals the evidence package of a registered appointment, downloads it, and it verifies', async ({ page }, testInfo) => {
  await signInStaff(page, SUPERVISOR);
  const request = page.request;
  const { csrfToken } = ((await (await request.get('/api/staff/me')).json()) as Envelope<{ csrfToken: string }>).data;
  const { id } = await bookAndRegisterAsStaff(request, csrfToken, { name: 'Pau', surnames: 'Evidència', idNumber: validNif(72_000_002), email: 'pau.evidencia@example.org' });

  await page.goto(`/staff/appointments/${id}`);
  await expect(heading(page)).toContainText('Pau Evidència');
  const section = page.getByRole('region', { name: 'Paquet d’evidències' });
  await section.getByRole('button', { name: 'Segella el paquet d’evidències' }).click();
  await expect(section.getByRole('status')).toContainText(/Paquet segellat: \d+ fitxers, SHA-256 [0-9a-f]{16}…/);
  await expectNoAxeViolations(page, 'appointment with an evidence package');

  const link = section.getByRole('link', { name: /^Paquet del / });
  await expect(link).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^evidence-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.asice$/);
  const file = testInfo.outputPath('evidence.asice');
  await download.saveAs(file);
  const verified = spawnSync(process.execPath, [BIN, 'verify', file], { encoding: 'utf8' });
  expect(verified.stdout).toContain('hash chain of');
  expect(verified.stdout).toContain('a TEST SEAL: no legal value');
  expect(verified.stdout).toContain('VALID');
  expect(verified.status).toBe(0);

  // The history says who sealed and downloaded it.
  await page.reload();
  await expect(page.getByText('Paquet d’evidències segellat')).toBeVisible();
  await expect(page.getByText('Paquet d’evidències baixat')).toBeVisible();
});
