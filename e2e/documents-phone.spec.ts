/**
 * "Continue on your phone", in Catalan. The citizen, on a computer, opens
 * the document space and asks for a QR code: the image is there (and
 * decodes to the address shown as text). A second browser context emulating
 * a 360 px phone opens that address, picks the document, photographs a page
 * with the back camera and sends it as one PDF, and is told it was
 * received; the computer's page shows the document arrive without
 * reloading. The same link on another phone is refused as already used; a
 * new link left to expire (its expiry moved into the past in the server's
 * database: the server's clock is the system's) shows the expired page.
 * axe checks every page.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { devices, expect, test, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test';
import decodeQR from 'qr/decode.js';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { bookViaApi, firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

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
  const startsAt = body.data.days.flatMap((d) => d.slots).at(-1)?.startsAt;
  if (!startsAt) throw new Error('no free time between 4 and 30 days ahead');
  return startsAt;
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

/** What the QR image on the page says, read back from its pixels as a phone's camera would. */
async function decodeQrOn(image: Locator): Promise<string> {
  const size = 300;
  const pixels = await image.evaluate(async (svg, side) => {
    const picture = new Image();
    picture.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    await picture.decode();
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    context.drawImage(picture, 0, 0, side, side);
    return Array.from(context.getImageData(0, 0, side, side).data);
  }, size);
  return decodeQR({ width: size, height: size, data: Uint8Array.from(pixels) });
}

/** A phone: a context of its own (no cookie of the computer), 360 px wide, touch, Catalan. */
async function phoneContext(browser: Browser, baseURL: string | undefined) {
  const { defaultBrowserType: _type, ...galaxy } = devices['Galaxy S8'];
  return browser.newContext({ ...galaxy, baseURL, locale: 'ca-ES', timezoneId: 'Europe/Madrid' });
}

/** Moves every phone link not yet opened past its expiry, in the e2e server's database. */
function expireUnopenedLinks(): number {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)');
  const db = new Database(path.join(dir, 'finestreta.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const past = new Date(Date.now() - 60_000).toISOString();
    return db.prepare('UPDATE uploader_links SET expires_at = ? WHERE exchanged_at IS NULL AND revoked_at IS NULL').run(past).changes;
  } finally {
    db.close();
  }
}

test('a citizen continues on the phone: QR code, a photo sent from the phone, seen on the computer at once', async ({ page, request, browser, baseURL }) => {
  // Book through the API and sign in on the computer with the emailed link and password.
  const procedureId = await firstVideoProcedure(request);
  const startsAt = await slotWithOpenUploads(request, procedureId);
  const mailsBefore = await outboxCount();
  expect(await bookViaApi(request, { procedureId, startsAt, email: 'pau.soler.mobil@example.org', idNumber: validNif(62_000_011) })).toBe(201);
  const text = (await newestMailAfter(mailsBefore)).text ?? '';
  const personalLink = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
  const password = text.split(`${caMail.access.password_label}:`)[1]?.trim().split(/\s+/)[0] ?? '';
  await page.goto(new URL(personalLink).pathname);
  await page.getByLabel('Contrasenya', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByRole('link', { name: 'Puja els documents' }).click();
  await expect(heading(page)).toHaveText(/Els vostres documents/);
  const tasks = page.getByRole('main').getByRole('list').first().getByRole('listitem');
  const firstTask = tasks.first();
  const documentName = ((await firstTask.getByRole('link').textContent()) ?? '').trim();
  await expect(firstTask).toContainText('No pujat');
  // Set on this page: still there at the end means the page never reloaded.
  await page.evaluate(() => Object.assign(window, { e2eSamePage: true }));

  // The QR option: the image, the same address as text, until when it works.
  await expect(page.getByRole('heading', { level: 2, name: 'Continua al mòbil' })).toBeVisible();
  await page.getByRole('button', { name: 'Mostra un codi QR per al meu mòbil' }).click();
  const qr = page.getByRole('img', { name: 'Codi QR per continuar al mòbil' });
  await expect(qr).toBeVisible();
  const address = ((await page.getByTestId('phone-link-url').textContent()) ?? '').trim();
  expect(address).toMatch(/^https?:\/\/\S+\/u\/[a-z2-7]{39}$/);
  expect(await decodeQrOn(qr)).toBe(address);
  await expect(page.getByText(/^El codi funciona fins a les \d{1,2}:\d{2}, un sol cop i en un sol mòbil\./)).toBeVisible();
  await expectNoAxeViolations(page, 'documents page with the QR code');

  // The phone opens the address: the token leaves the address bar, the documents to choose from appear.
  const phoneSide = await phoneContext(browser, baseURL);
  try {
    const phone = await phoneSide.newPage();
    await phone.goto(new URL(address).pathname);
    await expect(heading(phone)).toHaveText(/Quin document voleu enviar\?/);
    expect(new URL(phone.url()).pathname).toMatch(/\/u$/);
    expect(await phone.evaluate(() => window.innerWidth)).toBe(360);
    await expectNoAxeViolations(phone, 'phone: choose the document');

    // The same two ways as on the computer; the camera is the back one.
    await phone.getByRole('link', { name: documentName }).click();
    await expect(heading(phone)).toContainText(documentName);
    await expect(phone.getByLabel('Trieu el fitxer')).toBeVisible();
    const camera = phone.getByLabel('Fotografieu la pàgina 1');
    await expect(camera).toHaveAttribute('capture', 'environment');
    await expectNoAxeViolations(phone, 'phone: document page');
    await camera.setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: await pagePhoto(phone, 'DNI, cara davantera') });
    await expect(phone.getByRole('img', { name: 'Pàgina 1' })).toBeVisible();
    await phone.getByRole('button', { name: 'Puja la pàgina en un sol PDF' }).click();
    const received = phone.getByRole('status').filter({ hasText: 'Rebut' });
    await expect(received).toContainText('El document ha arribat. Podeu tornar a l’ordinador.');
    await expect(phone.getByRole('progressbar')).toHaveCount(0);
    await expectNoAxeViolations(phone, 'phone: received');

    // The computer's page shows it without reloading.
    await expect(firstTask).toContainText('Pujat');
    expect(await page.evaluate(() => (window as unknown as { e2eSamePage?: boolean }).e2eSamePage)).toBe(true);
    const space = (await (await page.request.get('/api/citizen/appointment/documents')).json()) as Envelope<{ slots: { documents: { mediaType: string }[] }[] }>;
    expect(space.data.slots[0]?.documents).toEqual([expect.objectContaining({ mediaType: 'application/pdf' })]);

    // The link opened once: on another phone it is refused, with a page that says why.
    const otherSide = await phoneContext(browser, baseURL);
    try {
      const other = await otherSide.newPage();
      await other.goto(new URL(address).pathname);
      await expect(heading(other)).toContainText('Aquest enllaç ja s’ha fet servir');
      await expect(other.getByText('cada enllaç s’obre un sol cop i en un sol mòbil')).toBeVisible();
      await expectNoAxeViolations(other, 'phone: link already used');
    } finally {
      await otherSide.close();
    }

    // Done on the phone: its session ends.
    await phone.getByRole('button', { name: 'He acabat' }).click();
    await expect(heading(phone)).toContainText('Heu acabat en aquest mòbil');
  } finally {
    await phoneSide.close();
  }

  // A new code, left until it expires, opens the expired page.
  await page.getByRole('button', { name: 'Atura l’accés des del mòbil' }).click();
  await expect(page.getByText('S’ha aturat l’accés des del mòbil.')).toBeVisible();
  await page.getByRole('button', { name: 'Mostra un codi QR per al meu mòbil' }).click();
  await expect(qr).toBeVisible();
  const second = ((await page.getByTestId('phone-link-url').textContent()) ?? '').trim();
  expect(second).not.toBe(address);
  expect(expireUnopenedLinks()).toBe(1);
  const lateSide = await phoneContext(browser, baseURL);
  try {
    const late = await lateSide.newPage();
    await late.goto(new URL(second).pathname);
    await expect(heading(late)).toContainText('Aquest enllaç ha caducat');
    await expect(late.getByText(/trieu «Continua al mòbil» un altre cop per obtenir un codi nou/)).toBeVisible();
    await expectNoAxeViolations(late, 'phone: link expired');
  } finally {
    await lateSide.close();
  }
});
