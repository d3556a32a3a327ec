/**
 * After the call, in Catalan: the agent hangs up; the citizen, on the page
 * where the call ended, opens the satisfaction survey, is told what is
 * missing when they send it empty, answers (0–10 radios in fieldsets, yes/no,
 * a comment) and sees the "thank you" page; opening the survey again goes
 * straight to it (one answer per appointment). The agent, on the call page,
 * wraps the call up — not conclusive for missing documents, a rating of 4,
 * a note — and the appointment page shows the status and the saved wrap-up.
 * axe checks the survey, the thank-you page and the wrap-up.
 */
import { expect, test } from '@playwright/test';
import { validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { AGENT_BROWSER, heading, instrument, startCall } from './support/call.ts';
import { createStaff } from './support/cli.ts';

const SUPERVISOR = { email: 'e2e-survey-supervisor@demo.finestreta.test', password: 'e2e-survey-supervisor-2026', name: 'Supervisora Enquesta' };

test.use(AGENT_BROWSER);

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

test('after the call the citizen answers the survey and the agent wraps the call up', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  await instrument(page);
  const call = await startCall(page, request, baseURL, { staff: SUPERVISOR, citizen: { email: 'survey.call@example.org', idNumber: validNif(63_000_081) } });
  const citizen = call.page;
  try {
    const callUrl = page.url();

    // 1. The agent hangs up; the call ends on both sides.
    await page.getByRole('button', { name: 'Penja', exact: true }).click();
    await expect(page.getByText('La trucada ha acabat.')).toBeVisible();

    // 2. The citizen is invited to the survey where the call ended.
    const invitation = citizen.getByRole('region', { name: 'Ens ajudeu a millorar?' });
    await expect(invitation).toBeVisible();
    await invitation.getByRole('link', { name: 'Respon l’enquesta' }).click();
    await expect(heading(citizen)).toContainText('Com ha anat la videotrucada?');
    await expectNoAxeViolations(citizen, 'survey');

    // 3. Sent empty: an error summary that takes focus, and a message at each question.
    await citizen.getByRole('button', { name: 'Envia les respostes' }).click();
    const summary = citizen.getByRole('alert').filter({ hasText: 'Trieu un número de 0 a 10 per dir si us ha agradat' });
    await expect(summary).toBeFocused();
    await expect(summary).toContainText('Digueu si ho tornaríeu a fer servir');
    await expectNoAxeViolations(citizen, 'survey with errors');

    // 4. Answered: 0–10 radios in fieldsets named by their legends.
    await citizen.getByRole('group', { name: 'Us ha agradat?' }).getByRole('radio', { name: '9', exact: true }).check();
    await citizen.getByRole('group', { name: 'Ha estat fàcil?' }).getByRole('radio', { name: '10', exact: true }).check();
    await citizen.getByRole('group', { name: 'Ho tornaríeu a fer servir?' }).getByRole('radio', { name: 'Sí', exact: true }).check();
    await citizen.getByLabel('Voleu afegir-hi alguna cosa? (opcional)').fill('Molt còmode, sense haver de demanar festa a la feina.');
    await citizen.getByRole('button', { name: 'Envia les respostes' }).click();
    await expect(heading(citizen)).toContainText('Gràcies per respondre');
    await expect(citizen.getByText('Hem rebut les vostres respostes.')).toBeVisible();
    await expectNoAxeViolations(citizen, 'survey: thank you');

    // 5. One answer per appointment: the survey page now goes straight to the thank-you page.
    await citizen.goto(citizen.url().replace(/\/survey\/thanks$/, '/survey'));
    await expect(heading(citizen)).toContainText('Gràcies per respondre');

    // 6. The agent wraps the call up on the call page.
    expect(page.url()).toBe(callUrl);
    const wrapup = page.getByRole('region', { name: 'Com ha anat la trucada?' });
    await wrapup.getByRole('button', { name: 'Desa' }).click();
    await expect(wrapup).toContainText('Trieu el resultat de la trucada');
    await wrapup.getByRole('group', { name: 'Resultat' }).getByRole('radio', { name: 'No concloent: falten documents' }).check();
    await wrapup.getByRole('group', { name: 'Com ha anat per a vós?' }).getByRole('radio', { name: '4', exact: true }).check();
    await wrapup.getByLabel('Nota breu (opcional)').fill('Faltava el certificat de convivència.');
    await wrapup.getByRole('button', { name: 'Desa' }).click();
    await expect(wrapup.getByRole('status')).toHaveText('S’ha desat el tancament de la trucada.');
    await expectNoAxeViolations(page, 'wrap-up');

    // 7. The appointment page shows it, and the history says so (without the survey's answers).
    await page.getByRole('link', { name: 'Obre la cita' }).click();
    const saved = page.getByRole('region', { name: 'Com ha anat la trucada?' });
    await expect(saved.getByRole('radio', { name: 'No concloent: falten documents' })).toBeChecked();
    await expect(saved.getByRole('radio', { name: '4', exact: true })).toBeChecked();
    await expect(page.getByText('Trucada tancada per l’agent')).toBeVisible();
    await expect(page.getByText('Enquesta de satisfacció resposta')).toBeVisible();
    await expect(page.getByText('Molt còmode')).toHaveCount(0);
  } finally {
    await call.browser.close();
  }
});
