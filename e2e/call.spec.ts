/**
 * The video call, in Catalan, between two browsers: a citizen on a 360 px
 * phone whose camera is a synthetic "ID card" (a Y4M file fed to Chromium's
 * fake capture), and an agent (a supervisor) with Chromium's default fake
 * camera and microphone. The citizen books through the API, passes the
 * device check and the consents and waits; the agent's queue chimes,
 * highlights the row and announces the arrival; the agent admits; both sides
 * then decode each other's video (the agent sees the 320×240 card) and
 * receive audio, chat both ways, mute, share their screens in turn; the
 * agent asks for a document; the citizen's connection drops and the call
 * comes back without a new admission; the agent puts the citizen back in
 * the waiting room and admits them again, then hangs up. Before admitting,
 * the agent sends a "running late" quick message. axe checks the
 * queue and both sides of the call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, expect, test, type Locator, type Page } from '@playwright/test';
import caMail from '../src/server/i18n/locales/ca/mail.json' with { type: 'json' };
import { bookViaApi, firstFreeSlot, firstVideoProcedure, validNif } from './support/api.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { createStaff } from './support/cli.ts';
import { newestMailAfter, outboxCount } from './support/outbox.ts';

const SUPERVISOR = { email: 'e2e-call-supervisor@demo.finestreta.test', password: 'e2e-call-supervisor-2026', name: 'Supervisora Trucada' };
const CHROMIUM = '/usr/bin/chromium';
const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Fake camera and microphone allowed without a prompt; screen sharing picks the (fake) screen.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  // The remote sound starts without a click (there is a "Turn on the sound" button for real browsers).
  '--autoplay-policy=no-user-gesture-required',
];

// The agent's browser: the default fake camera (a moving pattern, 640×480) and a beeping microphone.
test.use({ permissions: ['camera', 'microphone', 'notifications'], launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS } });

interface Envelope<T> {
  data: T;
}

const CARD = { width: 320, height: 240, frames: 20 };

/**
 * A small YUV4MPEG2 (4:2:0) clip of an identity card on a desk: a light card
 * with a photo and lines of text, and a marker that moves so every frame
 * differs. Chromium loops it as the camera (`--use-file-for-fake-video-capture`).
 */
function idCardY4m(): Buffer {
  const { width: w, height: h, frames } = CARD;
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const parts: Buffer[] = [header];
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(w * h, 40); // a dark desk
    const u = Buffer.alloc((w / 2) * (h / 2), 128);
    const v = Buffer.alloc((w / 2) * (h / 2), 128);
    const fill = (x0: number, y0: number, x1: number, y1: number, luma: number, cb = 128, cr = 128) => {
      for (let row = y0; row < y1; row++) y.fill(luma, row * w + x0, row * w + x1);
      for (let row = y0 >> 1; row < y1 >> 1; row++) {
        u.fill(cb, row * (w / 2) + (x0 >> 1), row * (w / 2) + (x1 >> 1));
        v.fill(cr, row * (w / 2) + (x0 >> 1), row * (w / 2) + (x1 >> 1));
      }
    };
    fill(30, 40, 290, 200, 215, 140, 118); // the card, slightly blue
    fill(44, 70, 124, 170, 110); // the photo
    fill(54, 82, 114, 122, 160); // a face
    for (let line = 0; line < 5; line++) fill(140, 78 + line * 18, line === 0 ? 270 : 240 - line * 12, 84 + line * 18, 60);
    fill(140, 180, 280, 190, 90, 110, 150); // the machine-readable zone
    const x = 40 + ((f * 12) % 220);
    fill(x, 206, x + 16, 222, 235, 90, 200); // the moving marker
    parts.push(Buffer.from('FRAME\n', 'ascii'), y, u, v);
  }
  return Buffer.concat(parts);
}

/** The page heading (every page has exactly one h1). */
function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** Moves an appointment to start in a few minutes, so its waiting room is open now (booking only takes times with notice). */
function startSoon(reference: string): void {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)');
  const db = new Database(path.join(dir, 'finestreta.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const start = new Date(Date.now() + 5 * 60_000);
    start.setUTCSeconds(0, 0);
    const end = new Date(start.getTime() + 30 * 60_000);
    const changed = db.prepare('UPDATE appointments SET starts_at = ?, ends_at = ? WHERE reference = ?').run(start.toISOString(), end.toISOString(), reference);
    expect(changed.changes).toBe(1);
    // The moved appointment no longer holds its original time, so the next spec can book it: the
    // agent's occupancy (primary key that prevents double booking) goes with the old time.
    db.prepare('DELETE FROM agent_busy WHERE appointment_id = (SELECT id FROM appointments WHERE reference = ?)').run(reference);
    db.prepare('UPDATE appointments SET busy_start_unit = 0, busy_end_unit = 0 WHERE reference = ?').run(reference);
  } finally {
    db.close();
  }
}

/** What one side has received from its first peer so far (the connection details' numbers). */
async function received(page: Page): Promise<{ frames: number; packets: number }> {
  const peer = page.getByTestId('call-stats').locator('li').first();
  if ((await peer.count()) === 0) return { frames: 0, packets: 0 };
  return {
    frames: Number((await peer.getAttribute('data-frames-decoded')) ?? 0),
    packets: Number((await peer.getAttribute('data-audio-packets')) ?? 0),
  };
}

/** The width of the other participant's picture as this side decodes it. */
function remoteWidth(page: Page): Promise<number> {
  return page.locator('.call-tile:not(.call-tile--self) video').first().evaluate((video: HTMLVideoElement) => video.videoWidth);
}

test.beforeAll(() => {
  createStaff(SUPERVISOR, 'supervisor');
});

test('a citizen waits, the agent is alerted and admits, and they see, hear and write to each other', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  // The citizen's browser, whose camera films the ID card.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finestreta-call-'));
  const y4m = path.join(dir, 'id-card.y4m');
  writeFileSync(y4m, idCardY4m());
  const citizenBrowser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, `--use-file-for-fake-video-capture=${y4m}`] });
  try {
    const citizenContext = await citizenBrowser.newContext({
      baseURL,
      viewport: { width: 360, height: 740 },
      locale: 'ca-ES',
      timezoneId: 'Europe/Madrid',
      permissions: ['camera', 'microphone'],
    });
    // Test instrumentation: keep the page's WebSockets reachable, to cut the connection in step 10.
    await citizenContext.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      Object.assign(window, { e2eSockets: sockets });
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
    const citizen = await citizenContext.newPage();

    // 1. Booking through the API; the emailed link and password open the citizen's area; the appointment starts soon.
    const procedureId = await firstVideoProcedure(request);
    const { startsAt } = await firstFreeSlot(request, procedureId);
    const mailsBefore = await outboxCount();
    expect(await bookViaApi(request, { procedureId, startsAt, email: 'marta.call@example.org', idNumber: validNif(63_000_021) })).toBe(201);
    const text = (await newestMailAfter(mailsBefore)).text ?? '';
    const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
    const password = text.split(`${caMail.access.password_label}:`)[1]?.trim().split(/\s+/)[0] ?? '';
    expect(link).not.toBe('');
    await citizen.goto(new URL(link).pathname);
    await citizen.getByLabel('Contrasenya', { exact: true }).fill(password);
    await citizen.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(citizen)).toContainText('La vostra cita');
    const own = (await (await citizen.request.get('/api/citizen/appointment')).json()) as Envelope<{ appointment: { reference: string } }>;
    const reference = own.data.appointment.reference;
    startSoon(reference);

    // 2. The agent opens the queue from the staff bar: the appointment is there, not arrived yet.
    await page.goto('/staff/login');
    await page.getByLabel('Adreça de correu electrònic').fill(SUPERVISOR.email);
    await page.getByLabel('Contrasenya', { exact: true }).fill(SUPERVISOR.password);
    await page.getByRole('button', { name: 'Entra', exact: true }).click();
    await expect(heading(page)).toContainText('Agenda');
    await page.getByRole('navigation', { name: 'Àrea del personal' }).getByRole('link', { name: 'Cua' }).click();
    await expect(heading(page)).toContainText('Cua d’avui');
    await expect(heading(page)).toBeFocused();
    const row = page.getByRole('row').filter({ hasText: reference });
    await expect(row).toContainText('No ha arribat');
    await expect(row).toContainText('Encara no l’ha donat');
    // Alerts: the chime is on, and system notifications (allowed for this browser) too.
    await expect(page.getByRole('button', { name: 'So', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText('Les notificacions de l’escriptori estan activades.')).toBeVisible();
    await expectNoAxeViolations(page, 'queue');

    // 3. The citizen checks the devices, consents and enters the waiting room.
    await citizen.reload();
    await citizen.getByRole('link', { name: 'Entra a la videotrucada' }).click();
    await expect(heading(citizen)).toContainText('Comproveu la càmera, el micròfon i el so');
    await citizen.getByRole('button', { name: 'Comença la comprovació' }).click();
    await expect.poll(() => citizen.getByLabel('Imatge de la vostra càmera').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(CARD.width);
    await citizen.getByRole('button', { name: 'Reprodueix el so de prova' }).click();
    await citizen.getByRole('group', { name: 'Heu sentit el so?' }).getByLabel('Sí').check();
    await expect(citizen.getByRole('listitem').filter({ hasText: 'Connexió per a la videotrucada' })).toContainText('Funciona');
    await citizen.getByRole('button', { name: 'Continua' }).click();
    await expect(heading(citizen)).toContainText('El vostre consentiment');
    await citizen.getByLabel('Accepto que es tractin les meves dades personals per a aquest procediment').check();
    await citizen.getByLabel('Sí, accepto l’enregistrament').check();
    await citizen.getByRole('button', { name: 'Vés a la sala d’espera' }).click();
    await expect(heading(citizen)).toContainText('Sala d’espera');

    // 4. The agent's queue announces the arrival, highlights the row with "New", and shows the consent.
    await expect(page.getByRole('status').filter({ hasText: 'Jordi Vila està esperant' })).toBeVisible();
    await expect(row).toContainText('Nou');
    await expect(row).toContainText(/Espera des de fa (menys d’un minut|1 minut)/);
    await expect(row).toContainText('Hi està d’acord');
    await expect(citizen.getByRole('status').filter({ hasText: 'La persona que us atendrà sap que hi sou.' })).toBeVisible();
    await expectNoAxeViolations(page, 'queue with a citizen waiting');

    // A quick message: choosing nothing is an error; "running late" needs the minutes; the citizen reads it.
    await row.getByRole('button', { name: 'Envia un missatge a Jordi Vila' }).click();
    const messageBox = page.getByRole('group', { name: 'Missatge per a Jordi Vila' });
    await expect(messageBox.getByRole('heading')).toBeFocused();
    await messageBox.getByRole('button', { name: 'Envia el missatge' }).click();
    await expect(messageBox).toContainText('Trieu un missatge');
    await messageBox.getByLabel('Faig tard').check();
    await messageBox.getByLabel('Quants minuts de retard?').fill('5');
    await expectNoAxeViolations(page, 'quick message');
    await messageBox.getByRole('button', { name: 'Envia el missatge' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'S’ha enviat el missatge a Jordi Vila.' })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Envia un missatge a Jordi Vila' })).toBeFocused();
    await expect(citizen.getByRole('status').filter({ hasText: 'Vaig amb un retard d’uns 5 minuts.' })).toBeVisible();

    // 5. Admit: the agent's call page opens, and both sides decode the other's video and receive sound.
    await row.getByRole('button', { name: 'Fes entrar Jordi Vila' }).click();
    await expect(heading(page)).toContainText('Trucada amb Jordi Vila');
    await expect(heading(citizen)).toContainText('Videotrucada');
    await expect.poll(async () => (await received(page)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await received(citizen)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await received(page)).packets).toBeGreaterThan(0);
    await expect.poll(async () => (await received(citizen)).packets).toBeGreaterThan(0);
    // The agent sees the citizen's camera: the ID card clip, at its own size.
    await expect.poll(() => remoteWidth(page)).toBe(CARD.width);
    await expect(page.getByRole('region', { name: 'Videotrucada' }).getByRole('figure').first()).toContainText('Persona ciutadana');
    await expectNoAxeViolations(page, 'agent in the call');
    await expectNoAxeViolations(citizen, 'citizen in the call');

    // 6. Chat both ways; each message is read out on the other side.
    await page.getByLabel('Missatge', { exact: true }).fill('Bon dia! Em podeu ensenyar el DNI a la càmera?');
    await page.getByRole('button', { name: 'Envia', exact: true }).click();
    await expect(citizen.getByRole('region', { name: 'Xat' })).toContainText('Bon dia! Em podeu ensenyar el DNI a la càmera?');
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent ha escrit: Bon dia!' })).toBeVisible();
    await citizen.getByLabel('Missatge', { exact: true }).fill('Ara mateix.');
    await citizen.getByLabel('Missatge', { exact: true }).press('Enter');
    await expect(page.getByRole('region', { name: 'Xat' })).toContainText('Ara mateix.');
    // The sender sees its own message once (the server's echo replaces the copy shown at once).
    await expect(citizen.getByRole('region', { name: 'Xat' }).getByText('Ara mateix.')).toHaveCount(1);

    // 7. Muting is told to the other side in words.
    const mute = page.getByRole('button', { name: 'Silencia el micròfon' });
    await mute.click();
    await expect(mute).toHaveAttribute('aria-pressed', 'true');
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent ha silenciat el micròfon.' })).toBeVisible();
    await mute.click();
    await expect(mute).toHaveAttribute('aria-pressed', 'false');

    // 8. Screen sharing, one side then the other: the picture sent is the screen (1280 wide), then the camera again.
    const agentShare = page.getByRole('button', { name: 'Comparteix la pantalla' });
    await agentShare.click();
    await expect(agentShare).toHaveAttribute('aria-pressed', 'true');
    await expect(citizen.getByRole('status').filter({ hasText: 'L’agent comparteix la pantalla.' })).toBeVisible();
    await expect.poll(() => remoteWidth(citizen), { timeout: 20_000 }).toBeGreaterThan(640);
    await agentShare.click();
    await expect(agentShare).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(() => remoteWidth(citizen), { timeout: 20_000 }).toBeLessThanOrEqual(640);
    const citizenShare = citizen.getByRole('button', { name: 'Comparteix la pantalla' });
    await citizenShare.click();
    await expect(citizenShare).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('status').filter({ hasText: 'La persona ciutadana comparteix la pantalla.' })).toBeVisible();
    await expect.poll(() => remoteWidth(page), { timeout: 20_000 }).toBeGreaterThan(CARD.width);
    await citizenShare.click();
    await expect.poll(() => remoteWidth(page), { timeout: 20_000 }).toBe(CARD.width);

    // 9. A document asked for during the call.
    const requestForm = page.getByRole('region', { name: 'Demanar un document' });
    const slot = requestForm.getByLabel('Document', { exact: true });
    const firstSlot = (await slot.locator('option').nth(1).textContent()) ?? '';
    await slot.selectOption({ index: 1 });
    await requestForm.getByLabel('Nota per a la persona (opcional)').fill('La cara de davant, ben il·luminada.');
    await requestForm.getByRole('button', { name: 'Demana’l ara' }).click();
    await expect(requestForm.getByRole('status')).toHaveText(`S’ha demanat a la persona: ${firstSlot}.`);

    // 10. The citizen's connection drops: the call comes back by itself, without admitting again.
    const agentPeers = page.getByTestId('call-stats').locator('li');
    const peerBefore = (await agentPeers.first().getAttribute('data-peer')) ?? '';
    await citizen.evaluate(() => (window as unknown as { e2eSockets: WebSocket[] }).e2eSockets.forEach((socket) => socket.close()));
    // The citizen comes back as a new peer; the old one is gone from the agent's call.
    await expect(agentPeers).toHaveCount(1);
    await expect(agentPeers.first()).not.toHaveAttribute('data-peer', peerBefore, { timeout: 30_000 });
    await expect.poll(async () => (await received(page)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await received(citizen)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => remoteWidth(page)).toBe(CARD.width);
    await expect(heading(page)).toContainText('Trucada amb Jordi Vila');

    // 11. Back to the waiting room for a moment, then in again.
    await page.getByRole('button', { name: 'Torna a la sala d’espera' }).click();
    await expect(page.getByText('La persona ha tornat a la sala d’espera.')).toBeVisible();
    await expect(heading(citizen)).toContainText('Sala d’espera');
    await page.getByRole('button', { name: 'Fes-la entrar de nou' }).click();
    await expect(heading(citizen)).toContainText('Videotrucada');
    await expect.poll(async () => (await received(page)).frames, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await received(citizen)).frames, { timeout: 30_000 }).toBeGreaterThan(0);

    // 12. The agent hangs up: the call ends on both sides.
    await page.getByRole('button', { name: 'Penja', exact: true }).click();
    await expect(page.getByText('La trucada ha acabat.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Torna a la cua' })).toBeVisible();
    await expect(citizen.getByRole('region', { name: 'Videotrucada' })).toHaveCount(0);
    await expectNoAxeViolations(page, 'call ended');
  } finally {
    await citizenBrowser.close();
  }
});
