/**
 * The citizen's document space on a 360 px phone, in Catalan: open it from
 * the appointment page, see the accepted formats and sizes before choosing
 * anything, be told at once about a text file and by the server about a PNG
 * renamed .pdf, upload a PDF with its progress bar reaching 100 %, then
 * photograph two pages that arrive as one PDF. axe checks every state.
 */
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import caErrors from '../src/server/i18n/locales/ca/errors.json' with { type: 'json' };
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { bookViaApi, firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

test.use({ viewport: { width: 360, height: 740 } });

interface Envelope<T> {
  data: T;
}

interface SpaceView {
  slots: { slot: string; documents: { fileName: string; mediaType: string }[] }[];
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

/** A small real PDF, made with pdf-lib. */
async function samplePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595.28, 841.89]);
  page.drawText('Document de prova', { x: 72, y: 760, size: 18, font: await pdf.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await pdf.save());
}

/** A photographed "page" drawn by the browser's canvas, as PNG bytes. */
async function pagePhoto(page: Page, label: string): Promise<Buffer> {
  const base64 = await page.evaluate((text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 1200;
    canvas.height = 1600;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    context.fillStyle = '#fdfdf8';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#111';
    context.font = '64px sans-serif';
    context.fillText(text, 100, 200);
    return canvas.toDataURL('image/png').split(',')[1] ?? '';
  }, label);
  return Buffer.from(base64, 'base64');
}

test('a citizen uploads a PDF and photographed pages from a phone, and is told about wrong files', async ({ page, request }) => {
  // Book through the API and sign in with the emailed link and password.
  const procedureId = await firstVideoProcedure(request);
  const startsAt = await slotWithOpenUploads(request, procedureId);
  const mailsBefore = await outboxCount();
  expect(await bookViaApi(request, { procedureId, startsAt, email: 'marta.roca@example.org', idNumber: validNif(61_000_007) })).toBe(201);
  const text = (await newestMailAfter(mailsBefore)).text ?? '';
  const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
  const password = text.split(`${caMail.access.password_label}:`)[1]?.trim().split(/\s+/)[0] ?? '';
  expect(link).not.toBe('');
  await page.goto(new URL(link).pathname);
  await page.getByLabel('Contrasenya', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(heading(page)).toContainText('La vostra cita');

  // The document space: every document with its formats and maximum size, before choosing anything.
  await page.getByRole('link', { name: 'Puja els documents' }).click();
  await expect(heading(page)).toHaveText(/Els vostres documents/);
  await expect(heading(page)).toBeFocused();
  const tasks = page.getByRole('main').getByRole('list').first().getByRole('listitem');
  await expect(tasks.first()).toBeVisible();
  const taskCount = await tasks.count();
  expect(taskCount).toBeGreaterThan(0);
  for (let i = 0; i < taskCount; i++) await expect(tasks.nth(i)).toContainText(/Formats acceptats: .+\. Mida màxima: \d+ [MG]B\./);
  await expect(tasks.last().getByRole('link', { name: 'Altres documents' })).toBeVisible();
  await expectNoAxeViolations(page, 'document space');

  // The first document's page.
  const firstLink = tasks.first().getByRole('link');
  const documentName = ((await firstLink.textContent()) ?? '').trim();
  await firstLink.click();
  await expect(heading(page)).toContainText(documentName);
  await expect(page.getByText(/^Formats acceptats: .+\. Mida màxima: \d+ [MG]B\.$/)).toBeVisible();
  const fileInput = page.getByLabel('Trieu el fitxer');
  await expectNoAxeViolations(page, 'document page');

  // A text file is refused before anything is sent.
  await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Això no és un PDF') });
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('El fitxer triat ha de tenir un d’aquests formats:');
  await expect(page).toHaveTitle(/^Error: /);
  await expect(fileInput).toHaveAccessibleDescription(/Error: El fitxer triat ha de tenir un d’aquests formats/);
  await expectNoAxeViolations(page, 'document page with a wrong type');

  // A PNG renamed .pdf reaches the server, which looks at the bytes and says why, in Catalan.
  await fileInput.setInputFiles({ name: 'escaneig.pdf', mimeType: 'application/pdf', buffer: await pagePhoto(page, 'PNG') });
  await expect(summary).toContainText(caErrors.file_extension_mismatch);
  await expectNoAxeViolations(page, 'document page with a refused file');

  // A real PDF: the progress bar reaches 100 % and the document appears with its status.
  await fileInput.setInputFiles({ name: 'document.pdf', mimeType: 'application/pdf', buffer: await samplePdf() });
  const progress = page.getByRole('progressbar', { name: /document\.pdf/ });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveJSProperty('value', 100);
  await expect(page.getByText(/^100\s%$/)).toBeVisible();
  await expect(page.getByText('S’ha pujat document.pdf', { exact: true })).toBeVisible();
  await expect(summary).toHaveCount(0);
  const sent = page.getByRole('listitem').filter({ hasText: 'document.pdf' });
  await expect(sent).toContainText(/Pujat|En comprovació/);
  await expect(page.getByRole('heading', { level: 2, name: 'Pugeu un fitxer nou' })).toBeVisible();
  await expectNoAxeViolations(page, 'document uploaded');

  // Back on the list, the document is counted.
  await page.getByRole('link', { name: 'Torna als vostres documents' }).click();
  await expect(heading(page)).toHaveText(/Els vostres documents/);
  await expect(tasks.first()).toContainText(/Pujat|En comprovació/);

  // Other documents, photographed: two pages become one PDF.
  await tasks.last().getByRole('link', { name: 'Altres documents' }).click();
  await expect(heading(page)).toContainText('Altres documents');
  await page.getByLabel('Fotografieu la pàgina 1').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: await pagePhoto(page, 'Pàgina 1') });
  await expect(page.getByRole('img', { name: 'Pàgina 1' })).toBeVisible();
  await page.getByLabel('Fotografieu la pàgina 2').setInputFiles({ name: 'IMG_0002.png', mimeType: 'image/png', buffer: await pagePhoto(page, 'Pàgina 2') });
  await expect(page.getByRole('img', { name: 'Pàgina 2' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Suprimeix la pàgina 2' })).toBeVisible();
  await expectNoAxeViolations(page, 'photographed pages');
  await page.getByRole('button', { name: 'Puja les 2 pàgines en un sol PDF' }).click();
  const photosProgress = page.getByRole('progressbar', { name: /altres-documents\.pdf/ });
  await expect(photosProgress).toHaveJSProperty('value', 100);
  await expect(page.getByText('S’ha pujat altres-documents.pdf', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Fitxer que heu enviat' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'altres-documents.pdf' })).toContainText(/Pujat|En comprovació/);
  await expect(page.getByRole('img', { name: 'Pàgina 1' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'photos uploaded');

  // The server holds one PDF among the other documents.
  const space = (await (await page.request.get('/api/citizen/appointment/documents')).json()) as Envelope<SpaceView>;
  const other = space.data.slots.find((s) => s.slot === 'other');
  expect(other?.documents).toEqual([expect.objectContaining({ fileName: 'altres-documents.pdf', mediaType: 'application/pdf' })]);
});
