/**
 * The agent's document pre-check, in Catalan: a citizen (in a browser of
 * their own) books through the API and uploads a two-page PDF and a photo
 * from the document space; an agent opens the appointment, reads the PDF in
 * the in-browser viewer (page 1 of 2, its text in the text layer, next page,
 * zoom, keys), looks at the photo, and rejects the PDF with a reason (an
 * empty reason first). The citizen gets the email naming the document and
 * the reason and uploads a corrected PDF, which the agent accepts. The
 * appointment's history then shows the view, the rejection and the
 * acceptance by the agent's name. axe checks every staff page on the way,
 * and no page breaks the Content-Security-Policy.
 */
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { bookViaApi, firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { createStaff } from './support/cli.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

const AGENT = { email: 'e2e-reviewer@demo.finestreta.test', password: 'e2e-reviewer-password-2026', name: 'Revisora E2E' };
const CITIZEN_EMAIL = 'pere.serra@example.org';
const REASON = 'La segona pàgina està tallada: torneu-lo a escanejar sencer.';

interface Envelope<T> {
  data: T;
}

/** The page heading (every page has exactly one h1). */
function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** A free time at least four days ahead, so the 48-hour upload deadline is still far. */
async function slotWithOpenUploads(request: APIRequestContext, procedureId: string): Promise<string> {
  const from = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const response = await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`);
  const body = (await response.json()) as Envelope<{ days: { slots: { startsAt: string }[] }[] }>;
  const startsAt = body.data.days.flatMap((d) => d.slots)[0]?.startsAt;
  if (!startsAt) throw new Error('no free time between 4 and 30 days ahead');
  return startsAt;
}

/** A real PDF of `pages` pages, each saying which it is (pdf-lib, standard Helvetica). */
async function samplePdf(title: string, pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([595.28, 841.89]);
    page.drawText(`${title} - pagina ${n}`, { x: 72, y: 760, size: 20, font });
  }
  return Buffer.from(await pdf.save());
}

/** A photographed page drawn by the browser's canvas, as PNG bytes. */
async function photo(page: Page, label: string): Promise<Buffer> {
  const base64 = await page.evaluate((text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 900;
    canvas.height = 1200;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    context.fillStyle = '#fdfdf8';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#111';
    context.font = '56px sans-serif';
    context.fillText(text, 80, 160);
    return canvas.toDataURL('image/png').split(',')[1] ?? '';
  }, label);
  return Buffer.from(base64, 'base64');
}

/** Fails the test on any Content-Security-Policy violation the page reports (pdf.js must run under the CSP). */
function watchCsp(page: Page, violations: string[]): void {
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
}

/** Books through the API and signs the citizen in, in a browser context of their own; answers the page and the booking's reference. */
async function citizenSignsIn(browser: Browser, request: APIRequestContext): Promise<{ citizen: Page; reference: string }> {
  const procedureId = await firstVideoProcedure(request);
  const startsAt = await slotWithOpenUploads(request, procedureId);
  const mailsBefore = await outboxCount();
  expect(await bookViaApi(request, { procedureId, startsAt, email: CITIZEN_EMAIL, idNumber: validNif(71_000_003) })).toBe(201);
  const mail = await newestMailAfter(mailsBefore);
  const text = mail.text ?? '';
  const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
  const password = text.split(`${caMail.access.password_label}:`)[1]?.trim().split(/\s+/)[0] ?? '';
  const reference = /\(([A-Z0-9-]+)\)\s*$/.exec(mail.subject ?? '')?.[1] ?? '';
  expect(link).not.toBe('');
  expect(reference).not.toBe('');
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const citizen = await context.newPage();
  await citizen.goto(new URL(link).pathname);
  await citizen.getByLabel('Contrasenya', { exact: true }).fill(password);
  await citizen.getByRole('button', { name: 'Continua' }).click();
  await expect(heading(citizen)).toContainText('La vostra cita');
  return { citizen, reference };
}

/** From the citizen's document list, uploads `file` to the slot whose link is `slot`, and waits until it is sent. */
async function upload(citizen: Page, slot: Locator, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await slot.click();
  await citizen.getByLabel('Trieu el fitxer').setInputFiles(file);
  await expect(citizen.getByText(`S’ha pujat ${file.name}`).first()).toBeVisible();
  await citizen.getByRole('link', { name: 'Torna als vostres documents' }).click();
  await expect(heading(citizen)).toHaveText(/Els vostres documents/);
}

test.beforeAll(() => {
  createStaff(AGENT, 'agent');
});

test('an agent views, rejects and accepts a citizen’s documents, and the history records it', async ({ page, browser, request }) => {
  const cspViolations: string[] = [];
  watchCsp(page, cspViolations);

  // 1. The citizen books and uploads a two-page PDF to the first document asked for, and a photo among the others.
  const { citizen, reference } = await citizenSignsIn(browser, request);
  await citizen.getByRole('link', { name: 'Puja els documents' }).click();
  await expect(heading(citizen)).toHaveText(/Els vostres documents/);
  const tasks = citizen.getByRole('main').getByRole('list').first().getByRole('listitem');
  const firstSlot = tasks.first().getByRole('link');
  const slotName = ((await firstSlot.textContent()) ?? '').trim();
  expect(slotName).not.toBe('');
  await upload(citizen, firstSlot, { name: 'certificat.pdf', mimeType: 'application/pdf', buffer: await samplePdf('Certificat de prova', 2) });
  await upload(citizen, tasks.last().getByRole('link', { name: 'Altres documents' }), {
    name: 'rebut.png',
    mimeType: 'image/png',
    buffer: await photo(citizen, 'Rebut de prova'),
  });

  // 2. The agent signs in and opens the appointment: the documents section lists both uploads.
  await page.goto('/staff/login');
  await page.getByLabel('Adreça de correu electrònic').fill(AGENT.email);
  await page.getByLabel('Contrasenya', { exact: true }).fill(AGENT.password);
  await page.getByRole('button', { name: 'Entra', exact: true }).click();
  await expect(heading(page)).toContainText('Agenda');
  const from = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10);
  const agenda = (await (await page.request.get(`/api/staff/agenda?from=${from}&to=${to}`)).json()) as Envelope<{
    appointments: { id: string; reference: string }[];
  }>;
  const appointmentId = agenda.data.appointments.find((a) => a.reference === reference)?.id ?? '';
  expect(appointmentId, `appointment ${reference} in the agent's agenda`).not.toBe('');
  await page.goto(`/staff/appointments/${appointmentId}`);
  await expect(heading(page)).toContainText('Jordi Vila');
  const section = page.getByRole('region', { name: 'Documents' });
  await expect(section.getByRole('heading', { level: 3, name: slotName })).toBeVisible();
  await expect(section.getByRole('heading', { level: 3, name: 'Altres documents' })).toBeVisible();
  // The innermost list item holding the document's heading (the slot's item holds it too).
  const pdfItem = section.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 4, name: 'certificat.pdf' }) }).last();
  await expect(pdfItem).toContainText('Per revisar');
  await expect(pdfItem).toContainText('No analitzat: no hi ha cap antivirus configurat');
  await expect(pdfItem).toContainText('Aquest fitxer no s’ha analitzat amb l’antivirus.');
  await expect(pdfItem.getByRole('button', { name: 'Copia el SHA-256 sencer de certificat.pdf' })).toBeVisible();
  await expect(pdfItem.getByRole('link', { name: 'Baixa certificat.pdf' })).toHaveAttribute('href', /\/content\?download=1$/);
  await expectNoAxeViolations(page, 'appointment with documents');

  // The bytes come with Range support and are never cached.
  const contentUrl = `/api/staff/appointments/${appointmentId}/documents`;
  const docs = (await (await page.request.get(contentUrl)).json()) as Envelope<{ slots: { documents: { id: string; fileName: string }[] }[] }>;
  const pdfId = docs.data.slots.flatMap((s) => s.documents).find((d) => d.fileName === 'certificat.pdf')?.id ?? '';
  const head = await page.request.get(`${contentUrl}/${pdfId}/content`, { headers: { Range: 'bytes=0-7' } });
  expect(head.status()).toBe(206);
  expect(head.headers()['cache-control']).toBe('no-store');
  expect((await head.body()).toString('latin1')).toBe('%PDF-1.7');

  // 3. The viewer: page 1 of 2 with its text, the next page by button, back by key, zoom.
  await pdfItem.getByRole('link', { name: 'Mostra certificat.pdf' }).click();
  await expect(heading(page)).toContainText('certificat.pdf');
  await expect(heading(page)).toBeFocused();
  await expect(page).toHaveTitle(/^certificat\.pdf – /);
  const pageStatus = page.getByRole('status').filter({ hasText: /^Pàgina \d+ de \d+$/ });
  await expect(pageStatus).toHaveText('Pàgina 1 de 2');
  const documentArea = page.getByRole('region', { name: 'Document certificat.pdf' });
  await expect(documentArea.locator('.textLayer')).toContainText('Certificat de prova - pagina 1');
  await expect(documentArea.getByRole('img', { name: 'Pàgina 1 de 2' })).toBeVisible();
  await expectNoAxeViolations(page, 'PDF viewer');
  await page.getByRole('button', { name: 'Pàgina següent' }).click();
  await expect(pageStatus).toHaveText('Pàgina 2 de 2');
  await expect(documentArea.locator('.textLayer')).toContainText('Certificat de prova - pagina 2');
  await expect(page.getByRole('button', { name: 'Pàgina següent' })).toHaveAttribute('aria-disabled', 'true');
  await documentArea.focus();
  await page.keyboard.press('PageUp');
  await expect(pageStatus).toHaveText('Pàgina 1 de 2');
  const zoom = page.getByRole('group', { name: 'Zoom' }).getByRole('status');
  const zoomBefore = (await zoom.textContent()) ?? '';
  await page.keyboard.press('+');
  await expect(zoom).not.toHaveText(zoomBefore);
  await page.getByRole('button', { name: 'Ajusta a l’amplada' }).click();
  await expect(zoom).toHaveText(zoomBefore);

  // 4. Reject it: an empty reason first, then a real one.
  await page.getByRole('button', { name: 'Rebutja certificat.pdf' }).click();
  const box = page.getByRole('group', { name: 'Per què rebutgeu certificat.pdf?' });
  await expect(box.getByRole('heading')).toBeFocused();
  await box.getByRole('button', { name: 'Rebutja i envia el correu' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Escriviu per què rebutgeu certificat.pdf');
  await expect(page).toHaveTitle(/^Error: certificat\.pdf/);
  const reasonField = box.getByLabel('Motiu');
  await expect(reasonField).toHaveAccessibleDescription(/Error: Escriviu per què rebutgeu certificat\.pdf/);
  await expectNoAxeViolations(page, 'viewer: reject with an empty reason');
  await summary.getByRole('link', { name: 'Escriviu per què rebutgeu certificat.pdf' }).click();
  await expect(reasonField).toBeFocused();
  await reasonField.fill(REASON);
  await expect(box.getByText(`Us queden ${500 - REASON.length} caràcters`)).toBeVisible();
  const mailsBeforeRejection = await outboxCount();
  await box.getByRole('button', { name: 'Rebutja i envia el correu' }).click();
  await expect(page.getByRole('alert')).toContainText('Heu rebutjat certificat.pdf.');
  const facts = page.getByRole('definition').filter({ hasText: 'Rebutjat' });
  await expect(facts.first()).toBeVisible();
  await expect(page.getByText(REASON)).toBeVisible();
  await expect(page.getByText(new RegExp(`^${AGENT.name}, .+ a les \\d{2}:\\d{2}$`))).toBeVisible();
  await expectNoAxeViolations(page, 'viewer: rejected');

  // 5. The citizen's email names the document and the reason.
  const rejection = await newestMailAfter(mailsBeforeRejection);
  expect(JSON.stringify(rejection.to)).toContain(CITIZEN_EMAIL);
  expect(rejection.subject).toContain(reference);
  expect(rejection.text).toContain(slotName);
  expect(rejection.text).toContain('certificat.pdf');
  expect(rejection.text).toContain(REASON);

  // 6. The photo, in the image viewer.
  await page.getByRole('link', { name: 'Enrere' }).click();
  await expect(heading(page)).toContainText('Jordi Vila');
  await section.getByRole('link', { name: 'Mostra rebut.png' }).click();
  await expect(heading(page)).toContainText('rebut.png');
  await expect(page.getByRole('img', { name: 'rebut.png' })).toBeVisible();
  await expect.poll(() => page.getByRole('img', { name: 'rebut.png' }).evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(900);
  await expectNoAxeViolations(page, 'image viewer');

  // 7. The citizen sees the rejection and uploads a corrected PDF in its place.
  await citizen.reload();
  await expect(tasks.first()).toContainText('Rebutjat');
  await upload(citizen, firstSlot, { name: 'certificat-sencer.pdf', mimeType: 'application/pdf', buffer: await samplePdf('Certificat sencer', 2) });
  await citizen.context().close();

  // 8. The agent accepts it from the appointment page.
  await page.getByRole('link', { name: 'Enrere' }).click();
  await expect(heading(page)).toContainText('Jordi Vila');
  const corrected = section.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 4, name: 'certificat-sencer.pdf' }) }).last();
  await expect(corrected).toContainText('Per revisar');
  await corrected.getByRole('button', { name: 'Accepta certificat-sencer.pdf' }).click();
  await expect(section.getByRole('alert')).toContainText('Heu acceptat certificat-sencer.pdf.');
  await expect(section.getByRole('alert')).toBeFocused();
  await expect(corrected).toContainText('Acceptat');
  await expect(corrected.getByRole('button', { name: 'Accepta certificat-sencer.pdf' })).toHaveCount(0);

  // 9. The history: viewed, rejected and accepted, each by the agent.
  const history = page.locator('.staff-history');
  for (const event of ['Document consultat', 'Document rebutjat', 'Document acceptat']) {
    await expect(history.getByRole('listitem').filter({ hasText: event }).filter({ hasText: AGENT.name }).first()).toBeVisible();
  }
  await expectNoAxeViolations(page, 'appointment after the review');
  expect(cspViolations).toEqual([]);
});
